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
   * Decrypts the environment variables of up to {@code sample} stored configurations that have them, as a node
   * does at start to find out early that it was given the wrong key. Completes when all of them decrypt (or there
   * are none); fails with {@link EnvironmentKeyException}, which names the keys, when one does not.
   */
  CompletionStage<Void> checkEnvironmentKey(int sample);

  /**
   * Flushes buffered writes and releases the engine's connections and threads. Closing a closed store does
   * nothing.
   */
  @Override
  void close();
}
