package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** A node whose memory for environments holds one 256 MB function at a time. */
class MemoryBudgetIT {
  private static final String APP = """
      import time, uuid
      INSTANCE = str(uuid.uuid4())
      def handler(event, context):
          time.sleep(event.get("sleep", 0))
          return INSTANCE
      """;

  @TempDir
  Path dataDir;

  @Test
  void the_least_recently_used_idle_environment_makes_room_and_a_full_node_throttles() throws Exception {
    PetrelNode node = TestNodes.start(dataDir, Map.of("petrel.sharding.memory-budget", "400MiB"));
    try (LambdaClient lambda = TestNodes.client(node.port());
        LambdaClient once = TestNodes.clientWithoutRetries(node.port())) {
      String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
      for (String name : new String[] {"first", "second"}) {
        lambda.createFunction(r -> r.functionName(name).runtime(python).handler("app.handler").memorySize(256)
            .timeout(10).code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", APP)))));
      }
      String firstInstance = invoke(lambda, "first", "{}").payload().asUtf8String();

      // 'second' does not fit beside the idle 'first': the idle one is stopped to make room.
      CompletableFuture<InvokeResponse> busy = CompletableFuture.supplyAsync(() -> invoke(lambda, "second",
          "{\"sleep\": 3}"));
      Thread.sleep(1000);
      // Now 'second' is busy and nothing is idle: 'first' cannot start.
      assertThatThrownBy(() -> once.invoke(r -> r.functionName("first")))
          .isInstanceOf(TooManyRequestsException.class).hasMessageContaining("memory");
      assertThat(busy.get().functionError()).isNull();

      InvokeResponse again = invoke(lambda, "first", "{}");
      assertThat(again.payload().asUtf8String()).as("a fresh environment").isNotEqualTo(firstInstance);
      assertThat(new String(Base64.getDecoder().decode(again.logResult()), StandardCharsets.UTF_8))
          .contains("Init Duration");
    } finally {
      node.stop();
    }
  }

  private static InvokeResponse invoke(LambdaClient lambda, String name, String payload) {
    return lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromUtf8String(payload)).logType(LogType.TAIL));
  }
}
