package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.petrel.persistence.ScheduleExpression;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EventBridge schedule requests read and checked before anything is stored, as pure functions of the request
 * body. A constraint a member breaks is a ValidationException in EventBridge's words, naming the member as a path
 * ({@code targets.2.member.id}) and the limit. Only rules with a ScheduleExpression on the default event bus are
 * offered; their targets are Lambda functions of this node's region and account.
 *
 * <p>In PutTargets, a target whose members are well formed but that Petrel cannot deliver to (another kind of
 * ARN, Input that is not JSON, InputPath or InputTransformer) is not an error of the request: it goes to
 * FailedEntries and the other targets are stored, as EventBridge does.
 */
public final class ScheduleRequests {
  public static final int MAX_NAME = 64;
  public static final int MAX_EXPRESSION = 256;
  public static final int MAX_DESCRIPTION = 512;
  public static final int MAX_INPUT = 8192;
  public static final int MAX_ARN = 1600;
  public static final int MAX_NEXT_TOKEN = 2048;
  public static final int MAX_LIMIT = 100;
  public static final int MAX_TARGETS_PER_REQUEST = 10;
  public static final int MAX_IDS_PER_REQUEST = 100;
  /** EventBridge's quotas: targets of one rule, rules of one event bus. */
  public static final int MAX_TARGETS_PER_RULE = 5;
  public static final int MAX_RULES = 300;
  public static final String DEFAULT_BUS = "default";
  public static final String ENABLED = "ENABLED";
  public static final String DISABLED = "DISABLED";

  private static final String INVALID_EXPRESSION = "Parameter ScheduleExpression is not valid: ";
  private static final Pattern NAME = Pattern.compile("[\\.\\-_A-Za-z0-9]+");
  private static final String NAME_PATTERN = "[\\.\\-_A-Za-z0-9]+";
  private static final Pattern FUNCTION_ARN = Pattern.compile(
      "arn:aws:lambda:([a-z0-9-]+):(\\d{12}):function:[a-zA-Z0-9_-]{1,64}(:(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?");
  private static final ObjectReader STRICT_JSON =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** PutRule as asked: the description empty when none. */
  public record RuleRequest(String name, String scheduleExpression, String state, Optional<String> description) {}

  /** One entry of PutTargets' FailedEntries. */
  public record FailedEntry(String targetId, String errorCode, String errorMessage) {}

  /** PutTargets split into the targets to store and those refused. */
  public record TargetsRequest(String rule, List<ScheduleTarget> accepted, List<FailedEntry> failed) {}

  private final String region;
  private final String account;
  private final Duration minimumInterval;

  public ScheduleRequests(String region, String account, Duration minimumInterval) {
    this.region = region;
    this.account = account;
    this.minimumInterval = minimumInterval;
  }

  public String ruleArn(String name) {
    return "arn:aws:events:" + region + ":" + account + ":rule/" + name;
  }

  public RuleRequest putRule(JsonNode body) {
    String name = name(body, "Name", "name");
    eventBus(body);
    if (present(body, "EventPattern")) {
      throw EventsError.validation("Only ScheduleExpression rules are supported: Petrel's rules run on a schedule"
          + " and match no events, so give ScheduleExpression instead of EventPattern");
    }
    String expression = string(body, "ScheduleExpression", "scheduleExpression").orElseThrow(() ->
        EventsError.validation("Parameter(s) EventPattern or ScheduleExpression must be specified."));
    maxLength(expression, "scheduleExpression", MAX_EXPRESSION);
    try {
      ScheduleExpression.parse(expression, minimumInterval);
    } catch (IllegalArgumentException e) {
      String reason = e.getMessage();
      throw EventsError.validation(reason.startsWith(INVALID_EXPRESSION) ? reason : INVALID_EXPRESSION + reason);
    }
    String state = string(body, "State", "state").orElse(ENABLED);
    if (!state.equals(ENABLED) && !state.equals(DISABLED)) {
      throw constraint(state, "state", "Member must satisfy enum value set: [ENABLED, DISABLED]");
    }
    Optional<String> description = string(body, "Description", "description");
    description.ifPresent(d -> maxLength(d, "description", MAX_DESCRIPTION));
    JsonNode tags = body.get("Tags");
    if (tags != null && !tags.isNull() && !tags.isEmpty()) {
      throw EventsError.validation("Tags are not supported by Petrel: put the rule without Tags");
    }
    return new RuleRequest(name, expression, state, description.filter(d -> !d.isEmpty()));
  }

