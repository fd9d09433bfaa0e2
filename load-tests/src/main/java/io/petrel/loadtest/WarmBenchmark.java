package io.petrel.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "bench-client");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Histogram>> loops = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        loops.add(threads.submit(() -> {
          Histogram mine = Latencies.newHistogram();
          go.await();
          try {
            while (remaining.getAndDecrement() > 0) {
              Latencies.recordNanos(mine, client.invoke(function, false).nanos());
            }
          } catch (RuntimeException e) {
            remaining.set(0); // one failed call ends the row: stop the other loops too
            throw e;
          }
          return mine;
        }));
      }
      go.countDown();
      Histogram all = Latencies.newHistogram();
      for (Future<Histogram> loop : loops) {
        all.add(join(loop, remaining));
      }
      return all;
    } finally {
      threads.shutdownNow();
    }
  }

  private static Histogram join(Future<Histogram> loop, AtomicInteger remaining) {
    try {
      return loop.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BenchmarkException b) {
        throw b;
      }
      throw new BenchmarkException("client thread failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      remaining.set(0);
      throw new BenchmarkException("interrupted");
    }
  }
}
