package io.petrel.sharding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The node's memory for execution environments. Each environment reserves its function's MemorySize before it
 * starts and gives it back when it stops. When a reservation does not fit, {@link #evictFor} names the least
 * recently used idle environments of any function ({@link EvictionPolicy}) and asks their entities to stop them;
 * the memory is free once they have. Shared by all entities of the node; every method is thread-safe.
 */
public final class MemoryBudget {

  private record Entry(int memoryMb, ActorRef<FunctionAlias.Command> entity, boolean idle, long lastUsedNanos,
      boolean evicting) {}

  private final long totalMb;
  private final Map<ActorRef<Worker.Command>, Entry> environments = new HashMap<>();
  private long reservedMb;

  public MemoryBudget(long totalMb) {
    this.totalMb = totalMb;
  }

  public long totalMb() {
    return totalMb;
  }

  public synchronized long reservedMb() {
    return reservedMb;
  }

  /** Reserves memory for an environment about to start, or answers false when it does not fit. */
  public synchronized boolean tryReserve(int memoryMb) {
    if (reservedMb + memoryMb > totalMb) {
      return false;
    }
    reservedMb += memoryMb;
    return true;
  }

  /** Ties a reservation made with {@link #tryReserve} to the worker that now holds it. */
  public synchronized void track(ActorRef<Worker.Command> worker, int memoryMb,
      ActorRef<FunctionAlias.Command> entity) {
    environments.put(worker, new Entry(memoryMb, entity, false, System.nanoTime(), false));
  }

  public synchronized void markIdle(ActorRef<Worker.Command> worker) {
    environments.computeIfPresent(worker, (w, e) ->
        new Entry(e.memoryMb(), e.entity(), true, System.nanoTime(), e.evicting()));
  }

  public synchronized void markBusy(ActorRef<Worker.Command> worker) {
    environments.computeIfPresent(worker, (w, e) ->
        new Entry(e.memoryMb(), e.entity(), false, System.nanoTime(), e.evicting()));
  }

  /** The environment stopped: its memory is free again. */
  public synchronized void release(ActorRef<Worker.Command> worker) {
    Entry e = environments.remove(worker);
    if (e != null) {
      reservedMb -= e.memoryMb();
    }
  }

  /**
   * Asks the owners of the least recently used idle environments to stop them so that {@code memoryMb} more
   * fits. Returns false when even that would not make room (or nothing is idle): the caller throttles.
   */
  public boolean evictFor(int memoryMb) {
    List<EvictionPolicy.Idle<ActorRef<Worker.Command>>> chosen;
    Map<ActorRef<Worker.Command>, ActorRef<FunctionAlias.Command>> owners = new HashMap<>();
    synchronized (this) {
      long missing = reservedMb + memoryMb - totalMb;
      long alreadyFreeing = environments.values().stream().filter(Entry::evicting).mapToLong(Entry::memoryMb).sum();
      if (missing <= alreadyFreeing) {
        return true;
      }
      List<EvictionPolicy.Idle<ActorRef<Worker.Command>>> idle = new ArrayList<>();
      environments.forEach((w, e) -> {
        if (e.idle() && !e.evicting()) {
          idle.add(new EvictionPolicy.Idle<>(w, e.memoryMb(), e.lastUsedNanos()));
        }
      });
      chosen = EvictionPolicy.choose(idle, missing - alreadyFreeing);
      for (var c : chosen) {
        Entry e = environments.get(c.id());
        environments.put(c.id(), new Entry(e.memoryMb(), e.entity(), e.idle(), e.lastUsedNanos(), true));
        owners.put(c.id(), e.entity());
      }
    }
    owners.forEach((worker, entity) -> entity.tell(new FunctionAlias.EvictIdle(worker)));
    return !chosen.isEmpty();
  }

  /** An eviction the owner declined (the environment became busy): it may be chosen again later. */
  public synchronized void evictionDeclined(ActorRef<Worker.Command> worker) {
    environments.computeIfPresent(worker, (w, e) ->
        new Entry(e.memoryMb(), e.entity(), e.idle(), e.lastUsedNanos(), false));
  }
}
