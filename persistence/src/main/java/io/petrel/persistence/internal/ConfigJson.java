package io.petrel.persistence.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionId;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON form in which engines keep configurations, tag maps and what a user configured of an event-source
 * mapping in a single column. Configurations keep their environment variables encrypted (see
 * {@link EnvironmentKey}).
 */
public final class ConfigJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  /** The field that holds a configuration's encrypted environment variables. */
  public static final String SEALED_ENVIRONMENT = "sealedEnvironment";

  private ConfigJson() {}

  /**
   * The configuration of {@code version} of {@code function}, its environment variables (when it has any)
   * encrypted with {@code key} into the field {@value #SEALED_ENVIRONMENT} instead of {@code environment}.
   */
  public static String write(FunctionConfig config, EnvironmentKey key, FunctionId function, String version) {
    if (config.environment().isEmpty()) {
      return writeValue(config);
    }
    ObjectNode node = MAPPER.valueToTree(config);
    node.remove("environment");
    node.put(SEALED_ENVIRONMENT, key.seal(function, version, config.environment()));
    return writeValue(node);
  }

  /**
   * A configuration as {@link #write(FunctionConfig, EnvironmentKey, FunctionId, String)} wrote it, or as
   * written before environments were encrypted (a plain {@code environment}, read as it is).
   *
   * @throws io.petrel.persistence.EnvironmentKeyException when the environment does not decrypt with {@code key}
   */
  public static FunctionConfig readConfig(String json, EnvironmentKey key, FunctionId function, String version) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree instanceof ObjectNode node && node.hasNonNull(SEALED_ENVIRONMENT)) {
        Map<String, String> environment = key.open(function, version, node.remove(SEALED_ENVIRONMENT).asText());
        node.set("environment", MAPPER.valueToTree(environment));
      }
      return MAPPER.treeToValue(tree, FunctionConfig.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("stored function configuration is not readable", e);
    }
  }

  public static String write(Map<String, String> map) {
    return writeValue(map);
  }

  public static Map<String, String> readMap(String json) {
    try {
      return MAPPER.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("stored map is not readable", e);
    }
  }

  /**
   * What the user configured of a mapping, without what engines keep in columns of their own: its UUID, its
   * function, and what the nodes running it report (state, reason, last processing result).
   */
  public static String writeMappingConfig(EventSourceMapping m) {
    return writeValue(new MappingConfig(m.qualifier(), m.topics(), m.startingPosition(), m.batchSize(),
        m.maximumBatchingWindowSeconds(), m.bootstrapServers(), m.consumerGroupId(), m.maximumRetryAttempts(),
        m.bisectBatchOnFunctionError(), m.onFailure(), m.reportBatchItemFailures(), m.enabled(), m.modified()));
  }

  /** The mapping from its columns and its {@link #writeMappingConfig configuration}. */
  public static EventSourceMapping readMapping(String uuid, FunctionId function, String configJson, String state,
      String stateTransitionReason, String lastProcessingResult) {
    MappingConfig c;
    try {
      c = MAPPER.readValue(configJson, MappingConfig.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("stored event source mapping " + uuid + " is not readable", e);
    }
    return new EventSourceMapping(uuid, function, c.qualifier(), c.topics(), c.startingPosition(), c.batchSize(),
        c.maximumBatchingWindowSeconds(), c.bootstrapServers(), c.consumerGroupId(), c.maximumRetryAttempts(),
        c.bisectBatchOnFunctionError(), c.onFailure(), c.reportBatchItemFailures(), c.enabled(), state,
        stateTransitionReason, lastProcessingResult, c.modified());
  }

  private record MappingConfig(String qualifier, List<String> topics, String startingPosition, int batchSize,
      int maximumBatchingWindowSeconds, List<String> bootstrapServers, String consumerGroupId,
      int maximumRetryAttempts, boolean bisectBatchOnFunctionError, String onFailure,
      boolean reportBatchItemFailures, boolean enabled, Instant modified) {}

  private static String writeValue(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
