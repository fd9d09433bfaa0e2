package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.VersionedConfig;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Create and UpdateEventSourceMapping bodies turned into the mapping to store, every field checked against
 * {@link EventValidation}. Only self-managed Kafka sources exist in Petrel: an EventSourceArn (SQS, Kinesis,
 * DynamoDB, MSK, MQ, DocumentDB) or a setting only those sources have is refused rather than ignored.
 *
 * <p>States the gateway writes: a new enabled mapping is {@code Creating}, a new disabled one {@code Disabled};
 * an update that turns it on is {@code Enabling}, off {@code Disabling}; any other update keeps the state. The
 * nodes that run mappings move them on to {@code Enabled} and {@code Disabled}.
 */
public final class EventSourceMappingRequests {
  public static final String CREATING = "Creating";
  public static final String DISABLED = "Disabled";
  public static final String ENABLING = "Enabling";
  public static final String DISABLING = "Disabling";
  public static final String DELETING = "Deleting";
  static final String USER_INITIATED = "USER_INITIATED";
  static final String NO_RECORDS = "No records processed";

  /** Fields of other source types, or of features Petrel's Kafka consumers do not have. */
  private static final List<String> UNSUPPORTED = List.of("Queues", "SourceAccessConfigurations", "FilterCriteria",
      "TumblingWindowInSeconds", "ParallelizationFactor", "MaximumRecordAgeInSeconds", "StartingPositionTimestamp",
      "AmazonManagedKafkaEventSourceConfig", "DocumentDBEventSourceConfig", "ScalingConfig", "KMSKeyArn",
      "MetricsConfig", "ProvisionedPollerConfig");
  /** What identifies the records a mapping reads; changing it would be another mapping. */
  private static final List<String> FIXED = List.of("EventSourceArn", "Topics", "StartingPosition",
      "SelfManagedEventSource");
  private static final String ENDPOINTS = "KAFKA_BOOTSTRAP_SERVERS";

  private EventSourceMappingRequests() {}

  /** A new mapping of {@code account} named {@code uuid}, targeting the function the body names. */
  public static EventSourceMapping create(JsonNode body, FunctionNames names, String account, String uuid,
      Instant now) {
    if (body.hasNonNull("EventSourceArn")) {
      throw LambdaError.invalidParameter("EventSourceArn is not supported: Petrel's event-source mappings read"
          + " self-managed Kafka only; give SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS and Topics");
    }
    refuseUnsupported(body);
    FunctionNames.Parsed target = names.parse(Json.string(body, "FunctionName")
        .orElseThrow(() -> LambdaError.invalidParameter("FunctionName is required")));
    List<String> servers = bootstrapServers(body);
    List<String> topics = EventValidation.topics(Json.stringList(body, "Topics").orElseThrow(() ->
        LambdaError.invalidParameter("Topics is required: the one Kafka topic the mapping reads")));
    String position = EventValidation.startingPosition(Json.string(body, "StartingPosition").orElseThrow(() ->
        LambdaError.invalidParameter("StartingPosition is required: TRIM_HORIZON or LATEST")));
    String group = consumerGroupId(body).orElse(uuid);
    int batchSize = batchSize(body).orElse(EventValidation.DEFAULT_BATCH_SIZE);
    int window = batchingWindow(body).orElse(0);
    int retries = retries(body).orElse(EventValidation.MIN_MAPPING_RETRIES);
    boolean bisect = Json.bool(body, "BisectBatchOnFunctionError").orElse(false);
    String onFailure = EventInvokeConfigRequests.givenOr(onFailure(body), null);
    boolean reportFailures = responseTypes(body).orElse(false);
    boolean enabled = Json.bool(body, "Enabled").orElse(true);
    return new EventSourceMapping(uuid, new FunctionId(account, target.name()),
        target.qualifier().orElse(VersionedConfig.LATEST), topics, position, batchSize, window, servers, group,
        retries, bisect, onFailure, reportFailures, enabled, enabled ? CREATING : DISABLED, USER_INITIATED,
        NO_RECORDS, now);
  }