  /**
   * The rule PutRule stores: it replaces the one of that name whole, keeping its creation time, and its anchor (what
   * a rate counts from) while the expression stays the same; a new expression counts from now.
   */
  public ScheduleRule toStore(RuleRequest r, Optional<ScheduleRule> existing, Instant now) {
    Instant anchor = existing.filter(e -> e.scheduleExpression().equals(r.scheduleExpression()))
        .map(ScheduleRule::anchor).orElse(now);
    Instant created = existing.map(ScheduleRule::created).orElse(now);
    return new ScheduleRule(account, r.name(), r.scheduleExpression(), r.state(), r.description().orElse(null),
        anchor, created, now);
  }

  /** The rule enabled or disabled; its schedule and anchor stay. */
  public static ScheduleRule withState(ScheduleRule r, String state, Instant now) {
    return new ScheduleRule(r.account(), r.name(), r.scheduleExpression(), state, r.description(), r.anchor(),
        r.created(), now);
  }

  /** The required rule name in {@code field} (Name or Rule), checked as EventBridge checks it. */
  public String name(JsonNode body, String field, String path) {
    String name = string(body, field, path).orElseThrow(() -> missing(path));
    return checkName(name, path);
  }

  /** An absent EventBusName, "default", or the default bus's ARN; any other bus is not offered. */
  public void eventBus(JsonNode body) {
    Optional<String> bus = string(body, "EventBusName", "eventBusName");
    String defaultArn = "arn:aws:events:" + region + ":" + account + ":event-bus/" + DEFAULT_BUS;
    if (bus.isPresent() && !bus.get().equals(DEFAULT_BUS) && !bus.get().equals(defaultArn)) {
      throw EventsError.validation("EventBusName '" + abbreviate(bus.get()) + "' is not supported: Petrel has only"
          + " the default event bus");
    }
  }

  public Optional<String> namePrefix(JsonNode body) {
    return string(body, "NamePrefix", "namePrefix").map(p -> checkName(p, "namePrefix"));
  }

  public Optional<String> nextToken(JsonNode body) {
    Optional<String> token = string(body, "NextToken", "nextToken");
    token.ifPresent(t -> {
      if (t.isEmpty()) {
        throw constraint(t, "nextToken", "Member must have length greater than or equal to 1");
      }
      maxLength(t, "nextToken", MAX_NEXT_TOKEN);
    });
    return token;
  }

  /** Limit of a listing: 1 to 100, 100 when absent. */
  public int limit(JsonNode body) {
    OptionalInt limit = integer(body, "Limit", "limit");
    if (limit.isEmpty()) {
      return MAX_LIMIT;
    }
    int n = limit.getAsInt();
    if (n < 1) {
      throw constraint(String.valueOf(n), "limit", "Member must have value greater than or equal to 1");
    }
    if (n > MAX_LIMIT) {
      throw constraint(String.valueOf(n), "limit", "Member must have value less than or equal to " + MAX_LIMIT);
    }
    return n;
  }

