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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** Starting dev nodes on a free port and talking to them as a user would: with the AWS SDK. */
final class TestNodes {
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
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPETRELTEST", "secret")))
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
