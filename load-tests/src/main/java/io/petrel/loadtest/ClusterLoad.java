package io.petrel.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load for a fixed time over one or more gateways: C client threads, each a synchronous loop of
 * invocations until the time is up. Call k (counted over all threads) goes to gateway {@code k mod G} and to
 * function {@code (k / G) mod F}, so the gateways take turns and, with F functions, every function is called
 * through every gateway. With 3 gateways and 2 functions: calls 0, 1, 2 go to gateways 0, 1, 2 with function
 * 0, calls 3, 4, 5 to gateways 0, 1, 2 with function 1, call 6 to gateway 0 with function 0 again.
 *
 * <p>A failed call is counted and the load goes on; once failures pass 5% of at least 50 calls, the
 * measurement ends with the first failure's message, since the numbers would no longer describe the platform.
 */
final class ClusterLoad {

  /** One measurement: latencies of the calls that succeeded, failures, and the time from start to the last. */
  record Result(Histogram latency, long calls, long errors, double seconds, String firstError) {
    double callsPerSecond() {
      return calls / seconds;
    }
  }

  private final List<LambdaClient> gateways;

  ClusterLoad(List<LambdaClient> gateways) {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("no gateways");
    }
    this.gateways = List.copyOf(gateways);
  }

  /** Unrecorded load for {@code warmup}, then the measured load for {@code duration}. */
  Result run(List<String> functions, int concurrency, Duration warmup, Duration duration) {
    if (functions.isEmpty()) {
      throw new BenchmarkException("no functions to call");
    }
    if (!warmup.isZero()) {
      load(functions, concurrency, warmup);
    }
    return load(functions, concurrency, duration);
  }

  private Result load(List<String> functions, int concurrency, Duration duration) {
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> firstError = new AtomicReference<>();
    ClientThreads.Outcome outcome = ClientThreads.run(concurrency, mine -> {
      long end = System.nanoTime() + duration.toNanos();
      while (!stop.get() && System.nanoTime() < end) {
        long k = next.getAndIncrement();
        LambdaClient gateway = gateways.get((int) (k % gateways.size()));
        String function = functions.get((int) ((k / gateways.size()) % functions.size()));
        try {
          Latencies.recordNanos(mine, gateway.invoke(function, false).nanos());
        } catch (BenchmarkException e) {
          firstError.compareAndSet(null, gateway.endpoint() + ": " + e.getMessage());
          long failed = errors.incrementAndGet();
          if (failed >= 50 && failed * 20 > next.get()) {
            stop.set(true);
          }
        }
      }
    }, () -> stop.set(true));
    if (stop.get()) {
      throw new BenchmarkException(errors.get() + " of " + next.get() + " calls failed; the first: "
          + firstError.get());
    }
    Histogram all = outcome.latency();
    return new Result(all, all.getTotalCount(), errors.get(), outcome.seconds(), firstError.get());
  }
}
