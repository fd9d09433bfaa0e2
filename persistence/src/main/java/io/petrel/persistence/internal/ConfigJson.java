package io.petrel.persistence.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.petrel.persistence.FunctionConfig;
import java.io.UncheckedIOException;
import java.util.Map;

/** The JSON form in which engines keep configurations and tag maps in a single column. */
public final class ConfigJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private ConfigJson() {}

  public static String write(FunctionConfig config) {
    return writeValue(config);
  }

  public static FunctionConfig readConfig(String json) {
    try {
      return MAPPER.readValue(json, FunctionConfig.class);
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

  private static String writeValue(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
