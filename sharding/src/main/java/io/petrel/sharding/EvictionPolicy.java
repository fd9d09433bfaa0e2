package io.petrel.sharding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which idle environments to stop so that a new one fits in the node's memory budget: the least recently used
 * first, of any function, until enough memory is free. If stopping every idle environment would still not free
 * enough, none is stopped (nothing is gained by it). Example: need 256 MB, idle A (128 MB, used 10 s ago),
 * B (512 MB, used 5 s ago), C (128 MB, used 1 s ago): A then B are chosen (640 MB), C stays warm.
 */
public final class EvictionPolicy {
  private EvictionPolicy() {}

  /** An idle environment as the policy sees it. */
  public record Idle<T>(T id, int memoryMb, long lastUsedNanos) {}

  public static <T> List<Idle<T>> choose(List<Idle<T>> idle, long neededMb) {
    List<Idle<T>> byAge = new ArrayList<>(idle);
    byAge.sort(Comparator.comparingLong(Idle::lastUsedNanos));
    List<Idle<T>> chosen = new ArrayList<>();
    long freed = 0;
    for (Idle<T> candidate : byAge) {
      if (freed >= neededMb) {
        break;
      }
      chosen.add(candidate);
      freed += candidate.memoryMb();
    }
    return freed >= neededMb ? chosen : List.of();
  }
}
