package io.petrel.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The load generator's threads: daemon pools that never keep the JVM alive, and closed-loop clients, C threads
 * released at once that each run the same loop and record into a histogram of their own, merged at the end.
 */
final class ClientThreads {

  /** One client thread's loop: calls until the caller's condition ends it, each latency into {@code mine}. */
  interface Loop {
    void run(Histogram mine) throws Exception;
  }

  /** The merged latencies of all loops, and the seconds from their release until the last one ended. */
  record Outcome(Histogram latency, double seconds) {}

  private ClientThreads() {}

  /** A pool of {@code size} daemon threads named {@code name}. */
  static ExecutorService daemonPool(int size, String name) {
    return Executors.newFixedThreadPool(size, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code loop} on {@code concurrency} threads named bench-client, released together. When a loop fails or
   * the wait is interrupted, {@code stop} tells the others to end; the failure then throws, as itself if it is a
   * BenchmarkException.
   */
  static Outcome run(int concurrency, Loop loop, Runnable stop) {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = daemonPool(concurrency, "bench-client");
    try {
      List<Future<Histogram>> loops = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        loops.add(threads.submit(() -> {
          Histogram mine = Latencies.newHistogram();
          go.await();
          loop.run(mine);
          return mine;
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      Histogram all = Latencies.newHistogram();
      for (Future<Histogram> future : loops) {
        all.add(join(future, stop));
      }
      return new Outcome(all, (System.nanoTime() - start) / 1e9);
    } finally {
      threads.shutdownNow();
    }
  }

  private static Histogram join(Future<Histogram> loop, Runnable stop) {
    try {
      return loop.get();
    } catch (ExecutionException e) {
      stop.run();
      if (e.getCause() instanceof BenchmarkException b) {
        throw b;
      }
      throw new BenchmarkException("client thread failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.run();
      throw new BenchmarkException("interrupted");
    }
  }
}
