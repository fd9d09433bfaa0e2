package io.petrel.sharding;

import io.petrel.persistence.PetrelStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * What function entities and their workers share on a node: the store, the runtimes this node has, the cache of
 * unpacked code, the folder holding Petrel's runtime bootstraps, the folder of environments' output files, an executor for blocking I/O (process pipes,
 * file unpacking), the settings, the node's meters, and how many environments may start at once.
 */
public record ExecutionServices(
    PetrelStore store,
    RuntimeCatalog runtimes,
    CodeCache code,
    Path runtimeFiles,
    Path environmentLogs,
    ExecutorService io,
    MemoryBudget memory,
    ConcurrencyLedger concurrency,
    Optional<Sandbox> sandbox,
    ResourceLimits limits,
    EngineSettings settings,
    PetrelMetrics metrics,
    StartGate starts) {

  /** Services whose meters go nowhere. */
  public ExecutionServices(PetrelStore store, RuntimeCatalog runtimes, CodeCache code, Path runtimeFiles,
      Path environmentLogs, ExecutorService io, MemoryBudget memory, ConcurrencyLedger concurrency,
      Optional<Sandbox> sandbox, ResourceLimits limits, EngineSettings settings) {
    this(store, runtimes, code, runtimeFiles, environmentLogs, io, memory, concurrency, sandbox, limits, settings,
        PetrelMetrics.none());
  }

  /** Services starting as many environments at once as suits this machine ({@link StartGate#forThisMachine}). */
  public ExecutionServices(PetrelStore store, RuntimeCatalog runtimes, CodeCache code, Path runtimeFiles,
      Path environmentLogs, ExecutorService io, MemoryBudget memory, ConcurrencyLedger concurrency,
      Optional<Sandbox> sandbox, ResourceLimits limits, EngineSettings settings, PetrelMetrics metrics) {
    this(store, runtimes, code, runtimeFiles, environmentLogs, io, memory, concurrency, sandbox, limits, settings,
        metrics, StartGate.forThisMachine());
  }
}
