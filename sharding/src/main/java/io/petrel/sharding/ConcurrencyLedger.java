package io.petrel.sharding;

import io.petrel.persistence.FunctionId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executions running on this node per function, across all its qualifiers: reserved concurrency limits the
 * function as a whole, as on Lambda, while each qualifier has its own entity. Thread-safe.
 */
public final class ConcurrencyLedger {
  private final ConcurrentHashMap<FunctionId, AtomicInteger> running = new ConcurrentHashMap<>();

  public int running(FunctionId function) {
    AtomicInteger n = running.get(function);
    return n == null ? 0 : n.get();
  }

  public void started(FunctionId function) {
    running.computeIfAbsent(function, f -> new AtomicInteger()).incrementAndGet();
  }

  public void finished(FunctionId function) {
    running.computeIfPresent(function, (f, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
