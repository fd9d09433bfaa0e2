package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads a function's result as the HTTP response of its function URL, by Lambda's rules.
 *
 * <p>A JSON object with a {@code statusCode} is a response: {@code statusCode} (an integer 100-599), {@code headers}
 * (an object of string, number or boolean values), {@code cookies} (an array of strings, one Set-Cookie each),
 * {@code body} (a string, base64-decoded when {@code isBase64Encoded} is true); content-type application/json
 * unless a header sets it. Anything else, JSON or not, is answered 200 as application/json with the result bytes
 * unchanged as body: {@code {"a":1}} is the body {@code {"a":1}}, while
 * {@code {"statusCode":201,"body":"hi"}} is a 201 with the body {@code hi}. A response object that breaks one of
 * the rules is an {@link InvalidReply}, which the caller answers as 502.
 */
public final class UrlReplies {
  private static final ObjectReader READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final String JSON = "application/json";

  private UrlReplies() {}

  /** A result object that claims to be a response ({@code statusCode}) but is not a valid one. */
  public static final class InvalidReply extends Exception {
    public InvalidReply(String message) {
      super(message);
    }
  }

  public static UrlReply reply(byte[] functionResult) throws InvalidReply {
    JsonNode result = parse(functionResult);
    if (result == null || !result.isObject() || !result.has("statusCode")) {
      return new UrlReply(200, List.of(Map.entry("content-type", JSON)), List.of(), functionResult);
    }
    int status = status(result.get("statusCode"));
    List<Map.Entry<String, String>> headers = headers(result.get("headers"));
    if (headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("content-type"))) {
      headers.add(Map.entry("content-type", JSON));
    }
    return new UrlReply(status, headers, cookies(result.get("cookies")),
        body(result.get("body"), base64(result.get("isBase64Encoded"))));
  }

  /** The result as JSON, or null when it is not (exactly one) JSON value. */
  private static JsonNode parse(byte[] result) {
    try {
      JsonNode node = READER.readTree(result);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  private static int status(JsonNode v) throws InvalidReply {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 100 || v.intValue() > 599) {
      throw new InvalidReply("statusCode must be an integer between 100 and 599, got " + v);
    }
    return v.intValue();
  }

  private static List<Map.Entry<String, String>> headers(JsonNode v) throws InvalidReply {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (absent(v)) {
      return headers;
    }
    if (!v.isObject()) {
      throw new InvalidReply("headers must be an object, got " + v.getNodeType());
    }
    for (Map.Entry<String, JsonNode> field : v.properties()) {
      JsonNode value = field.getValue();
      if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
        throw new InvalidReply("headers." + field.getKey() + " must be a string, number or boolean, got "
            + value.getNodeType());
      }
      headers.add(Map.entry(field.getKey(), value.asText()));
    }
    return headers;
  }

  private static List<String> cookies(JsonNode v) throws InvalidReply {
    if (absent(v)) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new InvalidReply("cookies must be an array of strings, got " + v.getNodeType());
    }
    List<String> cookies = new ArrayList<>();
    for (JsonNode cookie : v) {
      if (!cookie.isTextual()) {
        throw new InvalidReply("cookies must be an array of strings, got an item " + cookie.getNodeType());
      }
      cookies.add(cookie.textValue());
    }
    return cookies;
  }

  private static boolean base64(JsonNode v) throws InvalidReply {
    if (absent(v)) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new InvalidReply("isBase64Encoded must be a boolean, got " + v.getNodeType());
    }
    return v.booleanValue();
  }

  private static byte[] body(JsonNode v, boolean base64) throws InvalidReply {
    if (absent(v)) {
      return new byte[0];
    }
    if (!v.isTextual()) {
      throw new InvalidReply("body must be a string, got " + v.getNodeType());
    }
    if (!base64) {
      return v.textValue().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(v.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidReply("body is not valid base64 although isBase64Encoded is true: " + e.getMessage());
    }
  }

  private static boolean absent(JsonNode v) {
    return v == null || v.isNull();
  }
}
