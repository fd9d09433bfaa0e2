package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the scheduler fires, on a real embedded store with a clock the test moves: each due tick once, missed ticks
 * not replayed, nothing before the rule changed, nothing while disabled, and a tick claimed by another scheduler
 * not fired again.
 */
class SchedulerTest {
  private static final String ACCOUNT = "000000000000";
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.250Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private SqliteStore store;
  private final List<AsyncEvent> queued = new CopyOnWriteArrayList<>();
  private final MovableClock clock = new MovableClock(T0);

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("petrel.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Scheduler scheduler() {
    return new Scheduler(store, e -> {
      queued.add(e);
      return CompletableFuture.completedFuture(null);
    }, new ScheduleSettings(Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(1), "us-east-1"), clock);
  }

  private void rule(String name, String expression, String state, Instant modified) {
    store.putRule(new ScheduleRule(ACCOUNT, name, expression, state, null, modified, modified, modified))
        .toCompletableFuture().join();
    store.putTargets(ACCOUNT, name, List.of(new ScheduleTarget(ACCOUNT, name, "t",
        "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:target", null))).toCompletableFuture().join();
  }

  @Test
  void fires_each_due_tick_once_with_the_scheduled_event() throws Exception {
    rule("every-minute", "rate(1 minute)", "ENABLED", T0);
    Scheduler scheduler = scheduler();
    scheduler.round();
    assertThat(queued).as("no tick yet").isEmpty();

    clock.set(T0.plusSeconds(61));
    scheduler.round();
    scheduler.round();
    assertThat(queued).hasSize(1);
    AsyncEvent event = queued.get(0);
    assertThat(event.function()).isEqualTo("target");
    assertThat(event.qualifier()).isEqualTo("$LATEST");
    JsonNode scheduled = JSON.readTree(event.payload());
    assertThat(scheduled.path("detail-type").asText()).isEqualTo("Scheduled Event");
    assertThat(scheduled.path("source").asText()).isEqualTo("aws.events");
    assertThat(scheduled.path("time").asText()).isEqualTo("2026-12-01T10:01:00Z");
    assertThat(scheduled.path("resources").get(0).asText())
        .isEqualTo("arn:aws:events:us-east-1:" + ACCOUNT + ":rule/every-minute");
  }

  @Test
  void after_an_outage_only_the_latest_missed_tick_fires() {
    rule("every-minute", "rate(1 minute)", "ENABLED", T0);
    clock.set(T0.plus(Duration.ofMinutes(30)).plusSeconds(5));
    Scheduler scheduler = scheduler();
    scheduler.round();
    scheduler.round();
    assertThat(queued).hasSize(1);
    assertThat(store.lastFired(ACCOUNT, "every-minute").toCompletableFuture().join())
        .contains(T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void a_cron_tick_from_before_the_rule_existed_does_not_fire() {
    rule("hourly", "cron(0 * * * ? *)", "ENABLED", T0);
    Scheduler scheduler = scheduler();
    scheduler.round();
    assertThat(queued).as("10:00 was before the rule").isEmpty();
    clock.set(Instant.parse("2026-12-01T11:00:00.100Z"));
    scheduler.round();
    assertThat(queued).hasSize(1);
  }

  @Test
  void a_disabled_rule_does_not_fire() {
    rule("off", "rate(1 minute)", "DISABLED", T0);
    clock.set(T0.plusSeconds(125));
    scheduler().round();
    assertThat(queued).isEmpty();
  }

  @Test
  void a_tick_another_scheduler_claimed_is_not_fired_again() {
    rule("shared", "rate(1 minute)", "ENABLED", T0);
    Scheduler first = scheduler();
    Scheduler second = scheduler();
    first.round();
    second.round();
    // Both know the rule and that nothing fired yet; both find the tick due.
    clock.set(T0.plusSeconds(61));
    first.round();
    second.round();
    assertThat(queued).hasSize(1);
  }

  /** A clock the test sets. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
