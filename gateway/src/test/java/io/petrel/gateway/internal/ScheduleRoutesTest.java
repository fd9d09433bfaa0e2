package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.sqlite.SqliteStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EventBridge's scheduled rules over HTTP as the AWS SDKs speak it (AWS JSON 1.1: POST / with X-Amz-Target), on
 * the control plane's port, against a real embedded store. Each test uses rules of its own names.
 */
class ScheduleRoutesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final GatewaySettings SETTINGS = GatewaySettings.from(ConfigFactory.load());
  private static final String FN = "arn:aws:lambda:" + SETTINGS.region() + ":" + SETTINGS.account() + ":function:";
  private static final String RULE_ARN = "arn:aws:events:" + SETTINGS.region() + ":" + SETTINGS.account() + ":rule/";
  private static final AtomicReference<Instant> now = new AtomicReference<>(T0);

  static Path dir;
  static SqliteStore store;
  static ActorSystem system;
  static int port;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("petrel-schedule-routes");
    store = SqliteStore.open(dir.resolve("petrel.db"));
    system = ActorSystem.create("ScheduleRoutesTest");
    Clock clock = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    ApiContext ctx = new ApiContext(SETTINGS, store, null, Runnable::run, null, null, clock);
    port = Http.get(system).newServerAt("127.0.0.1", 0)
        .bind(new ControlPlaneRoutes(ctx, Materializer.matFromSystem(system)).route())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    system.terminate();
    store.close();
  }

  private static HttpResponse<String> send(String target, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/x-amz-json-1.1");
    if (target != null) {
      b.header("X-Amz-Target", target);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> events(String operation, String body) throws Exception {
    return send("AWSEvents." + operation, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The reply of an operation that must succeed. */
  private static JsonNode ok(String operation, String body) throws Exception {
    HttpResponse<String> r = events(operation, body);
    assertThat(r.statusCode()).as(operation + " " + body + ": " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
    return Json.MAPPER.readTree(r.body());
  }

  /** Asserts an error in the JSON 1.1 shape and answers its message. */
  private static String error(HttpResponse<String> r, int status, String type) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue(type);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.get("__type").asText()).isEqualTo(type);
    return body.get("message").asText();
  }

  // ---- the protocol ----

  @Test
  void a_post_to_the_root_without_a_target_is_still_lambdas_unknown_operation() throws Exception {
    HttpResponse<String> r = send(null, "{}".getBytes());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
    assertThat(Json.MAPPER.readTree(r.body()).get("Message").asText()).contains("No Lambda operation matches POST");
  }

  @Test
  void another_services_target_is_an_unknown_operation_in_the_json_1_1_shape() throws Exception {
    String message = error(send("DynamoDB_20120810.ListTables", "{}".getBytes()), 400, "UnknownOperationException");
    assertThat(message).contains("DynamoDB_20120810.ListTables", "AWSEvents.");
  }

  @Test
  void an_eventbridge_operation_petrel_does_not_offer_says_which_it_does() throws Exception {
    String message = error(events("PutEvents", "{\"Entries\":[]}"), 400, "UnknownOperationException");
    assertThat(message).contains("PutEvents", "scheduled rules only", "PutRule", "RemoveTargets");
  }

  @Test
  void a_body_that_is_not_a_json_object_is_a_validation_error_naming_the_problem() throws Exception {
    assertThat(error(events("DescribeRule", "{\"Name\": "), 400, "ValidationException"))
        .startsWith("Could not parse request body into json");
    assertThat(error(events("DescribeRule", "[1]"), 400, "ValidationException")).contains("JSON object");
    assertThat(error(events("DescribeRule", "{\"Name\": 7}"), 400, "ValidationException"))
        .contains("name must be a string");
  }

  @Test
  void a_body_over_the_control_plane_limit_is_refused() throws Exception {
    byte[] big = new byte[(int) SETTINGS.maxControlPlaneRequestBytes() + 1];
    assertThat(error(send("AWSEvents.PutRule", big), 400, "ValidationException")).contains("smaller than");
  }

  @Test
  void an_event_pattern_rule_is_refused() throws Exception {
    assertThat(error(events("PutRule", "{\"Name\":\"pattern\",\"EventPattern\":\"{\\\"source\\\":[\\\"x\\\"]}\"}"),
        400, "ValidationException")).contains("Only ScheduleExpression rules are supported");
  }

  // ---- against the store ----

  @Test
  void a_rule_is_put_described_listed_disabled_enabled_and_deleted() throws Exception {
    JsonNode put = ok("PutRule", "{\"Name\":\"life.cycle\",\"ScheduleExpression\":\"rate(5 minutes)\","
        + "\"Description\":\"every five\"}");
    assertThat(put.get("RuleArn").asText()).isEqualTo(RULE_ARN + "life.cycle");

    JsonNode described = ok("DescribeRule", "{\"Name\":\"life.cycle\"}");
    assertThat(described.get("Name").asText()).isEqualTo("life.cycle");
    assertThat(described.get("Arn").asText()).isEqualTo(RULE_ARN + "life.cycle");
    assertThat(described.get("ScheduleExpression").asText()).isEqualTo("rate(5 minutes)");
    assertThat(described.get("State").asText()).isEqualTo("ENABLED");
    assertThat(described.get("Description").asText()).isEqualTo("every five");
    assertThat(described.get("EventBusName").asText()).isEqualTo("default");
    assertThat(described.get("CreatedBy").asText()).isEqualTo(SETTINGS.account());

    assertThat(ok("DisableRule", "{\"Name\":\"life.cycle\"}").size()).isZero();
    assertThat(ok("DescribeRule", "{\"Name\":\"life.cycle\"}").get("State").asText()).isEqualTo("DISABLED");
    ok("EnableRule", "{\"Name\":\"life.cycle\"}");
    assertThat(ok("DescribeRule", "{\"Name\":\"life.cycle\"}").get("State").asText()).isEqualTo("ENABLED");

    JsonNode listed = ok("ListRules", "{\"NamePrefix\":\"life.\"}");
    assertThat(listed.get("Rules")).hasSize(1);
    assertThat(listed.get("Rules").get(0).get("Arn").asText()).isEqualTo(RULE_ARN + "life.cycle");
    assertThat(listed.get("Rules").get(0).get("EventBusName").asText()).isEqualTo("default");

    assertThat(ok("DeleteRule", "{\"Name\":\"life.cycle\"}").size()).isZero();
    assertThat(error(events("DescribeRule", "{\"Name\":\"life.cycle\"}"), 400, "ResourceNotFoundException"))
        .isEqualTo("Rule life.cycle does not exist on EventBus default.");
    assertThat(ok("DeleteRule", "{\"Name\":\"life.cycle\"}").size()).as("deleting a missing rule succeeds").isZero();
  }

  @Test
  void listing_pages_through_rules_by_name_with_the_next_token() throws Exception {
    for (String name : new String[] {"page-c", "page-a", "page-b"}) {
      ok("PutRule", "{\"Name\":\"" + name + "\",\"ScheduleExpression\":\"rate(1 hour)\",\"State\":\"DISABLED\"}");
    }
    JsonNode first = ok("ListRules", "{\"NamePrefix\":\"page-\",\"Limit\":2}");
    assertThat(first.get("Rules").findValuesAsText("Name")).containsExactly("page-a", "page-b");
    String token = first.get("NextToken").asText();
    JsonNode second = ok("ListRules", "{\"NamePrefix\":\"page-\",\"Limit\":2,\"NextToken\":\"" + token + "\"}");
    assertThat(second.get("Rules").findValuesAsText("Name")).containsExactly("page-c");
    assertThat(second.has("NextToken")).isFalse();
    assertThat(second.get("Rules").get(0).get("State").asText()).isEqualTo("DISABLED");
    assertThat(second.get("Rules").get(0).has("Description")).isFalse();
  }

  @Test
  void putting_a_rule_again_keeps_when_its_rate_counts_from_unless_the_expression_changes() throws Exception {
    now.set(T0);
    ok("PutRule", "{\"Name\":\"anchored\",\"ScheduleExpression\":\"rate(5 minutes)\"}");
    now.set(T0.plus(Duration.ofMinutes(7)));
    ok("PutRule", "{\"Name\":\"anchored\",\"ScheduleExpression\":\"rate(5 minutes)\",\"Description\":\"d\"}");
    ok("DisableRule", "{\"Name\":\"anchored\"}");
    assertThat(stored("anchored").anchor()).isEqualTo(T0);
    assertThat(stored("anchored").description()).isEqualTo("d");
    now.set(T0.plus(Duration.ofMinutes(9)));
    ok("PutRule", "{\"Name\":\"anchored\",\"ScheduleExpression\":\"rate(10 minutes)\"}");
    ScheduleRule changed = stored("anchored");
    assertThat(changed.anchor()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
    assertThat(changed.created()).isEqualTo(T0);
    assertThat(changed.state()).as("PutRule without State enables").isEqualTo("ENABLED");
    now.set(T0);
  }

  @Test
  void invalid_schedules_and_members_are_validation_errors_naming_the_problem() throws Exception {
    String[][] cases = {
        {"rate(0 minutes)", "value '0'"},
        {"rate(1 minutes)", "'minutes' needs a value above 1"},
        {"rate(5 minute)", "'minute' takes only the value 1"},
        {"rate(30 seconds)", "rate unit 'seconds' is not one of minute"},
        {"cron(0 12 * * ?)", "cron needs 6 fields"},
        {"cron(0 12 1 * MON *)", "'?' in exactly one of day-of-month"},
        {"every day", "neither rate(...) nor cron(...)"}};
    for (String[] c : cases) {
      assertThat(error(events("PutRule", "{\"Name\":\"bad\",\"ScheduleExpression\":\"" + c[0] + "\"}"), 400,
          "ValidationException")).as(c[0]).startsWith("Parameter ScheduleExpression is not valid: ").contains(c[1]);
    }
    assertThat(error(events("PutRule", "{\"Name\":\"bad\",\"ScheduleExpression\":\"rate(5 minutes)\","
        + "\"State\":\"ON\"}"), 400, "ValidationException")).contains("'state'", "[ENABLED, DISABLED]");
    assertThat(error(events("PutRule", "{\"Name\":\"bad\",\"ScheduleExpression\":\"rate(5 minutes)\","
        + "\"Description\":\"" + "d".repeat(513) + "\"}"), 400, "ValidationException")).contains("'description'", "512");
    assertThat(error(events("PutRule", "{\"Name\":\"bad name\",\"ScheduleExpression\":\"rate(5 minutes)\"}"), 400,
        "ValidationException")).contains("'name'");
    assertThat(error(events("DescribeRule", "{\"Name\":\"bad\"}"), 400, "ResourceNotFoundException"))
        .as("nothing invalid was stored").isEqualTo("Rule bad does not exist on EventBus default.");
  }

  @Test
  void targets_are_put_listed_and_removed_and_a_rule_with_targets_cannot_be_deleted() throws Exception {
    ok("PutRule", "{\"Name\":\"targeted\",\"ScheduleExpression\":\"cron(0 12 * * ? *)\"}");
    JsonNode put = ok("PutTargets", "{\"Rule\":\"targeted\",\"Targets\":["
        + "{\"Id\":\"b\",\"Arn\":\"" + FN + "worker:live\",\"Input\":\"{\\\"n\\\":1}\"},"
        + "{\"Id\":\"a\",\"Arn\":\"" + FN + "worker\"},"
        + "{\"Id\":\"queue\",\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q\"}]}");
    assertThat(put.get("FailedEntryCount").asInt()).isEqualTo(1);
    assertThat(put.get("FailedEntries").get(0).get("TargetId").asText()).isEqualTo("queue");
    assertThat(put.get("FailedEntries").get(0).get("ErrorCode").asText()).isEqualTo("ValidationException");
    assertThat(put.get("FailedEntries").get(0).get("ErrorMessage").asText()).contains("arn:aws:sqs");

    JsonNode listed = ok("ListTargetsByRule", "{\"Rule\":\"targeted\"}");
    assertThat(listed.get("Targets").findValuesAsText("Id")).containsExactly("a", "b");
    assertThat(listed.get("Targets").get(0).has("Input")).isFalse();
    assertThat(listed.get("Targets").get(1).get("Arn").asText()).isEqualTo(FN + "worker:live");
    assertThat(listed.get("Targets").get(1).get("Input").asText()).isEqualTo("{\"n\":1}");
    JsonNode firstPage = ok("ListTargetsByRule", "{\"Rule\":\"targeted\",\"Limit\":1}");
    assertThat(firstPage.get("Targets").findValuesAsText("Id")).containsExactly("a");
    assertThat(ok("ListTargetsByRule", "{\"Rule\":\"targeted\",\"Limit\":1,\"NextToken\":\""
        + firstPage.get("NextToken").asText() + "\"}").get("Targets").findValuesAsText("Id")).containsExactly("b");

    ok("PutTargets", "{\"Rule\":\"targeted\",\"Targets\":[{\"Id\":\"a\",\"Arn\":\"" + FN + "other\"}]}");
    assertThat(ok("ListTargetsByRule", "{\"Rule\":\"targeted\"}").get("Targets").get(0).get("Arn").asText())
        .as("a target of the same id is replaced").isEqualTo(FN + "other");

    assertThat(error(events("DeleteRule", "{\"Name\":\"targeted\"}"), 400, "ValidationException"))
        .isEqualTo("Rule can't be deleted since it has targets.");
    JsonNode removed = ok("RemoveTargets", "{\"Rule\":\"targeted\",\"Ids\":[\"a\",\"b\",\"never\"]}");
    assertThat(removed.get("FailedEntryCount").asInt()).isZero();
    assertThat(removed.get("FailedEntries")).isEmpty();
    assertThat(ok("ListTargetsByRule", "{\"Rule\":\"targeted\"}").get("Targets")).isEmpty();
    ok("DeleteRule", "{\"Name\":\"targeted\"}");
  }

  @Test
  void a_rule_holds_at_most_five_targets() throws Exception {
    ok("PutRule", "{\"Name\":\"crowded\",\"ScheduleExpression\":\"rate(1 day)\"}");
    StringBuilder five = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      five.append(i == 1 ? "" : ",").append("{\"Id\":\"t").append(i).append("\",\"Arn\":\"").append(FN)
          .append("f\"}");
    }
    ok("PutTargets", "{\"Rule\":\"crowded\",\"Targets\":[" + five + "]}");
    ok("PutTargets", "{\"Rule\":\"crowded\",\"Targets\":[{\"Id\":\"t5\",\"Arn\":\"" + FN + "g\"}]}");
    assertThat(error(events("PutTargets", "{\"Rule\":\"crowded\",\"Targets\":[{\"Id\":\"t6\",\"Arn\":\"" + FN
        + "f\"}]}"), 400, "LimitExceededException")).contains("at most 5 targets");
    assertThat(ok("ListTargetsByRule", "{\"Rule\":\"crowded\"}").get("Targets")).hasSize(5);
  }

  @Test
  void operations_on_a_missing_rule_answer_resource_not_found() throws Exception {
    String message = "Rule ghost does not exist on EventBus default.";
    for (String[] call : new String[][] {
        {"EnableRule", "{\"Name\":\"ghost\"}"},
        {"DisableRule", "{\"Name\":\"ghost\"}"},
        {"PutTargets", "{\"Rule\":\"ghost\",\"Targets\":[{\"Id\":\"1\",\"Arn\":\"" + FN + "f\"}]}"},
        {"ListTargetsByRule", "{\"Rule\":\"ghost\"}"},
        {"RemoveTargets", "{\"Rule\":\"ghost\",\"Ids\":[\"1\"]}"}}) {
      assertThat(error(events(call[0], call[1]), 400, "ResourceNotFoundException")).as(call[0]).isEqualTo(message);
    }
  }

  private static ScheduleRule stored(String name) throws Exception {
    return store.getRule(SETTINGS.account(), name).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
  }
}
