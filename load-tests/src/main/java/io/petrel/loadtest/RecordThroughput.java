package io.petrel.loadtest;

import io.petrel.loadtest.InvocationWorkload.Invocation;
import io.petrel.persistence.PetrelStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * End-to-end durable write throughput of a store's invocation log: P producer threads hand prepared
 * invocations to {@code record} (and their lines to {@code appendLogs}, first, as a node does) as fast as they
 * can; once all are handed over, one {@code flush()}. The clock runs from the first hand-over until the flush
 * completes, when everything is written. The CPU time this JVM and the database server (when its pid is known)
 * used meanwhile tells which side the time went to.
 */
final class RecordThroughput {
  private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(15);

  /** One timed run. CPU times are empty when the OS did not tell. */
  record Run(int records, long lines, double handOverSeconds, double seconds, Optional<Duration> clientCpu,
             Optional<Duration> serverCpu) {
    double recordsPerSecond() {
      return records / seconds;
    }

    /** Records and log lines per second. */
    double itemsPerSecond() {
      return (records + lines) / seconds;
    }
  }

  /** The runs of one engine and workload, in the order they ran. */
  record Result(String engine, String workload, List<Run> runs) {
    Result {
      runs = List.copyOf(runs);
      if (runs.isEmpty()) {
        throw new IllegalArgumentException("a result needs at least one run");
      }
    }

    /** The run with the median records/s (the lower middle one for an even count). */
    Run median() {
      List<Run> sorted = runs.stream().sorted(Comparator.comparingDouble(Run::recordsPerSecond)).toList();
      return sorted.get((sorted.size() - 1) / 2);
    }

    double minRecordsPerSecond() {
      return runs.stream().mapToDouble(Run::recordsPerSecond).min().orElseThrow();
    }

    double maxRecordsPerSecond() {
      return runs.stream().mapToDouble(Run::recordsPerSecond).max().orElseThrow();
    }
  }

  private final PetrelStore store;
  private final int producers;
  private final OptionalLong serverPid;
  private final Runnable serverCheck;

  /** {@code serverCheck} throws when the database server is gone, so that a run does not wait for nothing. */
  RecordThroughput(PetrelStore store, int producers, OptionalLong serverPid, Runnable serverCheck) {
    this.store = store;
    this.producers = producers;
    this.serverPid = serverPid;
    this.serverCheck = serverCheck;
  }

  /** Hands {@code invocations} over (with their log lines when {@code withLogs}) and waits for the flush. */
  Run run(List<Invocation> invocations, boolean withLogs) {
    long refusedBefore = store.refusedItems();
    long lines = withLogs ? invocations.stream().mapToLong(i -> i.lines().size()).sum() : 0;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = ClientThreads.daemonPool(producers, "bench-producer");
    try {
      List<Future<?>> loops = new ArrayList<>();
      int n = invocations.size();
      for (int p = 0; p < producers; p++) {
        List<Invocation> slice = invocations.subList((int) ((long) n * p / producers),
            (int) ((long) n * (p + 1) / producers));
        loops.add(threads.submit(() -> {
          go.await();
          for (Invocation invocation : slice) {
            if (withLogs) {
              store.appendLogs(invocation.lines());
            }
            store.record(invocation.record());
          }
          return null;
        }));
      }
      Optional<Duration> clientCpuBefore = clientCpu();
      Optional<Duration> serverCpuBefore = serverCpu();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> loop : loops) {
        join(loop);
      }
      long handedOver = System.nanoTime();
      awaitFlush(n);
      long end = System.nanoTime();
      Run run = new Run(n, lines, (handedOver - start) / 1e9, (end - start) / 1e9,
          minus(clientCpu(), clientCpuBefore), minus(serverCpu(), serverCpuBefore));
      long refused = store.refusedItems() - refusedBefore;
      if (refused > 0) {
        throw new BenchmarkException("the store refused " + refused + " of the records and log lines handed over"
            + " (its buffer was full); the run does not count");
      }
      return run;
    } catch (ExecutionException e) {
      throw new BenchmarkException("flushing the store failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    } finally {
      threads.shutdownNow();
    }
  }

  private void awaitFlush(int records) throws ExecutionException, InterruptedException {
    CompletableFuture<Void> flushed = store.flush().toCompletableFuture();
    long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
    while (true) {
      try {
        flushed.get(100, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        serverCheck.run();
        if (System.nanoTime() > deadline) {
          throw new BenchmarkException("the store did not flush " + records + " records within "
              + FLUSH_TIMEOUT.toMinutes() + " minutes");
        }
      }
    }
  }

  private Optional<Duration> clientCpu() {
    return ProcessHandle.current().info().totalCpuDuration();
  }

  private Optional<Duration> serverCpu() {
    if (serverPid.isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(serverPid.getAsLong()).flatMap(h -> h.info().totalCpuDuration());
  }

  private static Optional<Duration> minus(Optional<Duration> after, Optional<Duration> before) {
    return after.isPresent() && before.isPresent()
        ? Optional.of(after.get().minus(before.get())) : Optional.empty();
  }

  private static void join(Future<?> loop) throws InterruptedException {
    try {
      loop.get();
    } catch (ExecutionException e) {
      throw new BenchmarkException("a producer thread failed: " + e.getCause());
    }
  }
}