  public TargetsRequest putTargets(JsonNode body) {
    String rule = name(body, "Rule", "rule");
    eventBus(body);
    JsonNode targets = array(body, "Targets", "targets");
    if (targets.size() < 1 || targets.size() > MAX_TARGETS_PER_REQUEST) {
      throw constraint("[" + targets.size() + " targets]", "targets", "Member must have length "
          + (targets.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_TARGETS_PER_REQUEST));
    }
    List<ScheduleTarget> accepted = new ArrayList<>();
    List<FailedEntry> failed = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      String path = "targets." + (i + 1) + ".member";
      JsonNode target = targets.get(i);
      if (!target.isObject()) {
        throw EventsError.validation("Could not parse request body into json: " + path + " must be an object");
      }
      String id = name(target, "Id", path + ".id");
      if (!ids.add(id)) {
        throw EventsError.validation("Targets hold the Id '" + id + "' more than once: each target's Id must be"
            + " unique within the rule");
      }
      String arn = string(target, "Arn", path + ".arn").orElseThrow(() -> missing(path + ".arn"));
      if (arn.isEmpty()) {
        throw constraint(arn, path + ".arn", "Member must have length greater than or equal to 1");
      }
      maxLength(arn, path + ".arn", MAX_ARN);
      Optional<String> input = string(target, "Input", path + ".input");
      input.ifPresent(in -> maxLength(in, path + ".input", MAX_INPUT));
      Optional<String> problem = targetProblem(target, arn, input);
      if (problem.isPresent()) {
        failed.add(new FailedEntry(id, "ValidationException", problem.get()));
      } else {
        accepted.add(new ScheduleTarget(account, rule, id, arn, input.orElse(null)));
      }
    }
    return new TargetsRequest(rule, List.copyOf(accepted), List.copyOf(failed));
  }

  /** RemoveTargets' Ids: 1 to 100 target ids. */
  public List<String> removeIds(JsonNode body) {
    JsonNode ids = array(body, "Ids", "ids");
    if (ids.size() < 1 || ids.size() > MAX_IDS_PER_REQUEST) {
      throw constraint("[" + ids.size() + " ids]", "ids", "Member must have length "
          + (ids.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_IDS_PER_REQUEST));
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode id = ids.get(i);
      String path = "ids." + (i + 1) + ".member";
      if (!id.isTextual()) {
        throw EventsError.validation("Could not parse request body into json: " + path + " must be a string");
      }
      list.add(checkName(id.asText(), path));
    }
    return List.copyOf(list);
  }

  /** Why Petrel cannot deliver to this target, if it cannot. */
  private Optional<String> targetProblem(JsonNode target, String arn, Optional<String> input) {
    Matcher m = FUNCTION_ARN.matcher(arn);
    if (!m.matches() || !m.group(1).equals(region) || !m.group(2).equals(account)) {
      return Optional.of("Target Arn '" + abbreviate(arn) + "' is not supported: Petrel delivers only to Lambda"
          + " functions of this node, arn:aws:lambda:" + region + ":" + account + ":function:<name>[:<qualifier>]");
    }
    for (String unsupported : List.of("InputPath", "InputTransformer")) {
      if (present(target, unsupported)) {
        return Optional.of(unsupported + " is not supported by Petrel: give Input (constant JSON the function gets)"
            + " or nothing (the function gets the scheduled event)");
      }
    }
    if (input.isPresent() && !isJson(input.get())) {
      return Optional.of("Input is not valid JSON: " + abbreviate(input.get()));
    }
    return Optional.empty();
  }

  private static boolean isJson(String text) {
    try {
      JsonNode node = STRICT_JSON.readTree(text);
      return node != null && !node.isMissingNode();
    } catch (IOException e) {
      return false;
    }
  }

  private static String checkName(String name, String path) {
    if (name.isEmpty()) {
      throw constraint(name, path, "Member must have length greater than or equal to 1");
    }
    if (name.length() > MAX_NAME) {
      throw constraint(name, path, "Member must have length less than or equal to " + MAX_NAME);
    }
    if (!NAME.matcher(name).matches()) {
      throw constraint(name, path, "Member must satisfy regular expression pattern: " + NAME_PATTERN);
    }
    return name;
  }

  private static void maxLength(String value, String path, int max) {
    if (value.length() > max) {
      throw constraint(value, path, "Member must have length less than or equal to " + max);
    }
  }

  private static boolean present(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  private static Optional<String> string(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw EventsError.validation("Could not parse request body into json: " + path + " must be a string");
    }
    return Optional.of(v.asText());
  }

  private static OptionalInt integer(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return OptionalInt.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw EventsError.validation("Could not parse request body into json: " + path + " must be an integer");
    }
    return OptionalInt.of(v.intValue());
  }

  private static JsonNode array(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw missing(path);
    }
    if (!v.isArray()) {
      throw EventsError.validation("Could not parse request body into json: " + path + " must be an array");
    }
    return v;
  }

  private static EventsError missing(String path) {
    return EventsError.validation("1 validation error detected: Value null at '" + path + "' failed to satisfy"
        + " constraint: Member must not be null");
  }

  private static EventsError constraint(String value, String path, String constraint) {
    return EventsError.validation("1 validation error detected: Value '" + abbreviate(value) + "' at '" + path
        + "' failed to satisfy constraint: " + constraint);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
