package io.petrel.persistence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one invocation cost and how it ended: the basis for usage (requests, GB-seconds) and for invocation
 * queries. {@code outcome} is one of the engine's outcome names (Success, FunctionError, Timeout, ...);
 * {@code errorType} is the Lambda error type when it failed.
 */
public record InvocationRecord(
    String requestId,
    FunctionId function,
    String qualifier,
    String executedVersion,
    Instant start,
    double durationMs,
    long billedDurationMs,
    int memorySizeMb,
    int maxMemoryUsedMb,
    Optional<Double> initDurationMs,
    String outcome,
    Optional<String> errorType) {

  public InvocationRecord {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(qualifier, "qualifier");
    Objects.requireNonNull(executedVersion, "executedVersion");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(outcome, "outcome");
    initDurationMs = initDurationMs == null ? Optional.empty() : initDurationMs;
    errorType = errorType == null ? Optional.empty() : errorType;
  }
}
