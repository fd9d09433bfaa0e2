package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.deploy.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * A {@code petrel dev} process killed with SIGKILL while asynchronous events are queued and running loses none of
 * them: started again on its data dir, it runs every accepted event (some perhaps twice) to its destination.
 */
class AsyncRestartIT {
  private static final int EVENTS = 300;

  @TempDir
  Path dataDir;

  @Test
  void every_accepted_event_runs_after_the_node_is_killed_and_started_again() throws Exception {
    Path jar = Path.of("target", "petrel.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar built by mvn package").exists();
    String kafka = TestKafka.shared().bootstrapServers();
    String done = TestKafka.shared().newTopicPrefix("AsyncRestartIT") + "done";
    TestTopics.create(kafka, done, 1);
    // A few events at a time, so that most are still queued when the node dies.
    Map<String, String> settings = Map.of("petrel.kafka.bootstrap-servers", kafka, "petrel.async.max-in-flight", "2");

    Process first = TestNodes.startDevProcess(jar, dataDir, settings);
    try (LambdaClient lambda = TestNodes.client(TestNodes.readyPort(first))) {
      lambda.createFunction(b -> b.functionName("steady").runtime(ClusterNodes.python()).handler("app.handler")
          .role("arn:aws:iam::000000000000:role/petrel").timeout(10)
          .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", """
              import time
              def handler(event, context):
                  time.sleep(0.2)
                  return {'id': event['id']}
              """)))));
      lambda.putFunctionEventInvokeConfig(b -> b.functionName("steady")
          .destinationConfig(d -> d.onSuccess(s -> s.destination("kafka://" + done))));
      for (int i = 0; i < EVENTS; i++) {
        String payload = "{\"id\":" + i + "}";
        assertThat(lambda.invoke(b -> b.functionName("steady").invocationType(InvocationType.EVENT)
            .payload(SdkBytes.fromString(payload, StandardCharsets.UTF_8))).statusCode()).isEqualTo(202);
      }
      List<JsonNode> before = TestTopics.readJson(kafka, done, read -> read.size() >= 20, Duration.ofMinutes(1));
      assertThat(before.size()).as("some events ran before the kill").isGreaterThanOrEqualTo(20);
      assertThat(ids(before)).as("and some were still waiting").hasSizeLessThan(EVENTS);
    } finally {
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    Process second = TestNodes.startDevProcess(jar, dataDir, settings);
    try {
      TestNodes.readyPort(second);
      List<JsonNode> all = TestTopics.readJson(kafka, done, read -> ids(read).size() >= EVENTS,
          Duration.ofMinutes(3));
      assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(
          IntStream.range(0, EVENTS).boxed().collect(Collectors.toSet()));
    } finally {
      second.destroy();
      second.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static Set<Integer> ids(List<JsonNode> records) {
    return records.stream().map(r -> r.path("responsePayload").path("id").asInt(-1)).collect(Collectors.toSet());
  }
}
