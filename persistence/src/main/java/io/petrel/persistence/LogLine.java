package io.petrel.persistence;

import java.time.Instant;
import java.util.Objects;

/** One line a function's environment wrote, tied to the invocation it belongs to. */
public record LogLine(FunctionId function, String requestId, Instant timestamp, String message) {
  public LogLine {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(message, "message");
  }
}
