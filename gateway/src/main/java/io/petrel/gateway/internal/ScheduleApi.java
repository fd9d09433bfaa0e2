package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * EventBridge's scheduled rules and their targets (PutRule, DescribeRule, ListRules, EnableRule, DisableRule,
 * DeleteRule, PutTargets, ListTargetsByRule, RemoveTargets), independent of HTTP: an operation name and a JSON
 * 1.1 body in, a JSON 1.1 reply out, failures as {@link EventsError}. Rules belong to the gateway's account and
 * live on the default event bus; requests are checked by {@link ScheduleRequests}. Firing the rules is not done
 * here.
 */
public final class ScheduleApi {
  public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  public static final List<String> OPERATIONS = List.of("PutRule", "DescribeRule", "ListRules", "EnableRule",
      "DisableRule", "DeleteRule", "PutTargets", "ListTargetsByRule", "RemoveTargets");

  private final ApiContext ctx;
  private final ScheduleRequests requests;
  private final String account;

  public ScheduleApi(ApiContext ctx) {
    this.ctx = ctx;
    this.account = ctx.settings.account();
    this.requests = new ScheduleRequests(ctx.settings.region(), account, ctx.settings.scheduleMinimumInterval());
  }

  /** Runs {@code operation} (the part of X-Amz-Target after "AWSEvents.") on a request body. */
  public CompletionStage<ApiReply> call(String operation, byte[] body) {
    ObjectNode b = body(body);
    return switch (operation) {
      case "PutRule" -> putRule(b);
      case "DescribeRule" -> describeRule(b);
      case "ListRules" -> listRules(b);
      case "EnableRule" -> setState(b, ScheduleRequests.ENABLED);
      case "DisableRule" -> setState(b, ScheduleRequests.DISABLED);
      case "DeleteRule" -> deleteRule(b);
      case "PutTargets" -> putTargets(b);
      case "ListTargetsByRule" -> listTargets(b);
      case "RemoveTargets" -> removeTargets(b);
      default -> throw EventsError.unknownOperation("EventBridge operation " + operation + " is not supported by"
          + " Petrel: it offers scheduled rules only (" + String.join(", ", OPERATIONS) + ")");
    };
  }

  private CompletionStage<ApiReply> putRule(ObjectNode b) {
    ScheduleRequests.RuleRequest r = requests.putRule(b);
    return ctx.store.getRule(account, r.name())
        .thenCompose(existing -> (existing.isPresent() ? done() : belowRuleLimit(null, 0))
            .thenCompose(x -> ctx.store.putRule(requests.toStore(r, existing, ctx.now()))))
        .thenApply(rule -> reply(Json.object().put("RuleArn", requests.ruleArn(rule.name()))));
  }

  private CompletionStage<ApiReply> describeRule(ObjectNode b) {
    String name = requests.name(b, "Name", "name");
    requests.eventBus(b);
    return rule(name).thenApply(rule -> reply(representation(rule).put("CreatedBy", account)));
  }

  private CompletionStage<ApiReply> listRules(ObjectNode b) {
    requests.eventBus(b);
    String prefix = requests.namePrefix(b).orElse(null);
    String token = requests.nextToken(b).orElse(null);
    int limit = requests.limit(b);
    return ctx.store.listRules(account, prefix, token, limit).thenApply(page -> {
      ObjectNode n = Json.object();
      ArrayNode rules = n.putArray("Rules");
      page.items().forEach(rule -> rules.add(representation(rule)));
      page.nextMarker().ifPresent(m -> n.put("NextToken", m));
      return reply(n);
    });
  }

  /** EnableRule and DisableRule: the schedule and its anchor stay as they are. */
  private CompletionStage<ApiReply> setState(ObjectNode b, String state) {
    String name = requests.name(b, "Name", "name");
    requests.eventBus(b);
    return rule(name).thenCompose(rule -> rule.state().equals(state) ? done()
            : ruleStage(name, ctx.store.putRule(ScheduleRequests.withState(rule, state, ctx.now()))))
        .thenApply(x -> reply(Json.object()));
  }

  /** As EventBridge: deleting a rule that does not exist succeeds, one with targets is refused. */
  private CompletionStage<ApiReply> deleteRule(ObjectNode b) {
    String name = requests.name(b, "Name", "name");
    requests.eventBus(b);
    return ctx.store.deleteRule(account, name).handle((x, error) -> {
      if (error == null) {
        return reply(Json.object());
      }
      Throwable cause = ApiContext.unwrap(error);
      if (cause instanceof StoreException.NotFound) {
        return reply(Json.object());
      }
      if (cause instanceof StoreException.InUse) {
        throw EventsError.validation("Rule can't be deleted since it has targets.");
      }
      throw new CompletionException(cause);
    });
  }

