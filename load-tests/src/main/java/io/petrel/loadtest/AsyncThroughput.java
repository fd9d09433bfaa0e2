package io.petrel.loadtest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Asynchronous invocations and their reference. First the reference: E RequestResponse calls of the no-op
 * function from C closed-loop client threads, after W unrecorded ones. Then W unrecorded Event invocations,
 * waited for to the end, so the node has scaled out the environments events need; then E Event invocations
 * from C threads, each waiting for its 202 (the event is durably queued) before sending the next. The accept
 * rate is E over the time until the last 202; the completion rate is E over the time from the first send until
 * the function's OnSuccess topic holds E more records than before, its end offsets polled every
 * {@link CountWatch#POLL}.
 */
final class AsyncThroughput {

  /** The 202s, the time until every OnSuccess record was there, and the synchronous reference. */
  record Result(long events, Histogram acceptLatency, double acceptSeconds, double completionSeconds,
                WarmBenchmark.Result sync) {
    double acceptedPerSecond() {
      return events / acceptSeconds;
    }

    double completedPerSecond() {
      return events / completionSeconds;
    }

    Result withSync(WarmBenchmark.Result reference) {
      return new Result(events, acceptLatency, acceptSeconds, completionSeconds, reference);
    }
  }

  private final LambdaClient client;
  private final BenchKafka kafka;
  private final Runnable checkRunning;
  private final Consumer<String> progress;

  AsyncThroughput(LambdaClient client, BenchKafka kafka, Runnable checkRunning, Consumer<String> progress) {
    this.client = client;
    this.kafka = kafka;
    this.checkRunning = checkRunning;
    this.progress = progress;
  }

  /** {@code function} must send its successes to {@code onSuccessTopic}, and nothing else may write there. */
  Result run(String runtime, String function, String onSuccessTopic, int events, int concurrency, int warmup) {
    WarmBenchmark.Result sync = new WarmBenchmark(client).run(runtime, function, concurrency, warmup, events);
    progress.accept(String.format("  RequestResponse: %,.0f invokes/s, p50 %s ms", sync.callsPerSecond(),
        Report.ms(Latencies.p50(sync.latency()))));
    if (warmup > 0) {
      long start = System.nanoTime();
      events(function, onSuccessTopic, warmup, concurrency);
      progress.accept(String.format("  Event warm-up: %,d events done in %.1f s", warmup,
          (System.nanoTime() - start) / 1e9));
    }
    Result result = events(function, onSuccessTopic, events, concurrency).withSync(sync);
    progress.accept(String.format("  Event: %,.0f accepted/s, %,.0f completed/s", result.acceptedPerSecond(),
        result.completedPerSecond()));
    return result;
  }

  /** Sends {@code events} events and waits until the OnSuccess topic holds a record for each. */
  private Result events(String function, String onSuccessTopic, int events, int concurrency) {
    long before = BenchKafka.sum(kafka.endOffsets(onSuccessTopic));
    AtomicInteger remaining = new AtomicInteger(events);
    long start = System.nanoTime();
    ClientThreads.Outcome accepted = ClientThreads.run(concurrency, mine -> {
      try {
        while (remaining.getAndDecrement() > 0) {
          Latencies.recordNanos(mine, client.invokeEvent(function));
        }
      } catch (RuntimeException e) {
        remaining.set(0); // one refused event ends the measurement: stop the other loops too
        throw e;
      }
    }, () -> remaining.set(0));
    double acceptSeconds = (System.nanoTime() - start) / 1e9;
    CountWatch.Reached done = CountWatch.await(() -> BenchKafka.sum(kafka.endOffsets(onSuccessTopic)) - before,
        events, checkRunning, count -> new BenchmarkException("the OnSuccess topic " + onSuccessTopic + " got "
            + count + " of " + events + " records, then none for " + CountWatch.STALL.toSeconds() + " s (a failed"
            + " event is retried after petrel.async.retry-delay; see the node's log)"));
    return new Result(events, accepted.latency(), acceptSeconds, (done.reachedAt() - start) / 1e9, null);
  }
}
