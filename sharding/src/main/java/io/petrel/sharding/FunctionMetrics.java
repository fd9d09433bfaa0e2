package io.petrel.sharding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationRecord;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one function qualifier on one node, tagged {@code account}, {@code function} and
 * {@code qualifier} (the qualifier the caller invoked). Every invocation is counted exactly once: where its
 * invocation record is written ({@link #recorded}) or, for a throttle, which writes no record, where the throttle
 * is decided ({@link #throttled}). So the invocations counted here equal the records stored plus the throttles.
 * Meters are created once per tag value and kept; error types, which functions name themselves, are bounded
 * ({@link #errorTypeTag}).
 */
final class FunctionMetrics {
  /** Distinct error_type values kept per function qualifier; later ones are counted as {@link #OTHER}. */
  static final int MAX_ERROR_TYPES = 32;
  static final int MAX_ERROR_TYPE_LENGTH = 100;
  static final String OTHER = "Other";

  private static final String INVOCATIONS_HELP =
      "Invocations by outcome (Success, FunctionError, Timeout, Crash, OutOfMemory, InitError, Throttled)";

  private static final Duration[] DURATION_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
      10, 30, 60, 300, 900);
  private static final Duration[] INIT_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

  private final MeterRegistry registry;
  private final Tags tags;
  private final Map<String, Counter> invocations = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> throttles = new ConcurrentHashMap<>();
  private final Timer duration;
  private final Timer initDuration;
  private final Counter coldStarts;
  private final AtomicInteger running = new AtomicInteger();
  /** When each waiting invocation was first queued (System.nanoTime). */
  private final ConcurrentLinkedQueue<Long> waiting = new ConcurrentLinkedQueue<>();

  FunctionMetrics(MeterRegistry registry, FunctionId function, String qualifier) {
    this.registry = registry;
    this.tags = Tags.of("account", function.account(), "function", function.name(), "qualifier", qualifier);
    duration = Timer.builder("petrel.invocation.duration")
        .description("Invocation duration, as in the REPORT line (without a cold start's init)")
        .tags(tags)
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(registry);
    initDuration = Timer.builder("petrel.init.duration")
        .description("Initialization of new execution environments (cold starts)")
        .tags(tags)
        .serviceLevelObjectives(INIT_BUCKETS)
        .register(registry);
    coldStarts = Counter.builder("petrel.cold.starts")
        .description("Invocations that started a new execution environment")
        .tags(tags)
        .register(registry);
    Gauge.builder("petrel.concurrent.executions", running, AtomicInteger::get)
        .description("Invocations running now")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    Gauge.builder("petrel.function.queue.depth", waiting, ConcurrentLinkedQueue::size)
        .description("Invocations waiting for an execution environment")
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /** Counts an invocation that ran: call it with the record handed to the store, once per record. */
  void recorded(InvocationRecord record) {
    count(invocations, record.outcome(), "petrel.invocations", "outcome", INVOCATIONS_HELP);
    record.errorType().ifPresent(type -> count(errors, errorTypeTag(type, errors.keySet()), "petrel.errors",
        "error_type", "Failed invocations by Lambda error type"));
    duration.record(Duration.ofNanos(Math.round(record.durationMs() * 1e6)));
    record.initDurationMs().ifPresent(ms -> {
      coldStarts.increment();
      initDuration.record(Duration.ofNanos(Math.round(ms * 1e6)));
    });
  }

  /** Counts an invocation throttled before it ran ({@code reason} as in TooManyRequestsException). */
  void throttled(String reason) {
    count(invocations, "Throttled", "petrel.invocations", "outcome", INVOCATIONS_HELP);
    count(throttles, reason, "petrel.throttles", "reason", "Invocations refused with TooManyRequestsException");
  }

  void started() {
    running.incrementAndGet();
  }

  void finished() {
    running.decrementAndGet();
  }

  /**
   * An invocation waits for an environment: again since {@code sinceNanos} (System.nanoTime), or from now on when
   * that is 0. Returns when it started waiting.
   */
  long queued(long sinceNanos) {
    long since = sinceNanos != 0 ? sinceNanos : System.nanoTime();
    waiting.add(since);
    return since;
  }

  /** An invocation that waited since {@code sinceNanos} is decided again (and may wait on). */
  void unqueued(long sinceNanos) {
    waiting.remove(sinceNanos);
  }

  /** The entity stopped: whatever waited in it is gone. */
  void queueLost() {
    waiting.clear();
  }

  int queueDepth() {
    return waiting.size();
  }

  OptionalLong oldestQueuedNanos() {
    return waiting.stream().mapToLong(Long::longValue).min();
  }

  /**
   * The error_type tag of an error type: the type itself while this function has shown fewer than
   * {@link #MAX_ERROR_TYPES} distinct ones, else {@link #OTHER}, so that a function raising ever new error types
   * cannot grow the node's series without bound. Overlong types are cut. Example: with the limit reached,
   * "KeyError" seen before stays "KeyError"; a new "ValueError" becomes "Other".
   */
  static String errorTypeTag(String errorType, java.util.Set<String> known) {
    String type = errorType.length() > MAX_ERROR_TYPE_LENGTH ? errorType.substring(0, MAX_ERROR_TYPE_LENGTH)
        : errorType;
    return known.contains(type) || known.size() < MAX_ERROR_TYPES ? type : OTHER;
  }

  private void count(Map<String, Counter> counters, String value, String name, String tag, String description) {
    Counter counter = counters.get(value);
    if (counter == null) {
      counter = counters.computeIfAbsent(value, v -> Counter.builder(name)
          .description(description)
          .tags(tags)
          .tag(tag, v)
          .register(registry));
    }
    counter.increment();
  }

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return out;
  }
}
