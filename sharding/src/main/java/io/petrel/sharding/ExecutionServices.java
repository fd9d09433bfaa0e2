package io.petrel.sharding;

import io.petrel.persistence.PetrelStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * What function entities and their workers share on a node: the store, the runtimes this node has, the cache of
 * unpacked code, the folder holding Petrel's runtime bootstraps, the folder of environments' output files, an executor for blocking I/O (process pipes,
 * file unpacking), the settings, and the node's meters.
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
    PetrelMetrics metrics) {

  /** Services whose meters go nowhere. */
  public ExecutionServices(PetrelStore store, RuntimeCatalog runtimes, CodeCache code, Path runtimeFiles,
      Path environmentLogs, ExecutorService io, MemoryBudget memory, ConcurrencyLedger concurrency,
      Optional<Sandbox> sandbox, ResourceLimits limits, EngineSettings settings) {
    this(store, runtimes, code, runtimeFiles, environmentLogs, io, memory, concurrency, sandbox, limits, settings,
        PetrelMetrics.none());
  }
}
