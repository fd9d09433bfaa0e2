package io.petrel.connectors;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A durable queue of asynchronous invocations on one node: {@link #submit} completes once an event is stored so
 * that it survives the node; {@link #start} begins running queued events with {@code runner}, and an event leaves
 * the queue only once the stage {@code runner} returned for it completes.
 */
interface EventQueue extends AutoCloseable {

  CompletionStage<Void> submit(AsyncEvent event);

  void start(Function<AsyncEvent, CompletionStage<Void>> runner);

  /** How many events wait or run, as far as this node can tell. */
  long depth();

  @Override
  void close();
}
