package io.petrel.connectors;

import io.petrel.persistence.EventConfigStore;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.Invocation;
import io.petrel.sharding.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one asynchronous invocation to its end, as Lambda does: a function error is retried up to the qualifier's
 * MaximumRetryAttempts with a growing delay; a throttle or an unavailable platform waits and tries again without
 * using up an attempt; an event older than MaximumEventAgeInSeconds stops. A success goes to the OnSuccess
 * destination, a give-up to OnFailure. The returned stage completes when the event needs nothing more, so the
 * queue may forget it then.
 */
final class AsyncRunner {
  private static final Logger log = LoggerFactory.getLogger(AsyncRunner.class);
  private static final int DELIVERY_ATTEMPTS = 6;

  private final FunctionAlias.Invoker invoker;
  private final EventConfigStore configs;
  private final Destinations destinations;
  private final AsyncSettings settings;
  private final Clock clock;
  final LongAdder succeeded = new LongAdder();
  final LongAdder failed = new LongAdder();

  AsyncRunner(FunctionAlias.Invoker invoker, EventConfigStore configs, Destinations destinations,
      AsyncSettings settings, Clock clock) {
    this.invoker = invoker;
    this.configs = configs;
    this.destinations = destinations;
    this.settings = settings;
    this.clock = clock;
  }

  CompletionStage<Void> run(AsyncEvent event) {
    return config(event, 1).thenCompose(config -> attempt(event, config, 0, 0));
  }

  /** The qualifier's configuration, or the defaults; waits out a store that cannot answer. */
  private CompletionStage<EventInvokeConfig> config(AsyncEvent event, int tries) {
    return configs.getEventInvokeConfig(event.functionId(), event.qualifier())
        .thenApply(c -> c.orElseGet(() -> EventInvokeConfig.defaults(event.functionId(), event.qualifier())))
        .exceptionallyCompose(error -> {
          log.warn("event {}: reading its invoke configuration failed ({}); trying again", event.requestId(),
              error.toString());
          return later(settings.throttleDelay(tries), () -> config(event, tries + 1));
        });
  }

  private CompletionStage<Void> attempt(AsyncEvent event, EventInvokeConfig config, int attempts, int waits) {
    long ageMillis = clock.millis() - event.acceptedAtMillis();
    if (ageMillis > config.maximumEventAgeSeconds() * 1000L) {
      return giveUp(event, config, DestinationRecords.Condition.EventAgeExceeded, attempts, null, null, null);
    }
    Invocation invocation = new Invocation(event.requestId(), event.payload(), event.clientContext(), false);
    return invoker.invoke(event.functionId(), event.qualifier(), invocation, settings.invokeTimeout())
        .handle((result, error) -> {
          if (error != null) {
            // No answer in time: the attempt may have run, so it counts.
            return failedAttempt(event, config, attempts + 1, waits, null, "Petrel.NoAnswer",
                ("{\"errorMessage\":\"no answer: " + error.getClass().getSimpleName() + "\"}").getBytes());
          }
          Outcome outcome = result.outcome();
          if (outcome instanceof Outcome.Success s) {
            succeeded.increment();
            return config.onSuccess() == null ? CompletableFuture.<Void>completedFuture(null)
                : deliver(event, config.onSuccess(), DestinationRecords.asyncRecord(event.requestId(),
                    arn(event), DestinationRecords.Condition.Success, attempts + 1, event.payload(),
                    result.executedVersion(), null, s.payload(), clock.instant()), 1);
          } else if (outcome instanceof Outcome.FunctionError e) {
            return failedAttempt(event, config, attempts + 1, waits, result.executedVersion(), e.errorType(),
                e.body());
          } else if (outcome instanceof Outcome.NotFound) {
            log.warn("event {}: {} no longer exists; the event is dropped", event.requestId(), arn(event));
            failed.increment();
            return CompletableFuture.<Void>completedFuture(null);
          } else {
            // Throttled, or the platform could not run it now: wait and try again, not counted as an attempt.
            return later(settings.throttleDelay(waits + 1), () -> attempt(event, config, attempts, waits + 1));
          }
        })
        .thenCompose(next -> next);
  }

  private CompletionStage<Void> failedAttempt(AsyncEvent event, EventInvokeConfig config, int attempts, int waits,
      String executedVersion, String errorType, byte[] body) {
    if (attempts <= config.maximumRetryAttempts()) {
      return later(settings.retryDelay(attempts), () -> attempt(event, config, attempts, waits));
    }
    return giveUp(event, config, DestinationRecords.Condition.RetriesExhausted, attempts, executedVersion,
        errorType, body);
  }

  private CompletionStage<Void> giveUp(AsyncEvent event, EventInvokeConfig config,
      DestinationRecords.Condition condition, int attempts, String executedVersion, String errorType, byte[] body) {
    failed.increment();
    if (config.onFailure() == null) {
      log.info("event {} for {} ended {} after {} attempts, with no OnFailure destination", event.requestId(),
          arn(event), condition, attempts);
      return CompletableFuture.completedFuture(null);
    }
    return deliver(event, config.onFailure(), DestinationRecords.asyncRecord(event.requestId(), arn(event),
        condition, attempts, event.payload(), executedVersion, errorType, body, clock.instant()), 1);
  }

  private CompletionStage<Void> deliver(AsyncEvent event, String destination, byte[] record, int tries) {
    return destinations.send(destination, record, event.queueKey(), event.account()).exceptionallyCompose(error -> {
      if (tries >= DELIVERY_ATTEMPTS) {
        log.error("event {}: its record could not reach {} after {} tries and is dropped: {}", event.requestId(),
            destination, tries, error.toString());
        return CompletableFuture.completedFuture(null);
      }
      log.warn("event {}: sending its record to {} failed ({}); trying again", event.requestId(), destination,
          error.toString());
      return later(settings.throttleDelay(tries), () -> deliver(event, destination, record, tries + 1));
    });
  }

  private String arn(AsyncEvent event) {
    return "arn:aws:lambda:" + settings.region() + ":" + event.account() + ":function:" + event.function() + ":"
        + event.qualifier();
  }

  private static <T> CompletionStage<T> later(Duration delay,
      java.util.function.Supplier<CompletionStage<T>> next) {
    return CompletableFuture.runAsync(() -> { },
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(x -> next.get());
  }
}
