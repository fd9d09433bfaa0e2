package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.LimitExceededException;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * EventBridge's scheduled rules as the AWS SDK for Java v2 manages them on a dev node, on the same port as the
 * Lambda API: rules and their targets, listings, and the errors invalid schedules get. Whether the schedules fire
 * is not this test's subject.
 */
class ScheduleApiIT {
  private static final String FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:";
  private static final String RULE = "arn:aws:events:us-east-1:000000000000:rule/";

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static EventBridgeClient events;

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    events = EventBridgeClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + node.port()))
        .region(Region.US_EAST_1)
        .credentialsProvider(TestKeys.MAIN.credentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterAll
  static void stop() {
    if (events != null) {
      events.close();
    }
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void a_rule_is_put_described_listed_disabled_enabled_and_deleted() {
    String arn = events.putRule(b -> b.name("nightly").scheduleExpression("cron(0 2 * * ? *)")
        .description("the nightly report")).ruleArn();
    assertThat(arn).isEqualTo(RULE + "nightly");

    DescribeRuleResponse rule = events.describeRule(b -> b.name("nightly"));
    assertThat(rule.name()).isEqualTo("nightly");
    assertThat(rule.arn()).isEqualTo(arn);
    assertThat(rule.scheduleExpression()).isEqualTo("cron(0 2 * * ? *)");
    assertThat(rule.state()).isEqualTo(RuleState.ENABLED);
    assertThat(rule.description()).isEqualTo("the nightly report");
    assertThat(rule.eventBusName()).isEqualTo("default");
    assertThat(rule.createdBy()).isEqualTo("000000000000");

    events.disableRule(b -> b.name("nightly"));
    assertThat(events.describeRule(b -> b.name("nightly")).state()).isEqualTo(RuleState.DISABLED);
    events.enableRule(b -> b.name("nightly"));
    assertThat(events.describeRule(b -> b.name("nightly")).state()).isEqualTo(RuleState.ENABLED);

    events.putRule(b -> b.name("nightly").scheduleExpression("rate(1 day)").state(RuleState.DISABLED));
    DescribeRuleResponse replaced = events.describeRule(b -> b.name("nightly"));
    assertThat(replaced.scheduleExpression()).isEqualTo("rate(1 day)");
    assertThat(replaced.state()).isEqualTo(RuleState.DISABLED);
    assertThat(replaced.description()).as("PutRule replaces the rule whole").isNull();

    events.deleteRule(b -> b.name("nightly"));
    assertThatThrownBy(() -> events.describeRule(b -> b.name("nightly")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("Rule nightly does not exist on EventBus default.");
    events.deleteRule(b -> b.name("nightly"));
  }

  @Test
  void rules_are_listed_by_prefix_a_page_at_a_time() {
    for (String name : List.of("list.c", "list.a", "list.b")) {
      events.putRule(b -> b.name(name).scheduleExpression("rate(5 minutes)"));
    }
    var first = events.listRules(b -> b.namePrefix("list.").limit(2));
    assertThat(first.rules()).extracting(Rule::name).containsExactly("list.a", "list.b");
    assertThat(first.rules().get(0).arn()).isEqualTo(RULE + "list.a");
    assertThat(first.rules().get(0).scheduleExpression()).isEqualTo("rate(5 minutes)");
    assertThat(first.rules().get(0).eventBusName()).isEqualTo("default");
    var second = events.listRules(b -> b.namePrefix("list.").limit(2).nextToken(first.nextToken()));
    assertThat(second.rules()).extracting(Rule::name).containsExactly("list.c");
    assertThat(second.nextToken()).isNull();
    List<String> oneByOne = new java.util.ArrayList<>();
    String token = null;
    do {
      String from = token;
      var page = events.listRules(b -> b.namePrefix("list.").limit(1).nextToken(from));
      page.rules().forEach(r -> oneByOne.add(r.name()));
      token = page.nextToken();
    } while (token != null && oneByOne.size() < 10);
    assertThat(oneByOne).containsExactly("list.a", "list.b", "list.c");
  }

  @Test
  void targets_are_put_listed_and_removed_and_a_rule_with_targets_cannot_be_deleted() {
    events.putRule(b -> b.name("with-targets").scheduleExpression("rate(10 minutes)"));
    PutTargetsResponse put = events.putTargets(b -> b.rule("with-targets").targets(
        Target.builder().id("worker").arn(FUNCTION + "worker").build(),
        Target.builder().id("live").arn(FUNCTION + "worker:live").input("{\"report\": \"daily\"}").build(),
        Target.builder().id("queue").arn("arn:aws:sqs:us-east-1:000000000000:jobs").build(),
        Target.builder().id("elsewhere").arn("arn:aws:lambda:eu-west-1:000000000000:function:worker").build(),
        Target.builder().id("not-json").arn(FUNCTION + "worker").input("{report").build(),
        Target.builder().id("path").arn(FUNCTION + "worker").inputPath("$.detail").build()));
    assertThat(put.failedEntryCount()).isEqualTo(4);
    assertThat(put.failedEntries()).extracting(e -> e.targetId())
        .containsExactly("queue", "elsewhere", "not-json", "path");
    assertThat(put.failedEntries()).allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("ValidationException"));
    assertThat(put.failedEntries().get(0).errorMessage()).contains("Lambda functions");
    assertThat(put.failedEntries().get(2).errorMessage()).contains("not valid JSON");
    assertThat(put.failedEntries().get(3).errorMessage()).contains("InputPath is not supported");

    List<Target> targets = events.listTargetsByRule(b -> b.rule("with-targets")).targets();
    assertThat(targets).extracting(Target::id).containsExactly("live", "worker");
    assertThat(targets.get(0).arn()).isEqualTo(FUNCTION + "worker:live");
    assertThat(targets.get(0).input()).isEqualTo("{\"report\": \"daily\"}");
    assertThat(targets.get(1).input()).isNull();
    var page = events.listTargetsByRule(b -> b.rule("with-targets").limit(1));
    assertThat(page.targets()).extracting(Target::id).containsExactly("live");
    assertThat(events.listTargetsByRule(b -> b.rule("with-targets").limit(1).nextToken(page.nextToken())).targets())
        .extracting(Target::id).containsExactly("worker");

    assertThatThrownBy(() -> events.deleteRule(b -> b.name("with-targets")))
        .isInstanceOfSatisfying(EventBridgeException.class, e -> {
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rule can't be deleted since it has targets.");
        });
    var removed = events.removeTargets(b -> b.rule("with-targets").ids("worker", "live"));
    assertThat(removed.failedEntryCount()).isZero();
    assertThat(events.listTargetsByRule(b -> b.rule("with-targets")).targets()).isEmpty();
    events.deleteRule(b -> b.name("with-targets"));
  }

  @Test
  void a_rule_takes_at_most_five_targets() {
    events.putRule(b -> b.name("crowded").scheduleExpression("rate(1 hour)"));
    for (int i = 1; i <= 5; i++) {
      String id = "t" + i;
      events.putTargets(b -> b.rule("crowded").targets(Target.builder().id(id).arn(FUNCTION + "worker").build()));
    }
    assertThatThrownBy(() -> events.putTargets(b -> b.rule("crowded")
        .targets(Target.builder().id("t6").arn(FUNCTION + "worker").build())))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("at most 5 targets");
  }

  @Test
  void invalid_schedule_expressions_are_refused_naming_the_problem_and_nothing_is_stored() {
    Map<String, String> problems = Map.of(
        "rate(0 minutes)", "rate value '0' is not a whole number from 1",
        "rate(1 minutes)", "rate unit 'minutes' needs a value above 1",
        "rate(5 minute)", "rate unit 'minute' takes only the value 1",
        "cron(0 12 * * ?)", "cron needs 6 fields",
        "cron(0 12 1 * MON *)", "cron needs '?' in exactly one of day-of-month ('1') and day-of-week ('MON')");
    problems.forEach((expression, problem) ->
        assertThatThrownBy(() -> events.putRule(b -> b.name("invalid").scheduleExpression(expression)))
            .as(expression)
            .isInstanceOfSatisfying(EventBridgeException.class, e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .startsWith("Parameter ScheduleExpression is not valid: ").contains(problem);
            }));
    assertThatThrownBy(() -> events.describeRule(b -> b.name("invalid"))).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void event_patterns_other_buses_and_missing_rules_are_refused() {
    assertThatThrownBy(() -> events.putRule(b -> b.name("pattern").eventPattern("{\"source\":[\"orders\"]}")))
        .isInstanceOfSatisfying(EventBridgeException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
            .contains("Only ScheduleExpression rules are supported"));
    assertThatThrownBy(() -> events.putRule(b -> b.name("bus").scheduleExpression("rate(5 minutes)")
        .eventBusName("orders")))
        .isInstanceOfSatisfying(EventBridgeException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
            .contains("EventBusName 'orders'"));
    assertThatThrownBy(() -> events.putRule(b -> b.name("bad name").scheduleExpression("rate(5 minutes)")))
        .isInstanceOfSatisfying(EventBridgeException.class, e -> assertThat(e.awsErrorDetails().errorCode())
            .isEqualTo("ValidationException"));
    assertThatThrownBy(() -> events.enableRule(b -> b.name("ghost"))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> events.putTargets(b -> b.rule("ghost")
        .targets(Target.builder().id("1").arn(FUNCTION + "worker").build())))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> events.listTargetsByRule(b -> b.rule("ghost")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> events.putEvents(b -> b.entries(e -> e.source("orders").detailType("t").detail("{}"))))
        .isInstanceOfSatisfying(EventBridgeException.class, e -> assertThat(e.awsErrorDetails().errorCode())
            .isEqualTo("UnknownOperationException"));
  }
}
