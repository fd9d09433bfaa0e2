package io.petrel.persistence;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A durable queue of asynchronous invocations for a single node (the embedded store of {@code petrel dev}; a
 * cluster queues them in Kafka). Bodies are opaque bytes. An event stays queued until it is removed, so a node
 * that stops while events are queued or running finds them again when it starts.
 */
public interface QueuedEvents {

  /** One queued event; {@code seq} orders the queue (later events have larger numbers). */
  record QueuedEvent(long seq, byte[] body, Instant enqueued) {}

  /** Completes once the event is durably stored, with its sequence number. */
  CompletionStage<Long> enqueue(byte[] body, Instant enqueued);

  /** Up to {@code limit} events with sequence numbers above {@code afterSeq}, oldest first. */
  CompletionStage<List<QueuedEvent>> queuedAfter(long afterSeq, int limit);

  /** Removes an event once it ran or went to its failure destination; removing a removed event does nothing. */
  CompletionStage<Void> remove(long seq);

  /** How many events are queued. */
  CompletionStage<Long> queuedCount();
}
