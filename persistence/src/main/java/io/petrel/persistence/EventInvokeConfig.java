package io.petrel.persistence;

import java.time.Instant;
import java.util.Objects;

/**
 * How asynchronous invocations of one function qualifier ({@code $LATEST}, a version or an alias) are retried and
 * where their results go. {@code onSuccess} and {@code onFailure} are destinations (a function ARN, or
 * {@code kafka://<topic>}), null when unset.
 */
public record EventInvokeConfig(FunctionId function, String qualifier, int maximumRetryAttempts,
    int maximumEventAgeSeconds, String onSuccess, String onFailure, Instant modified) {

  public static final int DEFAULT_RETRY_ATTEMPTS = 2;
  public static final int DEFAULT_EVENT_AGE_SECONDS = 21_600;

  public EventInvokeConfig {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(qualifier, "qualifier");
    Objects.requireNonNull(modified, "modified");
  }

  /** What applies to a qualifier that has no configuration of its own. */
  public static EventInvokeConfig defaults(FunctionId function, String qualifier) {
    return new EventInvokeConfig(function, qualifier, DEFAULT_RETRY_ATTEMPTS, DEFAULT_EVENT_AGE_SECONDS, null, null,
        Instant.EPOCH);
  }
}
