package io.petrel.connectors;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Which offset of each partition may be committed when records finish out of order: everything below the lowest
 * record still running, or past the last record seen when none is. Records must be added in offset order per
 * partition. Not thread-safe: the consumer's thread owns it.
 */
final class OffsetTracker<P> {
  private final Map<P, TreeSet<Long>> running = new HashMap<>();
  private final Map<P, Long> next = new HashMap<>();
  private final Map<P, Long> committed = new HashMap<>();

  /** A record of {@code partition} was handed out for processing. */
  void started(P partition, long offset) {
    running.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    next.merge(partition, offset + 1, Math::max);
  }

  /** A record finished: it ran, or reached its failure destination. */
  void finished(P partition, long offset) {
    TreeSet<Long> offsets = running.get(partition);
    if (offsets != null) {
      offsets.remove(offset);
    }
  }

  /** How many records of {@code partition} are running. */
  int running(P partition) {
    TreeSet<Long> offsets = running.get(partition);
    return offsets == null ? 0 : offsets.size();
  }

  int runningTotal() {
    return running.values().stream().mapToInt(TreeSet::size).sum();
  }

  /**
   * The offset to commit for {@code partition} (the next record a restarted consumer should read), when it moved
   * since the last {@link #markCommitted}.
   */
  OptionalLong committable(P partition) {
    Long upTo = next.get(partition);
    if (upTo == null) {
      return OptionalLong.empty();
    }
    TreeSet<Long> offsets = running.get(partition);
    long candidate = offsets == null || offsets.isEmpty() ? upTo : offsets.first();
    Long done = committed.get(partition);
    return done != null && done >= candidate ? OptionalLong.empty() : OptionalLong.of(candidate);
  }

  void markCommitted(P partition, long offset) {
    committed.merge(partition, offset, Math::max);
  }

  /** Forgets a partition this consumer no longer owns; results of its running records are then ignored. */
  void forget(P partition) {
    running.remove(partition);
    next.remove(partition);
    committed.remove(partition);
  }

  java.util.Set<P> partitions() {
    return next.keySet();
  }
}
