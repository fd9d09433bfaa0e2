package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** What an API operation answers, before it becomes an HTTP response: status, body, content type, headers. */
public record ApiReply(int status, byte[] body, String contentType, Map<String, String> headers) {
  private static final byte[] EMPTY = new byte[0];

  public static ApiReply json(int status, JsonNode body) {
    return new ApiReply(status, Json.bytes(body), "application/json", Map.of());
  }

  public static ApiReply noContent() {
    return new ApiReply(204, EMPTY, "application/json", Map.of());
  }

  public static ApiReply zip(byte[] zip) {
    return new ApiReply(200, zip, "application/zip", Map.of());
  }

  public ApiReply withHeader(String name, String value) {
    var all = new java.util.LinkedHashMap<>(headers);
    all.put(name, value);
    return new ApiReply(status, body, contentType, Map.copyOf(all));
  }
}
