package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** What an API operation answers, before it becomes an HTTP response: status, body and its content type. */
public record ApiReply(int status, byte[] body, String contentType) {
  private static final byte[] EMPTY = new byte[0];

  public static ApiReply json(int status, JsonNode body) {
    return new ApiReply(status, Json.bytes(body), "application/json");
  }

  public static ApiReply noContent() {
    return new ApiReply(204, EMPTY, "application/json");
  }

  public static ApiReply zip(byte[] zip) {
    return new ApiReply(200, zip, "application/zip");
  }
}
