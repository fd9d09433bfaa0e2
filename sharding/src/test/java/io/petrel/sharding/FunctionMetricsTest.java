package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FunctionMetricsTest {
  private static final FunctionId FN = new FunctionId("000000000000", "orders");

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final PetrelMetrics node = new PetrelMetrics(registry);
  private final FunctionMetrics metrics = node.function(FN, "live");

  private static InvocationRecord record(String outcome, String errorType, double durationMs, Double initMs) {
    return new InvocationRecord("id", FN, "3", "3", Instant.now(), durationMs, (long) Math.ceil(durationMs), 128,
        30, Optional.ofNullable(initMs), outcome, Optional.ofNullable(errorType));
  }

  private double invocations(String outcome) {
    var counter = registry.find("petrel.invocations").tag("qualifier", "live").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void counts_each_record_once_by_outcome_and_error_type() {
    metrics.recorded(record("Success", null, 12.5, 250.0));
    metrics.recorded(record("Success", null, 3, null));
    metrics.recorded(record("FunctionError", "ValueError", 4, null));
    metrics.recorded(record("Timeout", "Sandbox.Timedout", 1000, null));

    assertThat(invocations("Success")).isEqualTo(2);
    assertThat(invocations("FunctionError")).isEqualTo(1);
    assertThat(invocations("Timeout")).isEqualTo(1);
    assertThat(registry.get("petrel.errors").tag("error_type", "ValueError").counter().count()).isEqualTo(1);
    assertThat(registry.get("petrel.errors").tag("error_type", "Sandbox.Timedout").counter().count()).isEqualTo(1);
    var duration = registry.get("petrel.invocation.duration").tags("account", "000000000000", "function", "orders",
        "qualifier", "live").timer();
    assertThat(duration.count()).isEqualTo(4);
    assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1019.5);
  }

  @Test
  void a_cold_start_is_a_record_with_an_init_duration() {
    metrics.recorded(record("Success", null, 5, 180.0));
    metrics.recorded(record("Success", null, 5, null));

    assertThat(registry.get("petrel.cold.starts").counter().count()).isEqualTo(1);
    var init = registry.get("petrel.init.duration").timer();
    assertThat(init.count()).isEqualTo(1);
    assertThat(init.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(180.0);
  }

  @Test
  void a_throttle_counts_as_an_invocation_and_a_throttle_by_reason() {
    metrics.throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
    metrics.throttled("ReservedFunctionConcurrentInvocationLimitExceeded");

    assertThat(invocations("Throttled")).isEqualTo(2);
    assertThat(registry.get("petrel.throttles").tag("reason", "ReservedFunctionConcurrentInvocationLimitExceeded")
        .counter().count()).isEqualTo(2);
  }

  @Test
  void qualifiers_of_one_function_count_apart_and_share_meters_on_the_node() {
    node.function(FN, "$LATEST").recorded(record("Success", null, 1, null));

    assertThat(invocations("Success")).isZero();
    assertThat(node.function(FN, "$LATEST")).isSameAs(node.function(FN, "$LATEST"));
    assertThat(registry.get("petrel.invocations").tag("qualifier", "$LATEST").counter().count()).isEqualTo(1);
  }

  @Test
  void error_types_beyond_the_limit_are_counted_as_other() {
    Set<String> known = new HashSet<>();
    for (int i = 0; i < FunctionMetrics.MAX_ERROR_TYPES; i++) {
      known.add(FunctionMetrics.errorTypeTag("Error" + i, known));
    }
    assertThat(FunctionMetrics.errorTypeTag("Error3", known)).isEqualTo("Error3");
    assertThat(FunctionMetrics.errorTypeTag("ValueError", known)).isEqualTo(FunctionMetrics.OTHER);
    assertThat(FunctionMetrics.errorTypeTag("x".repeat(500), Set.of())).hasSize(FunctionMetrics.MAX_ERROR_TYPE_LENGTH);
  }

  @Test
  void concurrency_and_queue_gauges_follow_the_entity_until_it_stops() {
    metrics.started();
    metrics.started();
    metrics.finished();
    long since = System.nanoTime() - TimeUnit.SECONDS.toNanos(3);
    assertThat(metrics.queued(since)).isEqualTo(since);
    long now = metrics.queued(0);
    assertThat(now).isGreaterThan(since);
    node.function(FN, "$LATEST").queued(0);

    assertThat(registry.get("petrel.concurrent.executions").tag("qualifier", "live").gauge().value()).isEqualTo(1);
    assertThat(registry.get("petrel.function.queue.depth").tag("qualifier", "live").gauge().value()).isEqualTo(2);
    assertThat(registry.get("petrel.queue.depth").gauge().value()).isEqualTo(3);
    assertThat(registry.get("petrel.queue.oldest.age").gauge().value()).isBetween(3.0, 60.0);

    metrics.unqueued(since);
    assertThat(registry.get("petrel.queue.oldest.age").gauge().value()).isLessThan(3.0);
    metrics.unqueued(now);
    metrics.queued(now); // decided again and waiting on
    assertThat(registry.get("petrel.function.queue.depth").tag("qualifier", "live").gauge().value()).isEqualTo(1);
    node.entityStopped(FN, "live");
    node.entityStopped(FN, "$LATEST");
    node.entityStopped(FN, "never-invoked");
    assertThat(registry.get("petrel.queue.depth").gauge().value()).isZero();
    assertThat(registry.get("petrel.queue.oldest.age").gauge().value()).isZero();
  }

  @Test
  void a_lookup_is_timed_when_it_completes() {
    var done = node.timedLookup(() -> java.util.concurrent.CompletableFuture.completedFuture("found"));

    assertThat(done.toCompletableFuture().join()).isEqualTo("found");
    assertThat(registry.get("petrel.invocation.lookup.duration").timer().count()).isEqualTo(1);
  }

  @Test
  void environments_are_counted_by_state() {
    node.environmentMoved(null, PetrelMetrics.EnvironmentState.STARTING);
    node.environmentMoved(null, PetrelMetrics.EnvironmentState.STARTING);
    node.environmentMoved(PetrelMetrics.EnvironmentState.STARTING, PetrelMetrics.EnvironmentState.BUSY);
    node.environmentMoved(PetrelMetrics.EnvironmentState.BUSY, PetrelMetrics.EnvironmentState.IDLE);
    node.environmentMoved(PetrelMetrics.EnvironmentState.STARTING, null);

    assertThat(registry.get("petrel.execution.environments").tag("state", "starting").gauge().value()).isZero();
    assertThat(registry.get("petrel.execution.environments").tag("state", "busy").gauge().value()).isZero();
    assertThat(registry.get("petrel.execution.environments").tag("state", "idle").gauge().value()).isEqualTo(1);
  }
}
