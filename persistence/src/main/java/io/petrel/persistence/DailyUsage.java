package io.petrel.persistence;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What one function used on one UTC day: its invocations and the sum over them of memory (MB) times billed
 * duration (ms). GB-seconds are {@code billedMbMs / 1024 / 1000}.
 */
public record DailyUsage(FunctionId function, LocalDate day, long requests, long billedMbMs) {
  public DailyUsage {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(day, "day");
  }

  public double gbSeconds() {
    return billedMbMs / 1024.0 / 1000.0;
  }
}
