package io.petrel.gateway.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reading request bodies field by field, so that every type error names the field, and writing responses.
 * Bodies must be a JSON object; anything else is InvalidRequestContentException as Lambda answers it.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    // A 50 MB zip arrives as one ~70 MB base64 string.
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxStringLength(80_000_000).maxNestingDepth(64).build());
  }

  /** Request bodies are one JSON value: anything after it makes the body unreadable, not ignored. */
  private static final ObjectReader BODY_READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a request body; an empty body is an empty object. */
  public static ObjectNode parseObject(byte[] body) {
    if (body.length == 0) {
      return object();
    }
    JsonNode node;
    try {
      node = BODY_READER.readTree(body);
    } catch (IOException e) {
      throw LambdaError.invalidRequestContent("Could not parse request body into json: " + firstLine(e));
    }
    if (node == null || node.isMissingNode()) {
      return object();
    }
    if (!node.isObject()) {
      throw LambdaError.invalidRequestContent("Could not parse request body into json: the body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Optional<String> string(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw typeError(field, "a string");
    }
    return Optional.of(v.asText());
  }

  public static OptionalInt integer(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return OptionalInt.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw typeError(field, "an integer");
    }
    return OptionalInt.of(v.intValue());
  }

  public static Optional<Boolean> bool(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw typeError(field, "a boolean");
    }
    return Optional.of(v.booleanValue());
  }

  public static Optional<JsonNode> objectField(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw typeError(field, "an object");
    }
    return Optional.of(v);
  }

  /** A JSON object of string values, such as Environment.Variables or Tags. */
  public static Optional<Map<String, String>> stringMap(JsonNode body, String field) {
    return objectField(body, field).map(obj -> {
      Map<String, String> map = new LinkedHashMap<>();
      obj.fields().forEachRemaining(e -> {
        if (!e.getValue().isTextual()) {
          throw typeError(field + "." + e.getKey(), "a string");
        }
        map.put(e.getKey(), e.getValue().asText());
      });
      return map;
    });
  }

  /** A JSON array of strings, such as Architectures. */
  public static Optional<java.util.List<String>> stringList(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isArray()) {
      throw typeError(field, "an array of strings");
    }
    java.util.List<String> list = new java.util.ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw typeError(field, "an array of strings");
      }
      list.add(item.asText());
    }
    return Optional.of(list);
  }

  private static LambdaError typeError(String field, String expected) {
    return LambdaError.invalidRequestContent("Could not parse request body into json: field " + field
        + " must be " + expected);
  }

  private static String firstLine(IOException e) {
    String message = e instanceof JsonProcessingException jpe && jpe.getOriginalMessage() != null
        ? jpe.getOriginalMessage() : String.valueOf(e.getMessage());
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
