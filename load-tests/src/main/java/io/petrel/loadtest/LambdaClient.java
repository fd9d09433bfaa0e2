package io.petrel.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few Lambda API calls the benchmark makes, over one shared keep-alive HTTP/1.1 client. Dev-mode nodes
 * take unsigned requests; with an access key in the environment, requests are signed ({@link RequestSigner}). Every failure is a {@link BenchmarkException} that says what went wrong.
 */
final class LambdaClient {
  private static final String API = "/2015-03-31/functions";
  private static final String MAPPINGS = "/2015-03-31/event-source-mappings/";
  private static final String EVENT_INVOKE_CONFIG = "/2019-09-25/functions/%s/event-invoke-config";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

  /** One successful invocation: how long the client waited for it, and the decoded log tail if asked for. */
  record Invocation(long nanos, Optional<String> logTail) {}

  private final URI endpoint;
  private final HttpClient http;
  private final Duration timeout;
  private final Optional<RequestSigner> signer = RequestSigner.fromEnvironment();

  LambdaClient(URI endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  URI endpoint() {
    return endpoint;
  }

  /**
   * The runtime ids the node supports. The API has no call that lists them, but a CreateFunction with an
   * unknown runtime answers an error that does.
   */
  List<String> supportedRuntimes() {
    NoopFunction probe = NoopFunction.forRuntime("python3.11");
    ObjectNode body = createBody("petrel-bench-runtime-probe", "petrel-bench-no-such-runtime", probe);
    HttpResponse<byte[]> response = send(request(API).POST(json(body)).build());
    String message = message(response.body());
    int at = message.indexOf("supports:");
    if (response.statusCode() != 400 || at < 0) {
      throw new BenchmarkException("could not list the node's runtimes: CreateFunction with an unknown runtime"
          + " answered " + describe(response));
    }
    List<String> ids = new ArrayList<>();
    for (String id : message.substring(at + "supports:".length()).split(",")) {
      if (!id.isBlank()) {
        ids.add(id.trim());
      }
    }
    return ids;
  }

  /** Creates a function from {@code code} with the given MemorySize and Timeout. */
  void createFunction(String name, String runtime, NoopFunction code, int memoryMb, int timeoutSeconds) {
    ObjectNode body = createBody(name, runtime, code);
    body.put("MemorySize", memoryMb);
    body.put("Timeout", timeoutSeconds);
    expect(send(request(API).POST(json(body)).build()), 201, 200, "CreateFunction " + name);
  }

  void createFunction(String name, String runtime, NoopFunction code) {
    ObjectNode body = createBody(name, runtime, code);
    expect(send(request(API).POST(json(body)).build()), 201, 200, "CreateFunction " + name);
  }

  /**
   * Replaces the function's environment variables, which makes the next call start a new environment, and
   * waits until the update has taken effect.
   */
  void setEnvironment(String name, Map<String, String> variables) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode vars = body.putObject("Environment").putObject("Variables");
    variables.forEach(vars::put);
    HttpResponse<byte[]> response =
        send(request(API + "/" + encode(name) + "/configuration").PUT(json(body)).build());
    expect(response, 200, 200, "UpdateFunctionConfiguration " + name);
    String status = field(response.body(), "LastUpdateStatus");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (status.equals("InProgress")) {
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("UpdateFunctionConfiguration " + name + " still InProgress after 60 s");
      }
      sleep(Duration.ofMillis(20));
      HttpResponse<byte[]> config = send(request(API + "/" + encode(name) + "/configuration").GET().build());
      expect(config, 200, 200, "GetFunctionConfiguration " + name);
      status = field(config.body(), "LastUpdateStatus");
    }
    if (status.equals("Failed")) {
      throw new BenchmarkException("UpdateFunctionConfiguration " + name + " failed: " + describe(response));
    }
  }

  /** How one call ended: its time, and the function error's errorType, or null when it succeeded. */
  record Ended(long nanos, String errorType) {}

  /** Invokes synchronously with an empty JSON object; a function error is an outcome, a non-200 answer throws. */
  Ended invokeExpectingErrors(String name) {
    HttpRequest request = request(API + "/" + encode(name) + "/invocations")
        .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD)).build();
    long start = System.nanoTime();
    HttpResponse<byte[]> response = send(request);
    long nanos = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new BenchmarkException("Invoke " + name + " answered " + describe(response));
    }
    if (response.headers().firstValue("X-Amz-Function-Error").isEmpty()) {
      return new Ended(nanos, null);
    }
    String type = field(response.body(), "errorType");
    return new Ended(nanos, type.isEmpty() ? "Unhandled" : type);
  }

  /** Invokes synchronously with an empty JSON object; a function error or any non-200 answer throws. */
  Invocation invoke(String name, boolean tail) {
    HttpRequest.Builder builder = request(API + "/" + encode(name) + "/invocations")
        .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD));
    if (tail) {
      builder.header("X-Amz-Log-Type", "Tail");
    }
    HttpRequest request = builder.build();
    long start = System.nanoTime();
    HttpResponse<byte[]> response = send(request);
    long nanos = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new BenchmarkException("Invoke " + name + " answered " + describe(response));
    }
    Optional<String> functionError = response.headers().firstValue("X-Amz-Function-Error");
    if (functionError.isPresent()) {
      throw new BenchmarkException("Invoke " + name + " returned a function error (" + functionError.get()
          + "): " + new String(response.body(), StandardCharsets.UTF_8));
    }
    Optional<String> logTail = response.headers().firstValue("X-Amz-Log-Result")
        .map(b64 -> new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
    return new Invocation(nanos, logTail);
  }

  /**
   * Invokes until a call succeeds, asking again every 500 ms for up to {@code patience}: a gateway may not see a
   * function created through another one yet.
   */
  Invocation invokeFirst(String name, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return invoke(name, false);
      } catch (BenchmarkException e) {
        if (System.nanoTime() > deadline) {
          throw new BenchmarkException("the first call of " + name + " through " + endpoint + " kept failing for "
              + patience.toSeconds() + " s: " + e.getMessage());
        }
        sleep(Duration.ofMillis(500));
      }
    }
  }

  /** Invokes with InvocationType Event; the nanoseconds until the node answered 202 (the event is queued). */
  long invokeEvent(String name) {
    HttpRequest request = request(API + "/" + encode(name) + "/invocations")
        .header("X-Amz-Invocation-Type", "Event")
        .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD)).build();
    long start = System.nanoTime();
    HttpResponse<byte[]> response = send(request);
    long nanos = System.nanoTime() - start;
    expect(response, 202, 202, "Invoke (Event) " + name);
    return nanos;
  }

  /** PutFunctionEventInvokeConfig of $LATEST with only an OnSuccess destination ({@code kafka://topic}). */
  void putOnSuccessDestination(String name, String destination) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("DestinationConfig").putObject("OnSuccess").put("Destination", destination);
    expect(send(request(EVENT_INVOKE_CONFIG.formatted(encode(name))).PUT(json(body)).build()), 200, 200,
        "PutFunctionEventInvokeConfig " + name);
  }

  /**
   * CreateEventSourceMapping of a self-managed Kafka topic, read from its beginning in {@code group}; the new
   * mapping's UUID.
   */
  String createKafkaMapping(String function, String topic, int batchSize, List<String> bootstrapServers,
                            String group) {
    ObjectNode body = JSON.createObjectNode();
    body.put("FunctionName", function);
    body.putArray("Topics").add(topic);
    body.put("StartingPosition", "TRIM_HORIZON");
    body.put("BatchSize", batchSize);
    ArrayNode servers = body.putObject("SelfManagedEventSource").putObject("Endpoints")
        .putArray("KAFKA_BOOTSTRAP_SERVERS");
    bootstrapServers.forEach(servers::add);
    body.putObject("SelfManagedKafkaEventSourceConfig").put("ConsumerGroupId", group);
    HttpResponse<byte[]> response = send(request(MAPPINGS).POST(json(body)).build());
    expect(response, 202, 201, "CreateEventSourceMapping of " + topic + " to " + function);
    String uuid = field(response.body(), "UUID");
    if (uuid.isEmpty()) {
      throw new BenchmarkException("CreateEventSourceMapping answered no UUID: " + describe(response));
    }
    return uuid;
  }

  /** A mapping's State and LastProcessingResult, for messages; or why they could not be read. */
  String mappingStatus(String uuid) {
    try {
      HttpResponse<byte[]> response = send(request(MAPPINGS + encode(uuid)).GET().build());
      if (response.statusCode() != 200) {
        return "GetEventSourceMapping answered " + describe(response);
      }
      return "State " + field(response.body(), "State") + ", LastProcessingResult '"
          + field(response.body(), "LastProcessingResult") + "'";
    } catch (BenchmarkException e) {
      return e.getMessage();
    }
  }

  /** Deletes the mapping; one that is already gone is fine. */
  void deleteMapping(String uuid) {
    HttpResponse<byte[]> response = send(request(MAPPINGS + encode(uuid)).DELETE().build());
    if (response.statusCode() != 404) {
      expect(response, 202, 200, "DeleteEventSourceMapping " + uuid);
    }
  }

  /**
   * DurationMs of the function's invocations that started in [from, to), oldest first, at most {@code limit}
   * (Petrel's query API, at most 10000).
   */
  List<Double> invocationDurations(String name, Instant from, Instant to, int limit) {
    String path = "/petrel/v1/functions/" + encode(name) + "/invocations?from=" + from.toEpochMilli() + "&to="
        + to.toEpochMilli() + "&limit=" + limit;
    HttpResponse<byte[]> response = send(request(path).GET().build());
    expect(response, 200, 200, "GET " + path);
    List<Double> durations = new ArrayList<>();
    try {
      for (JsonNode invocation : JSON.readTree(response.body()).path("Invocations")) {
        durations.add(invocation.path("DurationMs").asDouble());
      }
    } catch (IOException e) {
      throw new BenchmarkException("GET " + path + " answered no JSON: " + describe(response));
    }
    return durations;
  }

  /** Deletes the function; a function that is already gone is fine. */
  void deleteFunction(String name) {
    HttpResponse<byte[]> response = send(request(API + "/" + encode(name)).DELETE().build());
    if (response.statusCode() != 404) {
      expect(response, 204, 200, "DeleteFunction " + name);
    }
  }

  private static ObjectNode createBody(String name, String runtime, NoopFunction code) {
    ObjectNode body = JSON.createObjectNode();
    body.put("FunctionName", name);
    body.put("Runtime", runtime);
    body.put("Handler", code.handler());
    body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(code.zip()));
    body.put("MemorySize", 128);
    body.put("Timeout", 30);
    return body;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(endpoint.resolve(path))
        .timeout(timeout)
        .header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher json(JsonNode body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(signer.map(s -> s.sign(request)).orElse(request), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new BenchmarkException("cannot connect to the node at " + endpoint + " (" + e + ")");
    } catch (IOException e) {
      throw new BenchmarkException(request.method() + " " + request.uri().getPath() + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }

  private static void expect(HttpResponse<byte[]> response, int status, int alsoOk, String what) {
    if (response.statusCode() != status && response.statusCode() != alsoOk) {
      throw new BenchmarkException(what + " answered " + describe(response));
    }
  }

  private static String describe(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return "HTTP " + response.statusCode() + (body.isBlank() ? "" : ": " + abbreviate(body));
  }

  private static String abbreviate(String text) {
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }

  private static String message(byte[] body) {
    String message = field(body, "Message");
    return message.isEmpty() ? field(body, "message") : message;
  }

  private static String field(byte[] body, String name) {
    try {
      return JSON.readTree(body).path(name).asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }
}
