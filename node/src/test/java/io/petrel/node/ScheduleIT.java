package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Schedules fire: a rule made with the SDK's EventBridge client, firing every second (a test setting; production
 * keeps a minute), invokes its target function asynchronously once per tick with the Scheduled Event; disabled
 * it stops, deleted it is gone.
 */
class ScheduleIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PetrelNode node;
  private static LambdaClient lambda;
  private static EventBridgeClient events;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(Files.createTempDirectory("petrel-schedule-it"), Map.of(
        "petrel.schedules.minimum-interval", "1s",
        "petrel.schedules.tick", "100ms",
        "petrel.schedules.refresh-interval", "300ms"));
    lambda = TestNodes.client(node.port());
    events = TestNodes.eventBridge(node.port());
    lambda.createFunction(b -> b.functionName("recorder").runtime(ClusterNodes.python()).handler("app.handler")
        .role(ROLE).timeout(5).code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", """
            import json
            def handler(event, context):
                print('TICK ' + json.dumps(event))
            """)))));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void a_rule_firing_every_second_invokes_its_target_once_per_tick_until_disabled_and_then_is_deleted()
      throws Exception {
    String ruleArn = events.putRule(b -> b.name("every-second").scheduleExpression("rate(1 second)")).ruleArn();
    events.putTargets(b -> b.rule("every-second").targets(t -> t.id("recorder")
        .arn("arn:aws:lambda:us-east-1:000000000000:function:recorder")));
    Instant started = Instant.now();
    Thread.sleep(10_000);
    events.disableRule(b -> b.name("every-second"));
    Duration enabledFor = Duration.between(started, Instant.now());
    // Ticks queued before the scheduler saw the change still run: let them, then count.
    Thread.sleep(3_000);
    List<JsonNode> fired = ticks();
    Thread.sleep(3_000);
    assertThat(ticks()).as("no more ticks once disabled").hasSameSizeAs(fired);

    long seconds = enabledFor.toSeconds();
    assertThat(fired.size()).as("ticks in about %d s", seconds).isBetween((int) seconds - 3, (int) seconds + 1);
    assertThat(fired.stream().map(e -> e.path("time").asText()).distinct().count())
        .as("each tick once").isEqualTo(fired.size());
    JsonNode event = fired.get(0);
    assertThat(event.path("version").asText()).isEqualTo("0");
    assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
    assertThat(event.path("source").asText()).isEqualTo("aws.events");
    assertThat(event.path("account").asText()).isEqualTo("000000000000");
    assertThat(event.path("region").asText()).isEqualTo("us-east-1");
    assertThat(event.path("resources").get(0).asText()).isEqualTo(ruleArn);
    assertThat(event.path("detail").isObject()).isTrue();
    assertThat(event.path("id").asText()).isNotEmpty();
    assertThat(Instant.parse(event.path("time").asText())).isAfterOrEqualTo(started.minusSeconds(1));

    events.removeTargets(b -> b.rule("every-second").ids("recorder"));
    events.deleteRule(b -> b.name("every-second"));
    assertThatThrownBy(() -> events.describeRule(b -> b.name("every-second")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void a_target_with_constant_input_gets_that_input_instead_of_the_event() throws Exception {
    events.putRule(b -> b.name("fixed-input").scheduleExpression("rate(1 second)"));
    events.putTargets(b -> b.rule("fixed-input").targets(t -> t.id("fixed")
        .arn("arn:aws:lambda:us-east-1:000000000000:function:recorder").input("{\"fixed\": \"yes\"}")));
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline) && TestNodes.logMessages(node.port(), "recorder", "fixed").isEmpty()) {
      Thread.sleep(200);
    }
    events.disableRule(b -> b.name("fixed-input"));
    assertThat(TestNodes.logMessages(node.port(), "recorder", "fixed")).first()
        .satisfies(line -> assertThat(JSON.readTree(line.substring("TICK ".length())).path("fixed").asText())
            .isEqualTo("yes"));
  }

  /** The Scheduled Events the recorder logged for the every-second rule. */
  private static List<JsonNode> ticks() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : TestNodes.logMessages(node.port(), "recorder", "every-second")) {
      if (line.startsWith("TICK ")) {
        out.add(JSON.readTree(line.substring("TICK ".length())));
      }
    }
    return out;
  }
}
