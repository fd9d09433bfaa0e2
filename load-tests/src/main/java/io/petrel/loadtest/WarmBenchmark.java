package io.petrel.loadtest;

import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Warm invoke latency and throughput of one function at one concurrency level: C client threads, each a
 * synchronous loop that takes the next call from a shared count until all are done. A warm-up of unrecorded
 * calls at the same concurrency comes first, so every environment the node needs already exists.
 */
final class WarmBenchmark {

  /** One row of the warm table. */
  record Result(String runtime, int concurrency, Histogram latency, long calls, double seconds) {
    double callsPerSecond() {
      return calls / seconds;
    }
  }

  private final LambdaClient client;

  WarmBenchmark(LambdaClient client) {
    this.client = client;
  }

  Result run(String runtime, String function, int concurrency, int warmup, int calls) {
    if (warmup > 0) {
      runCalls(function, concurrency, warmup);
    }
    long start = System.nanoTime();
    Histogram latency = runCalls(function, concurrency, calls);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(runtime, concurrency, latency, latency.getTotalCount(), seconds);
  }

  /** Makes {@code calls} invocations over {@code concurrency} threads; the merged latency histogram. */
  private Histogram runCalls(String function, int concurrency, int calls) {
    AtomicInteger remaining = new AtomicInteger(calls);
    return ClientThreads.run(concurrency, mine -> {
      try {
        while (remaining.getAndDecrement() > 0) {
          Latencies.recordNanos(mine, client.invoke(function, false).nanos());
        }
      } catch (RuntimeException e) {
        remaining.set(0); // one failed call ends the row: stop the other loops too
        throw e;
      }
    }, () -> remaining.set(0)).latency();
  }
}
