package io.petrel.sharding;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationStore;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's meters, registered in one Micrometer registry (the node exposes it to Prometheus): per function
 * qualifier ({@link FunctionMetrics}: invocations, errors, throttles, durations, cold starts, concurrency, queue)
 * and per node (execution environments by state, the memory budget, the queues, the store's write buffer).
 * Entities and workers update it from their actor threads; every method is thread-safe and cheap.
 */
public final class PetrelMetrics {

  /** Where an execution environment is in its lifecycle, as the {@code state} tag shows it. */
  enum EnvironmentState { STARTING, BUSY, IDLE }

  private final MeterRegistry registry;
  private final Map<Key, FunctionMetrics> functions = new ConcurrentHashMap<>();
  private final Map<EnvironmentState, AtomicInteger> environments = new EnumMap<>(EnvironmentState.class);
  private final Timer lookups;

  private record Key(FunctionId function, String qualifier) {}

  public PetrelMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (EnvironmentState state : EnvironmentState.values()) {
      AtomicInteger n = new AtomicInteger();
      environments.put(state, n);
      Gauge.builder("petrel.execution.environments", n, AtomicInteger::get)
          .description("Execution environments on this node by state")
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("petrel.queue.depth", this, PetrelMetrics::queued)
        .description("Invocations on this node waiting for an execution environment")
        .strongReference(true)
        .register(registry);
    Gauge.builder("petrel.queue.oldest.age", this, PetrelMetrics::oldestQueuedSeconds)
        .description("How long the oldest invocation waiting on this node has waited (0 when none waits)")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    lookups = Timer.builder("petrel.invocation.lookup.duration")
        .description("Reading a function's configuration from the store to route an invocation")
        .register(registry);
  }

  /** Meters that go nowhere, for code that runs without a node (tests). */
  public static PetrelMetrics none() {
    return new PetrelMetrics(new CompositeMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Registers the node-wide gauges that read the memory budget and the store's write buffer. */
  public PetrelMetrics observe(MemoryBudget memory, InvocationStore store) {
    Gauge.builder("petrel.memory.budget.used", memory, MemoryBudget::reservedMb)
        .description("Memory reserved by this node's execution environments")
        .baseUnit("megabytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("petrel.memory.budget.total", memory, MemoryBudget::totalMb)
        .description("Memory this node gives execution environments")
        .baseUnit("megabytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("petrel.store.buffered.items", store, InvocationStore::bufferedItems)
        .description("Invocation records and log lines handed to the store and not written yet")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("petrel.store.refused.items", store, InvocationStore::refusedItems)
        .description("Invocation records and log lines the store refused because its buffer was full")
        .register(registry);
    return this;
  }

  /** The meters of one function qualifier on this node; the same object for the node's lifetime. */
  FunctionMetrics function(FunctionId function, String qualifier) {
    Key key = new Key(function, qualifier);
    FunctionMetrics found = functions.get(key);
    return found != null ? found
        : functions.computeIfAbsent(key, k -> new FunctionMetrics(registry, k.function(), k.qualifier()));
  }

  /** An environment changed state; {@code null} stands for not existing (before it starts, after it stops). */
  void environmentMoved(EnvironmentState from, EnvironmentState to) {
    if (from != null) {
      environments.get(from).decrementAndGet();
    }
    if (to != null) {
      environments.get(to).incrementAndGet();
    }
  }

  /** Starts {@code lookup} (reading a function's configuration from the store) and times it. */
  <T> CompletionStage<T> timedLookup(Supplier<CompletionStage<T>> lookup) {
    long start = System.nanoTime();
    return lookup.get().whenComplete((value, error) -> lookups.record(Duration.ofNanos(System.nanoTime() - start)));
  }

  /** An entity stopped: the calls that waited in it are gone. */
  void entityStopped(FunctionId function, String qualifier) {
    FunctionMetrics stopped = functions.get(new Key(function, qualifier));
    if (stopped != null) {
      stopped.queueLost();
    }
  }

  private double queued() {
    return functions.values().stream().mapToInt(FunctionMetrics::queueDepth).sum();
  }

  private double oldestQueuedSeconds() {
    long now = System.nanoTime();
    return functions.values().stream()
        .mapToLong(f -> f.oldestQueuedNanos().orElse(now))
        .map(since -> now - since)
        .max().orElse(0) / 1e9;
  }
}
