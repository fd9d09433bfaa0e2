package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checks of EventBridge schedule requests that need no store and no expression parser. */
class ScheduleRequestsTest {
  private static final String ACCOUNT = "000000000000";
  private static final String FN = "arn:aws:lambda:us-east-1:000000000000:function:";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-03-02T10:00:00Z");
  private final ScheduleRequests requests = new ScheduleRequests("us-east-1", ACCOUNT, Duration.ofSeconds(60));

  private static JsonNode json(String text) {
    return Json.parseObject(text.getBytes());
  }

  private static void validation(Runnable call, String... fragments) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(EventsError.class, e -> {
      assertThat(e.type()).isEqualTo("ValidationException");
      assertThat(e.status()).isEqualTo(400);
      for (String fragment : fragments) {
        assertThat(e.getMessage()).contains(fragment);
      }
    });
  }

  @Test
  void rule_arns_name_the_region_account_and_rule() {
    assertThat(requests.ruleArn("nightly.job-1")).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/nightly.job-1");
  }

  @Test
  void rule_names_are_1_to_64_letters_digits_dots_hyphens_or_underscores() {
    assertThat(requests.name(json("{\"Name\":\"a.b-c_D9\"}"), "Name", "name")).isEqualTo("a.b-c_D9");
    assertThat(requests.name(json("{\"Name\":\"" + "n".repeat(64) + "\"}"), "Name", "name")).hasSize(64);
    validation(() -> requests.name(json("{}"), "Name", "name"), "'name'", "must not be null");
    validation(() -> requests.name(json("{\"Name\":\"\"}"), "Name", "name"), "greater than or equal to 1");
    validation(() -> requests.name(json("{\"Name\":\"" + "n".repeat(65) + "\"}"), "Name", "name"),
        "less than or equal to 64");
    validation(() -> requests.name(json("{\"Name\":\"has space\"}"), "Name", "name"), "'has space'", "'name'",
        "regular expression pattern");
    validation(() -> requests.name(json("{\"Name\":\"a/b\"}"), "Name", "name"), "regular expression pattern");
    validation(() -> requests.name(json("{\"Name\":5}"), "Name", "name"), "name must be a string");
  }

  @Test
  void event_pattern_rules_are_refused_and_a_rule_needs_a_schedule() {
    validation(() -> requests.putRule(json("{\"Name\":\"r\",\"EventPattern\":\"{}\"}")),
        "Only ScheduleExpression rules are supported");
    validation(() -> requests.putRule(json("{\"Name\":\"r\"}")), "ScheduleExpression must be specified");
  }

  @Test
  void only_the_default_event_bus_is_offered() {
    requests.eventBus(json("{}"));
    requests.eventBus(json("{\"EventBusName\":\"default\"}"));
    requests.eventBus(json("{\"EventBusName\":\"arn:aws:events:us-east-1:000000000000:event-bus/default\"}"));
    validation(() -> requests.eventBus(json("{\"EventBusName\":\"orders\"}")), "EventBusName 'orders'",
        "only the default event bus");
    validation(() -> requests.putRule(json("{\"Name\":\"r\",\"EventBusName\":\"orders\","
        + "\"ScheduleExpression\":\"rate(5 minutes)\"}")), "EventBusName");
  }

  @Test
  void a_new_rule_counts_from_now() {
    var r = new ScheduleRequests.RuleRequest("r", "rate(5 minutes)", "ENABLED", Optional.of("every five"));
    ScheduleRule stored = requests.toStore(r, Optional.empty(), T0);
    assertThat(stored).isEqualTo(new ScheduleRule(ACCOUNT, "r", "rate(5 minutes)", "ENABLED", "every five", T0, T0,
        T0));
  }

  @Test
  void putting_a_rule_again_keeps_its_anchor_unless_the_expression_changes() {
    ScheduleRule existing = new ScheduleRule(ACCOUNT, "r", "rate(5 minutes)", "ENABLED", "old", T0, T0, T0);
    ScheduleRule sameSchedule = requests.toStore(new ScheduleRequests.RuleRequest("r", "rate(5 minutes)",
        "DISABLED", Optional.empty()), Optional.of(existing), T1);
    assertThat(sameSchedule.anchor()).isEqualTo(T0);
    assertThat(sameSchedule.created()).isEqualTo(T0);
    assertThat(sameSchedule.modified()).isEqualTo(T1);
    assertThat(sameSchedule.state()).isEqualTo("DISABLED");
    assertThat(sameSchedule.description()).as("PutRule replaces the rule whole").isNull();

    ScheduleRule newSchedule = requests.toStore(new ScheduleRequests.RuleRequest("r", "rate(10 minutes)",
        "ENABLED", Optional.empty()), Optional.of(existing), T1);
    assertThat(newSchedule.anchor()).isEqualTo(T1);
    assertThat(newSchedule.created()).isEqualTo(T0);
  }

  @Test
  void enabling_or_disabling_keeps_the_schedule_and_its_anchor() {
    ScheduleRule existing = new ScheduleRule(ACCOUNT, "r", "rate(5 minutes)", "ENABLED", "d", T0, T0, T0);
    ScheduleRule disabled = ScheduleRequests.withState(existing, "DISABLED", T1);
    assertThat(disabled).isEqualTo(new ScheduleRule(ACCOUNT, "r", "rate(5 minutes)", "DISABLED", "d", T0, T0, T1));
    assertThat(disabled.enabled()).isFalse();
  }

  @Test
  void listing_limits_are_1_to_100_and_default_to_100() {
    assertThat(requests.limit(json("{}"))).isEqualTo(100);
    assertThat(requests.limit(json("{\"Limit\":1}"))).isEqualTo(1);
    assertThat(requests.limit(json("{\"Limit\":100}"))).isEqualTo(100);
    validation(() -> requests.limit(json("{\"Limit\":0}")), "'limit'", "greater than or equal to 1");
    validation(() -> requests.limit(json("{\"Limit\":101}")), "'limit'", "less than or equal to 100");
    validation(() -> requests.limit(json("{\"Limit\":\"ten\"}")), "limit must be an integer");
    validation(() -> requests.nextToken(json("{\"NextToken\":\"\"}")), "'nextToken'");
    assertThat(requests.namePrefix(json("{\"NamePrefix\":\"nightly\"}"))).hasValue("nightly");
    validation(() -> requests.namePrefix(json("{\"NamePrefix\":\"a b\"}")), "'namePrefix'");
  }

  @Test
  void function_targets_of_this_region_and_account_are_accepted_with_or_without_json_input() {
    var t = requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":["
        + "{\"Id\":\"1\",\"Arn\":\"" + FN + "f\"},"
        + "{\"Id\":\"two\",\"Arn\":\"" + FN + "f:live\",\"Input\":\"{\\\"a\\\":[1,2]}\"},"
        + "{\"Id\":\"3\",\"Arn\":\"" + FN + "f:$LATEST\",\"Input\":\"\\\"text\\\"\"}]}"));
    assertThat(t.rule()).isEqualTo("r");
    assertThat(t.failed()).isEmpty();
    assertThat(t.accepted()).containsExactly(
        new ScheduleTarget(ACCOUNT, "r", "1", FN + "f", null),
        new ScheduleTarget(ACCOUNT, "r", "two", FN + "f:live", "{\"a\":[1,2]}"),
        new ScheduleTarget(ACCOUNT, "r", "3", FN + "f:$LATEST", "\"text\""));
  }

  @Test
  void targets_petrel_cannot_deliver_to_are_failed_entries_and_the_others_are_kept() {
    var t = requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":["
        + "{\"Id\":\"sqs\",\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q\"},"
        + "{\"Id\":\"other-account\",\"Arn\":\"arn:aws:lambda:us-east-1:123456789012:function:f\"},"
        + "{\"Id\":\"other-region\",\"Arn\":\"arn:aws:lambda:eu-west-1:000000000000:function:f\"},"
        + "{\"Id\":\"bad-json\",\"Arn\":\"" + FN + "f\",\"Input\":\"{not json\"},"
        + "{\"Id\":\"trailing\",\"Arn\":\"" + FN + "f\",\"Input\":\"{} {}\"},"
        + "{\"Id\":\"path\",\"Arn\":\"" + FN + "f\",\"InputPath\":\"$.detail\"},"
        + "{\"Id\":\"transformer\",\"Arn\":\"" + FN + "f\",\"InputTransformer\":{\"InputTemplate\":\"x\"}},"
        + "{\"Id\":\"ok\",\"Arn\":\"" + FN + "f\"}]}"));
    assertThat(t.accepted()).extracting(ScheduleTarget::id).containsExactly("ok");
    assertThat(t.failed()).extracting(ScheduleRequests.FailedEntry::targetId).containsExactly("sqs",
        "other-account", "other-region", "bad-json", "trailing", "path", "transformer");
    assertThat(t.failed()).allSatisfy(f -> assertThat(f.errorCode()).isEqualTo("ValidationException"));
    assertThat(t.failed().get(0).errorMessage()).contains("arn:aws:sqs").contains("Lambda functions")
        .contains("arn:aws:lambda:us-east-1:000000000000:function:<name>");
    assertThat(t.failed().get(3).errorMessage()).startsWith("Input is not valid JSON");
    assertThat(t.failed().get(5).errorMessage()).startsWith("InputPath is not supported");
    assertThat(t.failed().get(6).errorMessage()).startsWith("InputTransformer is not supported");
  }

  @Test
  void malformed_targets_refuse_the_whole_request_naming_the_member() {
    String arn = "\"Arn\":\"" + FN + "f\"";
    validation(() -> requests.putTargets(json("{\"Targets\":[{\"Id\":\"1\"," + arn + "}]}")), "'rule'");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\"}")), "'targets'", "must not be null");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[]}")), "greater than or equal to 1");
    StringBuilder eleven = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      eleven.append(i == 0 ? "" : ",").append("{\"Id\":\"t").append(i).append("\",").append(arn).append("}");
    }
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[" + eleven + "]}")),
        "less than or equal to 10");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"1\"," + arn + "},"
        + "{\"Id\":\"bad id\"," + arn + "}]}")), "'targets.2.member.id'", "regular expression pattern");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"1\"}]}")),
        "'targets.1.member.arn'", "must not be null");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"1\"," + arn + "},"
        + "{\"Id\":\"1\"," + arn + "}]}")), "Id '1' more than once");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"1\"," + arn
        + ",\"Input\":\"\\\"" + "x".repeat(8191) + "\\\"\"}]}")), "'targets.1.member.input'", "8192");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[\"1\"]}")),
        "targets.1.member must be an object");
    validation(() -> requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":{}}")), "targets must be an array");
  }

  @Test
  void target_input_up_to_8192_characters_is_accepted() {
    String input = "\"" + "x".repeat(8190) + "\"";
    var t = requests.putTargets(json("{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"1\",\"Arn\":\"" + FN + "f\","
        + "\"Input\":" + Json.MAPPER.valueToTree(input) + "}]}"));
    assertThat(t.accepted()).extracting(ScheduleTarget::input).containsExactly(input);
  }

  @Test
  void remove_targets_takes_1_to_100_valid_ids() {
    assertThat(requests.removeIds(json("{\"Ids\":[\"a\",\"b.c\"]}"))).containsExactly("a", "b.c");
    validation(() -> requests.removeIds(json("{\"Ids\":[]}")), "'ids'", "greater than or equal to 1");
    validation(() -> requests.removeIds(json("{}")), "'ids'", "must not be null");
    validation(() -> requests.removeIds(json("{\"Ids\":[\"a\",\"b c\"]}")), "'ids.2.member'");
    validation(() -> requests.removeIds(json("{\"Ids\":[1]}")), "ids.1.member must be a string");
  }

  @Test
  void store_and_body_failures_become_eventbridge_errors_and_anything_else_is_internal() {
    assertThat(EventBridgeRoutes.toEventsError(new StoreException.NotFound("gone"), 10).type())
        .isEqualTo("ResourceNotFoundException");
    assertThat(EventBridgeRoutes.toEventsError(new StoreException.AlreadyExists("there"), 10).type())
        .isEqualTo("ResourceAlreadyExistsException");
    EventsError unavailable = EventBridgeRoutes.toEventsError(new StoreException.Unavailable("down"), 10);
    assertThat(unavailable.type()).isEqualTo("InternalException");
    assertThat(unavailable.status()).isEqualTo(500);
    EventsError unreadable = EventBridgeRoutes.toEventsError(
        LambdaError.invalidRequestContent("Could not parse request body into json: x"), 10);
    assertThat(unreadable.type()).isEqualTo("ValidationException");
    assertThat(unreadable.getMessage()).contains("Could not parse");
    assertThat(EventBridgeRoutes.toEventsError(new IllegalStateException("bug"), 10)).isNull();
  }
}
