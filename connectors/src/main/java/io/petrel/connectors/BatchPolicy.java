package io.petrel.connectors;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a mapping does with one batch of one partition until it is settled: runs it; a batch the function failed
 * is split in halves when bisecting is on (each half run in order, with attempts of its own), otherwise retried
 * up to MaximumRetryAttempts (-1: until it succeeds) and then handed to the failure step. A batch the platform
 * could not run (throttled, unavailable) waits and runs again without using up an attempt. With
 * ReportBatchItemFailures, a success naming failed records settles the records before the first of them and
 * treats the rest as failed.
 *
 * @param <R> a record
 */
final class BatchPolicy<R> {

  /** How one run of a batch ended. */
  sealed interface Result {}

  /** The function handled every record. */
  record Handled() implements Result {}

  /** The function handled the records before {@code firstFailed} (an index into the batch) and not the rest. */
  record PartlyHandled(int firstFailed) implements Result {}

  /** The function failed; {@code error} and {@code body} describe it for the failure destination. */
  record Failed(String error, byte[] body) implements Result {}

  /** The platform could not run the batch now. */
  record NotRun(String reason) implements Result {}

  private final Function<List<R>, CompletionStage<Result>> run;
  private final BiFunction<List<R>, Failure, CompletionStage<Void>> onFailure;
  private final int maximumRetryAttempts;
  private final boolean bisect;
  private final Function<Integer, Duration> retryDelay;

  /** What the failure step is told: how often the batch was run and what the last run answered. */
  record Failure(int attempts, String error, byte[] body) {}

  BatchPolicy(Function<List<R>, CompletionStage<Result>> run, BiFunction<List<R>, Failure, CompletionStage<Void>> onFailure,
      int maximumRetryAttempts, boolean bisect, Function<Integer, Duration> retryDelay) {
    this.run = run;
    this.onFailure = onFailure;
    this.maximumRetryAttempts = maximumRetryAttempts;
    this.bisect = bisect;
    this.retryDelay = retryDelay;
  }

  /** Completes once every record of {@code batch} was handled or handed to the failure step. */
  CompletionStage<Void> settle(List<R> batch) {
    return attempt(batch, 0, 0);
  }

  private CompletionStage<Void> attempt(List<R> batch, int failures, int waits) {
    return run.apply(batch).thenCompose(result -> {
      if (result instanceof Handled) {
        return CompletableFuture.completedFuture(null);
      } else if (result instanceof PartlyHandled partly) {
        int first = Math.max(0, Math.min(partly.firstFailed(), batch.size()));
        if (first == batch.size()) {
          return CompletableFuture.completedFuture(null);
        }
        List<R> rest = batch.subList(first, batch.size());
        return failed(rest, failures + 1, new Failed("ReportedBatchItemFailures", null));
      } else if (result instanceof Failed f) {
        return failed(batch, failures + 1, f);
      } else {
        return later(retryDelay.apply(waits + 1), () -> attempt(batch, failures, waits + 1));
      }
    });
  }

  private CompletionStage<Void> failed(List<R> batch, int failures, Failed f) {
    if (bisect && batch.size() > 1) {
      int half = batch.size() / 2;
      List<R> first = batch.subList(0, half);
      List<R> second = batch.subList(half, batch.size());
      return attempt(first, 0, 0).thenCompose(x -> attempt(second, 0, 0));
    }
    if (maximumRetryAttempts < 0 || failures <= maximumRetryAttempts) {
      return later(retryDelay.apply(failures), () -> attempt(batch, failures, 0));
    }
    return onFailure.apply(batch, new Failure(failures, f.error(), f.body()));
  }

  private static <T> CompletionStage<T> later(Duration delay, java.util.function.Supplier<CompletionStage<T>> next) {
    if (delay.isZero()) {
      return next.get();
    }
    return CompletableFuture.runAsync(() -> { },
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)).thenCompose(x -> next.get());
  }
}