  private CompletionStage<ApiReply> putTargets(ObjectNode b) {
    ScheduleRequests.TargetsRequest t = requests.putTargets(b);
    CompletionStage<Void> stored = rule(t.rule()).thenCompose(rule -> t.accepted().isEmpty() ? done()
        : ruleStage(t.rule(), ctx.store.listTargets(account, t.rule(), null, ScheduleRequests.MAX_LIMIT))
            .thenCompose(page -> {
              Set<String> ids = new HashSet<>();
              page.items().forEach(target -> ids.add(target.id()));
              t.accepted().forEach(target -> ids.add(target.id()));
              if (ids.size() > ScheduleRequests.MAX_TARGETS_PER_RULE || page.nextMarker().isPresent()) {
                throw EventsError.limitExceeded("The requested resource exceeds the maximum number allowed: a rule"
                    + " has at most " + ScheduleRequests.MAX_TARGETS_PER_RULE + " targets, and rule " + t.rule()
                    + " would have " + ids.size());
              }
              return ruleStage(t.rule(), ctx.store.putTargets(account, t.rule(), t.accepted()));
            }));
    return stored.thenApply(x -> {
      ObjectNode n = Json.object();
      n.put("FailedEntryCount", t.failed().size());
      ArrayNode failed = n.putArray("FailedEntries");
      t.failed().forEach(f -> failed.addObject().put("TargetId", f.targetId()).put("ErrorCode", f.errorCode())
          .put("ErrorMessage", f.errorMessage()));
      return reply(n);
    });
  }

  private CompletionStage<ApiReply> listTargets(ObjectNode b) {
    String rule = requests.name(b, "Rule", "rule");
    requests.eventBus(b);
    String token = requests.nextToken(b).orElse(null);
    int limit = requests.limit(b);
    return ruleStage(rule, ctx.store.listTargets(account, rule, token, limit)).thenApply(page -> {
      ObjectNode n = Json.object();
      ArrayNode targets = n.putArray("Targets");
      page.items().forEach(target -> representation(target, targets.addObject()));
      page.nextMarker().ifPresent(m -> n.put("NextToken", m));
      return reply(n);
    });
  }

  private CompletionStage<ApiReply> removeTargets(ObjectNode b) {
    String rule = requests.name(b, "Rule", "rule");
    requests.eventBus(b);
    List<String> ids = requests.removeIds(b);
    return ruleStage(rule, ctx.store.removeTargets(account, rule, ids)).thenApply(x -> {
      ObjectNode n = Json.object();
      n.put("FailedEntryCount", 0);
      n.putArray("FailedEntries");
      return reply(n);
    });
  }

  /**
   * Fails with LimitExceededException when the account has {@link ScheduleRequests#MAX_RULES} rules already,
   * counting them page by page from {@code marker}.
   */
  private CompletionStage<Void> belowRuleLimit(String marker, int counted) {
    return ctx.store.listRules(account, null, marker, ScheduleRequests.MAX_LIMIT).thenCompose(page -> {
      int count = counted + page.items().size();
      if (count >= ScheduleRequests.MAX_RULES) {
        throw EventsError.limitExceeded("The requested resource exceeds the maximum number allowed: the default"
            + " event bus holds at most " + ScheduleRequests.MAX_RULES + " rules");
      }
      return page.nextMarker().isPresent() ? belowRuleLimit(page.nextMarker().get(), count) : done();
    });
  }

  /** The account's rule, or ResourceNotFoundException. */
  private CompletionStage<ScheduleRule> rule(String name) {
    return ctx.store.getRule(account, name).thenApply(r -> r.orElseThrow(() -> EventsError.ruleNotFound(name)));
  }

  /** A store call about one rule, its StoreException.NotFound answered in EventBridge's words. */
  private static <T> CompletionStage<T> ruleStage(String rule, CompletionStage<T> stage) {
    return stage.exceptionally(error -> {
      Throwable cause = ApiContext.unwrap(error);
      throw cause instanceof StoreException.NotFound ? EventsError.ruleNotFound(rule) : new CompletionException(cause);
    });
  }

  private ObjectNode representation(ScheduleRule rule) {
    ObjectNode n = Json.object();
    n.put("Name", rule.name());
    n.put("Arn", requests.ruleArn(rule.name()));
    n.put("ScheduleExpression", rule.scheduleExpression());
    n.put("State", rule.state());
    if (rule.description() != null) {
      n.put("Description", rule.description());
    }
    n.put("EventBusName", ScheduleRequests.DEFAULT_BUS);
    return n;
  }

  private static void representation(ScheduleTarget target, ObjectNode n) {
    n.put("Id", target.id());
    n.put("Arn", target.arn());
    if (target.input() != null) {
      n.put("Input", target.input());
    }
  }

  /** The request body as a JSON object; an unreadable one is a ValidationException naming the problem. */
  private static ObjectNode body(byte[] body) {
    try {
      return Json.parseObject(body);
    } catch (LambdaError e) {
      throw EventsError.validation(e.getMessage());
    }
  }

  static ApiReply reply(ObjectNode body) {
    return new ApiReply(200, Json.bytes(body), CONTENT_TYPE, Map.of());
  }

  private static <T> CompletionStage<T> done() {
    return CompletableFuture.completedFuture(null);
  }
}
