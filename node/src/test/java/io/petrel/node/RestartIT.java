package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/** What was created before a node stops is there after it starts again on the same data dir. */
class RestartIT {
  private static final Pattern READY = Pattern.compile("ready: http://127\\.0\\.0\\.1:(\\d+)");

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

    Process process = startDev(jar);
    String sha;
    try (LambdaClient lambda = TestNodes.client(readyPort(process))) {
      sha = createSample(lambda);
    }
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
    assertThat(Files.exists(dataDir.resolve("petrel.db"))).isTrue();

    Process again = startDev(jar);
    try (LambdaClient lambda = TestNodes.client(readyPort(again))) {
      assertSample(lambda, sha);
    } finally {
      again.destroy();
      again.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private Process startDev(Path jar) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-jar", jar.toString(), "dev", "--port", "0", "--data-dir", dataDir.toString())
        .redirectErrorStream(true)
        .start();
  }

  private static int readyPort(Process process) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = READY.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("petrel dev exited before it was ready:\n" + seen);
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
