package io.petrel.sharding;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How many execution environments a node starts at once. A burst of cold starts (a backlog of events, a load
 * spike) otherwise starts every process, sandbox and network namespace at the same moment, and on a small
 * machine each then takes so long that many run past their timeout; in turns, each is quick. Starts beyond the
 * limit wait, first come first served, for one in progress to finish.
 */
public final class StartGate {
  private final int limit;
  private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private int starting;

  public StartGate(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("at least one start at a time: " + limit);
    }
    this.limit = limit;
  }

  /** Two starts per processor (at least four): starting is part waiting for processes, part work. */
  public static StartGate forThisMachine() {
    return new StartGate(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
  }

  /** Completes when this start may go ahead; every completed enter must be followed by one {@link #leave}. */
  public synchronized CompletionStage<Void> enter() {
    if (starting < limit) {
      starting++;
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> turn = new CompletableFuture<>();
    waiting.add(turn);
    return turn;
  }

  /** A start finished (or failed): the next waiting one goes ahead. */
  public void leave() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        starting--;
      }
    }
    if (next != null) {
      next.complete(null);
    }
  }

  /** Starts in progress and waiting, for the node's meters and tests. */
  public synchronized int starting() {
    return starting;
  }

  public synchronized int waiting() {
    return waiting.size();
  }
}
