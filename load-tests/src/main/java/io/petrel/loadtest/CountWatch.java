package io.petrel.loadtest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Waits for a count kept elsewhere (offsets a group committed, records in a topic) to reach a target, reading it
 * every {@link #POLL}; notes when it first moved, and gives up once it has not moved for {@link #STALL}.
 */
final class CountWatch {
  static final Duration POLL = Duration.ofMillis(150);
  static final Duration STALL = Duration.ofSeconds(60);

  /**
   * When the count was first seen above its start, what it was then, and when it was first seen at the target;
   * all {@link System#nanoTime()} values, precise to one {@link #POLL}.
   */
  record Reached(long firstMovedAt, long firstMovedTo, long reachedAt) {}

  private CountWatch() {}

  /**
   * Reads {@code count}, which starts at 0, until it is at least {@code target}; between reads runs {@code check}
   * (which throws when something the count depends on died). A count that does not move for {@link #STALL} ends
   * the wait with the exception {@code stalled} makes of its last value.
   */
  static Reached await(LongSupplier count, long target, Runnable check, LongFunction<BenchmarkException> stalled) {
    long last = 0;
    long movedAt = System.nanoTime();
    long firstMovedAt = -1;
    long firstMovedTo = 0;
    while (true) {
      long current = count.getAsLong();
      long now = System.nanoTime();
      if (current > last) {
        last = current;
        movedAt = now;
        if (firstMovedAt < 0) {
          firstMovedAt = now;
          firstMovedTo = current;
        }
      }
      if (last >= target) {
        return new Reached(firstMovedAt, firstMovedTo, now);
      }
      if (now - movedAt > STALL.toNanos()) {
        throw stalled.apply(last);
      }
      check.run();
      sleep(POLL);
    }
  }

  static void sleep(Duration d) {
    try {
      TimeUnit.MILLISECONDS.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }
}
