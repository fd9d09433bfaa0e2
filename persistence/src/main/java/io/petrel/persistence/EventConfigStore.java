package io.petrel.persistence;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Asynchronous-invocation settings per function qualifier, and Kafka event-source mappings.
 *
 * <p>A qualifier's settings go with what they belong to: deleting a function deletes all of its settings, and
 * deleting a version or an alias deletes that qualifier's. Mappings outlive their function: a node running one
 * whose function is gone reports it as failing.
 */
public interface EventConfigStore {

  /**
   * Creates or replaces the configuration of {@code config}'s qualifier. {@link StoreException.NotFound} when the
   * function (or, for a version or alias qualifier, that version or alias) does not exist.
   */
  CompletionStage<EventInvokeConfig> putEventInvokeConfig(EventInvokeConfig config);

  CompletionStage<Optional<EventInvokeConfig>> getEventInvokeConfig(FunctionId function, String qualifier);

  /** {@link StoreException.NotFound} when the qualifier has no configuration. */
  CompletionStage<Void> deleteEventInvokeConfig(FunctionId function, String qualifier);

  /**
   * A function's configurations ordered by qualifier, {@code limit} at most, after {@code marker}.
   * {@link StoreException.NotFound} when the function does not exist.
   */
  CompletionStage<Page<EventInvokeConfig>> listEventInvokeConfigs(FunctionId function, String marker, int limit);

  /**
   * Stores a new mapping. {@link StoreException.NotFound} when its function does not exist,
   * {@link StoreException.AlreadyExists} when its UUID is taken.
   */
  CompletionStage<EventSourceMapping> createMapping(EventSourceMapping mapping);

  CompletionStage<Optional<EventSourceMapping>> getMapping(String uuid);

  /**
   * Replaces what the user configured of the mapping with {@code mapping}'s UUID (function, qualifier, batching,
   * retries, destination, enabled, modified; also its state and reason as given) and answers what is stored now.
   * Its Kafka source (topics, brokers, starting position, consumer group) and its last processing result stay as
   * they are. {@link StoreException.NotFound} when there is no such mapping, or when it is moved to another
   * function that does not exist.
   */
  CompletionStage<EventSourceMapping> updateMapping(EventSourceMapping mapping);

  /**
   * Records what a node running the mapping reports, without touching its configuration; nothing when the mapping
   * is gone.
   */
  CompletionStage<Void> updateMappingState(String uuid, String state, String stateTransitionReason,
      String lastProcessingResult);

  /** {@link StoreException.NotFound} when there is no such mapping. */
  CompletionStage<Void> deleteMapping(String uuid);

  /**
   * An account's mappings ordered by UUID, only those of {@code function} when it is not null, {@code limit} at
   * most, after {@code marker}.
   */
  CompletionStage<Page<EventSourceMapping>> listMappings(String account, FunctionId function, String marker,
      int limit);

  /** Every mapping of every account: what each node reads to decide which consumers to run. */
  CompletionStage<List<EventSourceMapping>> allMappings();
}
