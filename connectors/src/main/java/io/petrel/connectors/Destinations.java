package io.petrel.connectors;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends invocation records to destinations: a function gets the record as the event of an asynchronous
 * invocation (through the node's queue); a {@code kafka://} topic gets it as a record on the node's Kafka, when
 * the node has one.
 */
final class Destinations {
  private final Producer<byte[], byte[]> kafka;
  private final Function<AsyncEvent, CompletionStage<Void>> submit;

  /** {@code kafka} may be null (no Kafka configured): Kafka destinations then fail with a clear message. */
  Destinations(Producer<byte[], byte[]> kafka, Function<AsyncEvent, CompletionStage<Void>> submit) {
    this.kafka = kafka;
    this.submit = submit;
  }

  /** Queues an asynchronous invocation on this node's queue; completes once it is durably queued. */
  CompletionStage<Void> submit(AsyncEvent event) {
    return submit.apply(event);
  }

  /**
   * Completes once the destination holds the record durably. A function destination must belong to
   * {@code ownerAccount}, the account of the function or mapping whose record it is: one account never invokes
   * another's functions.
   */
  CompletionStage<Void> send(String destination, byte[] record, String key, String ownerAccount) {
    Destination parsed;
    try {
      parsed = Destination.parse(destination);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (parsed instanceof Destination.KafkaTopic topic) {
      if (kafka == null) {
        return CompletableFuture.failedFuture(new IllegalStateException("destination " + destination
            + " needs Kafka, and this node has none (petrel.kafka.bootstrap-servers)"));
      }
      return produce(kafka, topic.topic(), key, record);
    }
    Destination.Function function = (Destination.Function) parsed;
    if (!function.function().account().equals(ownerAccount)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("destination " + destination
          + " is a function of account " + function.function().account() + ", not of " + ownerAccount));
    }
    return submit.apply(new AsyncEvent(UUID.randomUUID().toString(), function.function().account(),
        function.function().name(), function.qualifier(), record, null, Instant.now().toEpochMilli()));
  }

  /** Completes once the broker acknowledged the record. */
  static CompletionStage<Void> produce(Producer<byte[], byte[]> producer, String topic, String key, byte[] value) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          value), (metadata, error) -> {
            if (error == null) {
              sent.complete(null);
            } else {
              sent.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }
}
