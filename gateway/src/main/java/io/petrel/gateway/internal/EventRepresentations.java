package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.VersionedConfig;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The JSON shapes of FunctionEventInvokeConfig and EventSourceMappingConfiguration, built from stored records.
 * Both carry LastModified as epoch seconds in a JSON number (with milliseconds), as Lambda does for these two.
 */
public final class EventRepresentations {
  private final FunctionNames names;

  public EventRepresentations(FunctionNames names) {
    this.names = names;
  }

  /** FunctionArn always names the qualifier, {@code :$LATEST} included, as Lambda answers it here. */
  public ObjectNode invokeConfig(EventInvokeConfig c) {
    ObjectNode n = Json.object();
    n.put("LastModified", epochSeconds(c.modified()));
    n.put("FunctionArn", names.arn(c.function().name(), c.qualifier()));
    n.put("MaximumRetryAttempts", c.maximumRetryAttempts());
    n.put("MaximumEventAgeInSeconds", c.maximumEventAgeSeconds());
    ObjectNode destinations = n.putObject("DestinationConfig");
    if (c.onSuccess() != null) {
      destinations.putObject("OnSuccess").put("Destination", c.onSuccess());
    }
    if (c.onFailure() != null) {
      destinations.putObject("OnFailure").put("Destination", c.onFailure());
    }
    return n;
  }

  /** FunctionArn names the qualifier only when the mapping targets a version or alias. */
  public ObjectNode mapping(EventSourceMapping m) {
    ObjectNode n = Json.object();
    n.put("UUID", m.uuid());
    n.put("FunctionArn", m.qualifier().equals(VersionedConfig.LATEST) ? names.arn(m.function().name())
        : names.arn(m.function().name(), m.qualifier()));
    ArrayNode topics = n.putArray("Topics");
    m.topics().forEach(topics::add);
    n.put("StartingPosition", m.startingPosition());
    n.put("BatchSize", m.batchSize());
    n.put("MaximumBatchingWindowInSeconds", m.maximumBatchingWindowSeconds());
    ArrayNode servers = n.putObject("SelfManagedEventSource").putObject("Endpoints")
        .putArray("KAFKA_BOOTSTRAP_SERVERS");
    m.bootstrapServers().forEach(servers::add);
    n.putObject("SelfManagedKafkaEventSourceConfig").put("ConsumerGroupId", m.consumerGroupId());
    n.put("MaximumRetryAttempts", m.maximumRetryAttempts());
    n.put("BisectBatchOnFunctionError", m.bisectBatchOnFunctionError());
    if (m.onFailure() != null) {
      n.putObject("DestinationConfig").putObject("OnFailure").put("Destination", m.onFailure());
    }
    ArrayNode types = n.putArray("FunctionResponseTypes");
    if (m.reportBatchItemFailures()) {
      types.add("ReportBatchItemFailures");
    }
    n.put("State", m.state());
    if (m.stateTransitionReason() != null) {
      n.put("StateTransitionReason", m.stateTransitionReason());
    }
    if (m.lastProcessingResult() != null) {
      n.put("LastProcessingResult", m.lastProcessingResult());
    }
    n.put("LastModified", epochSeconds(m.modified()));
    return n;
  }

  /** Epoch seconds with three decimals, written plainly (1700000000.123, never 1.700000000123E9). */
  public static BigDecimal epochSeconds(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }
}