  /**
   * {@code current} with what the body changes. FunctionName may retarget the mapping (to a function of the
   * same account); the topic, starting position, brokers and consumer group cannot change.
   */
  public static EventSourceMapping update(JsonNode body, EventSourceMapping current, FunctionNames names,
      Instant now) {
    for (String field : FIXED) {
      if (body.hasNonNull(field)) {
        throw LambdaError.invalidParameter(field + " of an event-source mapping cannot be changed: delete the"
            + " mapping and create a new one");
      }
    }
    refuseUnsupported(body);
    consumerGroupId(body).filter(g -> !g.equals(current.consumerGroupId())).ifPresent(g -> {
      throw LambdaError.invalidParameter("SelfManagedKafkaEventSourceConfig.ConsumerGroupId of an event-source"
          + " mapping cannot be changed: delete the mapping and create a new one");
    });
    Optional<FunctionNames.Parsed> target = Json.string(body, "FunctionName").map(names::parse);
    FunctionId function = target.map(t -> new FunctionId(current.function().account(), t.name()))
        .orElse(current.function());
    String qualifier = target.map(t -> t.qualifier().orElse(VersionedConfig.LATEST)).orElse(current.qualifier());
    Optional<Boolean> enabled = Json.bool(body, "Enabled");
    boolean switched = enabled.isPresent() && enabled.get() != current.enabled();
    boolean nowEnabled = enabled.orElse(current.enabled());
    String state = switched ? (nowEnabled ? ENABLING : DISABLING) : current.state();
    String reason = switched ? USER_INITIATED : current.stateTransitionReason();
    return new EventSourceMapping(current.uuid(), function, qualifier, current.topics(), current.startingPosition(),
        batchSize(body).orElse(current.batchSize()),
        batchingWindow(body).orElse(current.maximumBatchingWindowSeconds()),
        current.bootstrapServers(), current.consumerGroupId(),
        retries(body).orElse(current.maximumRetryAttempts()),
        Json.bool(body, "BisectBatchOnFunctionError").orElse(current.bisectBatchOnFunctionError()),
        EventInvokeConfigRequests.givenOr(onFailure(body), current.onFailure()),
        responseTypes(body).orElse(current.reportBatchItemFailures()),
        nowEnabled, state, reason, current.lastProcessingResult(), now);
  }

  private static void refuseUnsupported(JsonNode body) {
    for (String field : UNSUPPORTED) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
        throw LambdaError.invalidParameter(field + " is not supported: Petrel's event-source mappings read"
            + " self-managed Kafka without authentication, filtering or windows");
      }
    }
  }

  private static List<String> bootstrapServers(JsonNode body) {
    String required = "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS is required: only self-managed"
        + " Kafka event sources are supported";
    JsonNode endpoints = Json.objectField(body, "SelfManagedEventSource")
        .flatMap(s -> Json.objectField(s, "Endpoints"))
        .orElseThrow(() -> LambdaError.invalidParameter(required));
    for (Iterator<String> it = endpoints.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals(ENDPOINTS)) {
        throw LambdaError.invalidParameter("SelfManagedEventSource.Endpoints." + key + " is not supported: only "
            + ENDPOINTS);
      }
    }
    return EventValidation.bootstrapServers(Json.stringList(endpoints, ENDPOINTS)
        .orElseThrow(() -> LambdaError.invalidParameter(required)));
  }

  private static Optional<String> consumerGroupId(JsonNode body) {
    return Json.objectField(body, "SelfManagedKafkaEventSourceConfig")
        .flatMap(c -> Json.string(c, "ConsumerGroupId"))
        .map(EventValidation::consumerGroupId);
  }

  private static Optional<Integer> batchSize(JsonNode body) {
    return ranged(body, "BatchSize", EventValidation.MIN_BATCH_SIZE, EventValidation.MAX_BATCH_SIZE);
  }

  private static Optional<Integer> batchingWindow(JsonNode body) {
    return ranged(body, "MaximumBatchingWindowInSeconds", 0, EventValidation.MAX_BATCHING_WINDOW);
  }

  private static Optional<Integer> retries(JsonNode body) {
    return ranged(body, "MaximumRetryAttempts", EventValidation.MIN_MAPPING_RETRIES,
        EventValidation.MAX_MAPPING_RETRIES);
  }

  private static Optional<Integer> ranged(JsonNode body, String field, int min, int max) {
    OptionalInt v = Json.integer(body, field);
    return v.isPresent() ? Optional.of(EventValidation.range(field, v.getAsInt(), min, max)) : Optional.empty();
  }

  /** Absent when not given; present and empty when given to remove the destination. */
  private static Optional<Optional<String>> onFailure(JsonNode body) {
    Optional<JsonNode> destinations = Json.objectField(body, "DestinationConfig");
    destinations.flatMap(d -> EventInvokeConfigRequests.destination(d, "OnSuccess")).flatMap(d -> d)
        .ifPresent(d -> {
          throw LambdaError.invalidParameter("DestinationConfig.OnSuccess is not supported for event-source"
              + " mappings: only OnFailure");
        });
    return destinations.map(d -> EventInvokeConfigRequests.destination(d, "OnFailure").flatMap(x -> x));
  }

  private static Optional<Boolean> responseTypes(JsonNode body) {
    return Json.stringList(body, "FunctionResponseTypes").map(EventValidation::reportBatchItemFailures);
  }
}
