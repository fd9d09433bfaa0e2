package io.petrel.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A self-managed Kafka event-source mapping: records of {@code topics} on the brokers {@code bootstrapServers},
 * read by consumer group {@code consumerGroupId}, handed to one qualifier of a function in batches.
 * {@code maximumRetryAttempts} -1 means retry until the batch succeeds; {@code onFailure} is a destination
 * ({@code kafka://<topic>} or a function ARN), null when unset. {@code state}, {@code stateTransitionReason} and
 * {@code lastProcessingResult} are what the nodes running the mapping report (see
 * {@link EventConfigStore#updateMappingState}); the rest is what the user configured.
 */
public record EventSourceMapping(String uuid, FunctionId function, String qualifier, List<String> topics,
    String startingPosition, int batchSize, int maximumBatchingWindowSeconds, List<String> bootstrapServers,
    String consumerGroupId, int maximumRetryAttempts, boolean bisectBatchOnFunctionError, String onFailure,
    boolean reportBatchItemFailures, boolean enabled, String state, String stateTransitionReason,
    String lastProcessingResult, Instant modified) {

  public EventSourceMapping {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(qualifier, "qualifier");
    topics = List.copyOf(topics);
    Objects.requireNonNull(startingPosition, "startingPosition");
    bootstrapServers = List.copyOf(bootstrapServers);
    Objects.requireNonNull(consumerGroupId, "consumerGroupId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(modified, "modified");
  }

  /** The same mapping with what a node reports about it. */
  public EventSourceMapping withState(String newState, String reason, String lastResult) {
    return new EventSourceMapping(uuid, function, qualifier, topics, startingPosition, batchSize,
        maximumBatchingWindowSeconds, bootstrapServers, consumerGroupId, maximumRetryAttempts,
        bisectBatchOnFunctionError, onFailure, reportBatchItemFailures, enabled, newState, reason, lastResult,
        modified);
  }
}
