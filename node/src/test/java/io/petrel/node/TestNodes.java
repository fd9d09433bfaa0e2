package io.petrel.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** Starting dev nodes on a free port and talking to them as a user would: with the AWS SDK. */
final class TestNodes {
  private static final java.util.regex.Pattern READY =
      java.util.regex.Pattern.compile("ready: http://127\\.0\\.0\\.1:(\\d+)");

  private TestNodes() {}

  static PetrelNode start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  static PetrelNode start(Path dataDir, Map<String, Object> settings) {
    Map<String, Object> all = new java.util.HashMap<>(settings);
    all.put("petrel.gateway.port", 0);
    all.put("petrel.node.data-dir", dataDir.toString());
    return PetrelNode.startDev(NodeConfig.load(all));
  }

  static LambdaClient client(int port) {
    return client(port, true);
  }

  /** A client that retries nothing, for tests of throttles and refusals the SDK would otherwise retry. */
  static LambdaClient clientWithoutRetries(int port) {
    return client(port, false);
  }

  private static LambdaClient client(int port, boolean retries) {
    return LambdaClient.builder()
        .overrideConfiguration(o -> {
          if (!retries) {
            o.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1));
          }
        })
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(TestKeys.MAIN.credentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * The invocation records of {@code function} (the query API's view) counted per request id, once there are at
   * least {@code expected} of them or {@code timeout} passed.
   */
  static Map<String, Long> awaitInvocations(int port, String function, int expected, java.time.Duration timeout)
      throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    java.time.Instant deadline = java.time.Instant.now().plus(timeout);
    Map<String, Long> counts = Map.of();
    while (java.time.Instant.now().isBefore(deadline)) {
      var reply = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/petrel/v1/functions/" + function + "/invocations?limit=10000")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      var records = mapper.readTree(reply.body()).path("Invocations");
      Map<String, Long> seen = new java.util.HashMap<>();
      records.forEach(r -> seen.merge(r.path("RequestId").asText(), 1L, Long::sum));
      counts = seen;
      if (seen.values().stream().mapToLong(Long::longValue).sum() >= expected) {
        break;
      }
      Thread.sleep(200);
    }
    return counts;
  }

  /**
   * Starts {@code petrel dev} from the runnable jar as its own process on a free port, with {@code properties} as
   * system properties (configuration overrides).
   */
  static Process startDevProcess(Path jar, Path dataDir, Map<String, String> properties) throws IOException {
    String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaCommand));
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(java.util.List.of("-jar", jar.toString(), "dev", "--port", "0", "--data-dir", dataDir.toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** The port a {@code petrel dev} process says it is ready on; its further output is read and dropped. */
  static int readyPort(Process process) throws IOException {
    var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      java.util.regex.Matcher m = READY.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            out.lines().forEach(l -> { });
          } catch (UncheckedIOException closed) {
            // the process was killed
          }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("petrel dev exited before it was ready:\n" + seen);
  }

  /** The messages of {@code function}'s log lines of the last hour that contain {@code filter}, oldest first. */
  static java.util.List<String> logMessages(int port, String function, String filter) throws Exception {
    var reply = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + port + "/petrel/v1/functions/" + function + "/logs?limit=10000&filter="
                + java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (reply.statusCode() != 200) {
      throw new AssertionError("log query answered " + reply.statusCode() + ": " + reply.body());
    }
    java.util.List<String> messages = new java.util.ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(reply.body()).path("Events")
        .forEach(e -> messages.add(e.path("Message").asText().trim()));
    return messages;
  }

  /** The AWS SDK's EventBridge client, pointed at a node. */
  static software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge(int port) {
    return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(TestKeys.MAIN.credentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** A zip holding the given files (name to content). */
  static SdkBytes zip(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (var file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SdkBytes.fromByteArray(bytes.toByteArray());
  }

  static SdkBytes pythonZip(String body) {
    return zip(Map.of("app.py", "def handler(event, context):\n    " + body + "\n"));
  }
}
