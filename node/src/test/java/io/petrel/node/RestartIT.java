package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/** What was created before a node stops is there after it starts again on the same data dir. */
class RestartIT {
  @TempDir
  Path dataDir;

  @Test
  void everything_created_survives_a_restart() {
    PetrelNode first = TestNodes.start(dataDir);
    String sha;
    try (LambdaClient lambda = TestNodes.client(first.port())) {
      sha = createSample(lambda);
    } finally {
      first.stop();
    }

    PetrelNode second = TestNodes.start(dataDir);
    try (LambdaClient lambda = TestNodes.client(second.port())) {
      assertSample(lambda, sha);
    } finally {
      second.stop();
    }
  }

  @Test
  void the_petrel_dev_process_stops_cleanly_on_sigterm_and_keeps_its_data() throws Exception {
    Path jar = Path.of("target", "petrel.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar built by mvn package").exists();

    Process process = TestNodes.startDevProcess(jar, dataDir, Map.of());
    String sha;
    try (LambdaClient lambda = TestNodes.client(TestNodes.readyPort(process))) {
      sha = createSample(lambda);
    }
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
    assertThat(Files.exists(dataDir.resolve("petrel.db"))).isTrue();

    Process again = TestNodes.startDevProcess(jar, dataDir, Map.of());
    try (LambdaClient lambda = TestNodes.client(TestNodes.readyPort(again))) {
      assertSample(lambda, sha);
    } finally {
      again.destroy();
      again.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static String createSample(LambdaClient lambda) {
    String sha = lambda.createFunction(r -> r.functionName("keeper").runtime("provided.al2023").handler("none")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("bootstrap", "#!/bin/sh\nexit 0\n")))).memorySize(512)
        .tags(Map.of("team", "petrel"))).codeSha256();
    lambda.publishVersion(r -> r.functionName("keeper"));
    lambda.updateFunctionConfiguration(r -> r.functionName("keeper").description("after v1"));
    lambda.publishVersion(r -> r.functionName("keeper"));
    lambda.createAlias(r -> r.functionName("keeper").name("live").functionVersion("1")
        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 0.25)).build()));
    lambda.putFunctionConcurrency(r -> r.functionName("keeper").reservedConcurrentExecutions(7));
    return sha;
  }

  private static void assertSample(LambdaClient lambda, String sha) {
    var function = lambda.getFunction(r -> r.functionName("keeper"));
    assertThat(function.configuration().codeSha256()).isEqualTo(sha);
    assertThat(function.configuration().memorySize()).isEqualTo(512);
    assertThat(function.configuration().description()).isEqualTo("after v1");
    assertThat(function.tags()).containsEntry("team", "petrel");
    assertThat(function.concurrency().reservedConcurrentExecutions()).isEqualTo(7);
    assertThat(lambda.listVersionsByFunction(r -> r.functionName("keeper")).versions())
        .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1", "2");
    var alias = lambda.getAlias(r -> r.functionName("keeper").name("live"));
    assertThat(alias.functionVersion()).isEqualTo("1");
    assertThat(alias.routingConfig().additionalVersionWeights()).containsEntry("2", 0.25);
    // Numbering continues after a restart: nothing is reused.
    lambda.updateFunctionConfiguration(r -> r.functionName("keeper").description("after restart"));
    assertThat(lambda.publishVersion(r -> r.functionName("keeper")).version()).isEqualTo("3");
  }
}
