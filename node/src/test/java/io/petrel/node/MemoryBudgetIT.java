package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** A node whose memory for environments holds one 256 MB function at a time. */
class MemoryBudgetIT {
  private static final String APP = """
      import os, time
      def handler(event, context):
          time.sleep(event.get("sleep", 0))
          return {"pid": os.getpid()}
      """;

  @TempDir
  Path dataDir;

  @Test
  void the_least_recently_used_idle_environment_makes_room_and_a_full_node_throttles() throws Exception {
    PetrelNode node = TestNodes.start(dataDir, Map.of("petrel.sharding.memory-budget", "400MiB"));
    try (LambdaClient lambda = TestNodes.client(node.port()); LambdaClient once = TestNodes.clientWithoutRetries(node.port())) {
      String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
      for (String name : new String[] {"first", "second"}) {
        lambda.createFunction(r -> r.functionName(name).runtime(python).handler("app.handler").memorySize(256)
            .timeout(10).code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", APP)))));
      }
      long firstPid = pid(invoke(lambda, "first", "{}"));
      assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).hasValue(true);

      CompletableFuture<InvokeResponse> busy = CompletableFuture.supplyAsync(() -> invoke(lambda, "second",
          "{\"sleep\": 3}"));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
          .as("the idle environment of 'first' was evicted for 'second'").isFalse();

      Thread.sleep(500);
      assertThatThrownBy(() -> once.invoke(r -> r.functionName("first")))
          .isInstanceOf(TooManyRequestsException.class).hasMessageContaining("memory");
      assertThat(busy.get().functionError()).isNull();
    } finally {
      node.stop();
    }
  }

  private static InvokeResponse invoke(LambdaClient lambda, String name, String payload) {
    return lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromUtf8String(payload)));
  }

  private static long pid(InvokeResponse response) {
    Matcher m = Pattern.compile("\"pid\": (\\d+)").matcher(response.payload().asUtf8String());
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
