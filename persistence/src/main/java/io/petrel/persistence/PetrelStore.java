package io.petrel.persistence;

/** Everything a node persists. One contract, one engine per deployment mode (SQLite, Cassandra). */
public interface PetrelStore extends FunctionStore, CodeStore, InvocationStore, AutoCloseable {

  /** Flushes buffered writes and releases the engine's connections and threads. */
  @Override
  void close();
}
