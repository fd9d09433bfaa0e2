package io.petrel.persistence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which invocation records to find: those that started in {@code [from, to)}, at most {@code limit}, and only
 * those with {@code outcome} (Success, FunctionError, Timeout, ...) or {@code requestId} when given.
 */
public record InvocationQuery(
    Instant from, Instant to, Optional<String> outcome, Optional<String> requestId, int limit) {

  public InvocationQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    outcome = outcome == null ? Optional.empty() : outcome;
    requestId = requestId == null ? Optional.empty() : requestId;
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }

  public static InvocationQuery between(Instant from, Instant to, int limit) {
    return new InvocationQuery(from, to, Optional.empty(), Optional.empty(), limit);
  }

  public boolean matches(InvocationRecord r) {
    return !r.start().isBefore(from) && r.start().isBefore(to)
        && outcome.map(r.outcome()::equals).orElse(true)
        && requestId.map(r.requestId()::equals).orElse(true);
  }
}
