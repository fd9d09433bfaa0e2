package io.petrel.persistence;

import java.util.concurrent.CompletionStage;

/** Everything a node persists. One contract, one engine per deployment mode (SQLite, Cassandra). */
public interface PetrelStore extends FunctionStore, CodeStore, InvocationStore, FunctionUrlStore, EventConfigStore,
    ScheduleStore, AutoCloseable {

  /**
   * Completes once the engine has answered a trivial read, as readiness checks ask. Fails when the store cannot
   * be reached (with {@link StoreException.Unavailable} where the engine reports outages so) or is closed.
   */
  CompletionStage<Void> ping();

  /**
   * Flushes buffered writes and releases the engine's connections and threads. Closing a closed store does
   * nothing.
   */
  @Override
  void close();
}
