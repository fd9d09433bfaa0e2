package io.petrel.connectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.Page;
import io.petrel.persistence.ScheduleExpression;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleStore;
import io.petrel.persistence.ScheduleTarget;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires scheduled rules: every {@code tick} it looks for rules whose latest tick is due and not fired yet, claims
 * that tick in the store (so it fires once even if two schedulers ran at once) and queues one asynchronous
 * invocation per target with the Scheduled Event (or the target's constant Input). A rule that missed ticks while
 * no scheduler ran fires only its latest one. Rules and targets are reread every {@code refresh}.
 */
final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the scheduler knows of one rule. */
  private record Known(ScheduleRule rule, ScheduleExpression expression, List<ScheduleTarget> targets,
      Instant lastFired) {}

  private final ScheduleStore store;
  private final Function<AsyncEvent, CompletionStage<Void>> submit;
  private final ScheduleSettings settings;
  private final Clock clock;
  private final Map<String, Known> rules = new HashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "petrel-scheduler");
    t.setDaemon(true);
    return t;
  });
  private Instant lastRefresh = Instant.EPOCH;

  Scheduler(ScheduleStore store, Function<AsyncEvent, CompletionStage<Void>> submit, ScheduleSettings settings,
      Clock clock) {
    this.store = store;
    this.submit = submit;
    this.settings = settings;
    this.clock = clock;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
    log.info("this node fires the scheduled rules now");
  }

  void stop() {
    timer.shutdownNow();
  }

  private void tick() {
    try {
      round();
    } catch (Exception e) {
      log.warn("a scheduler round failed: {}", e.toString());
    }
  }

  /** One look for due ticks (rereading the rules first when they are older than the refresh interval). */
  void round() {
    try {
      Instant now = clock.instant();
      if (Duration.between(lastRefresh, now).compareTo(settings.refresh()) >= 0) {
        refresh();
        lastRefresh = now;
      }
      for (Known known : List.copyOf(rules.values())) {
        fireIfDue(known, now);
      }
    } catch (Exception e) {
      throw new IllegalStateException("a scheduler round failed: " + e, e);
    }
  }

  private void refresh() throws Exception {
    List<ScheduleRule> all = store.allRules().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Map<String, Known> next = new HashMap<>();
    for (ScheduleRule rule : all) {
      String key = rule.account() + "/" + rule.name();
      Known before = rules.get(key);
      ScheduleExpression expression;
      try {
        expression = before != null && before.rule().scheduleExpression().equals(rule.scheduleExpression())
            ? before.expression() : ScheduleExpression.parse(rule.scheduleExpression(), settings.minimumInterval());
      } catch (IllegalArgumentException e) {
        log.warn("rule {} has a schedule this node cannot run ({}); skipped", key, e.getMessage());
        continue;
      }
      Page<ScheduleTarget> targets = store.listTargets(rule.account(), rule.name(), null, 100)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      Instant lastFired = before != null ? before.lastFired()
          : store.lastFired(rule.account(), rule.name()).toCompletableFuture().get(30, TimeUnit.SECONDS)
              .orElse(null);
      next.put(key, new Known(rule, expression, targets.items(), lastFired));
    }
    rules.clear();
    rules.putAll(next);
  }

  private void fireIfDue(Known known, Instant now) throws Exception {
    ScheduleRule rule = known.rule();
    if (!rule.enabled() || known.targets().isEmpty()) {
      return;
    }
    Instant due = known.expression().latestAtOrBefore(now, rule.anchor());
    // Only ticks since the rule last changed (created, enabled, rescheduled) and not fired yet.
    if (due == null || due.isBefore(rule.modified())
        || (known.lastFired() != null && !due.isAfter(known.lastFired()))) {
      return;
    }
    String key = rule.account() + "/" + rule.name();
    boolean mine = store.claimTick(rule.account(), rule.name(), due).toCompletableFuture().get(30, TimeUnit.SECONDS);
    rules.put(key, new Known(rule, known.expression(), known.targets(), due));
    if (!mine) {
      return;
    }
    byte[] event = scheduledEvent(rule, due);
    for (ScheduleTarget target : known.targets()) {
      Destination.Function function;
      try {
        function = (Destination.Function) Destination.parse(target.arn());
      } catch (RuntimeException e) {
        log.warn("rule {}: target {} is not a function ({}); skipped", key, target.id(), e.getMessage());
        continue;
      }
      byte[] payload = target.input() == null ? event : target.input().getBytes(StandardCharsets.UTF_8);
      submit.apply(new AsyncEvent(UUID.randomUUID().toString(), function.function().account(),
              function.function().name(), function.qualifier(), payload, null, clock.millis()))
          .whenComplete((x, error) -> {
            if (error != null) {
              log.error("rule {}: the tick {} could not be queued for target {}: {}", key, due, target.id(),
                  error.toString());
            }
          });
    }
  }

  private byte[] scheduledEvent(ScheduleRule rule, Instant tick) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", "Scheduled Event");
    event.put("source", "aws.events");
    event.put("account", rule.account());
    event.put("time", tick.truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", settings.region());
    event.putArray("resources").add("arn:aws:events:" + settings.region() + ":" + rule.account() + ":rule/"
        + rule.name());
    event.putObject("detail");
    return JSON.writeValueAsBytes(event);
  }

  /** The last tick fired as this scheduler knows it, for tests of the policy. */
  Optional<Instant> lastFired(String account, String rule) {
    Known known = rules.get(account + "/" + rule);
    return known == null ? Optional.empty() : Optional.ofNullable(known.lastFired());
  }
}
