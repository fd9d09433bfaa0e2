package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns what the gateway answered into one line for stderr. A Lambda error reply carries its name in the
 * {@code x-amzn-ErrorType} header (the part before any ':') and a JSON body with {@code Message} (or
 * {@code message}), plus a {@code Reason} for throttles; a function error is the function's own
 * {@code {"errorType","errorMessage"}} payload. For example a 404 with header {@code ResourceNotFoundException}
 * and body {@code {"Type":"User","Message":"Function not found: f"}} becomes
 * {@code ResourceNotFoundException: Function not found: f}.
 */
public final class ErrorReply {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TEXT = 300;

  private ErrorReply() {}

  /** The Lambda error name of a reply: the header, else {@code __type} or {@code code} in the body. */
  public static Optional<String> type(Optional<String> errorTypeHeader, byte[] body) {
    Optional<String> fromHeader = errorTypeHeader.map(h -> h.split(":", 2)[0].strip()).filter(h -> !h.isEmpty());
    if (fromHeader.isPresent()) {
      return fromHeader;
    }
    JsonNode json = parse(body);
    return text(json, "__type").or(() -> text(json, "code")).map(t -> t.substring(t.lastIndexOf('#') + 1));
  }

  /** One line describing an error reply with this HTTP status. */
  public static String describe(int status, Optional<String> errorTypeHeader, byte[] body) {
    Optional<String> type = type(errorTypeHeader, body);
    JsonNode json = parse(body);
    Optional<String> message = text(json, "Message").or(() -> text(json, "message"))
        .or(() -> text(json, "errorMessage"));
    if (message.isEmpty() && json == null) {
      message = Optional.of(new String(body, StandardCharsets.UTF_8)).map(String::strip).filter(s -> !s.isEmpty());
    }
    String name = type.orElse("HTTP " + status);
    String reason = text(json, "Reason").map(r -> " (" + r + ")").orElse("");
    return oneLine(name + reason + message.map(m -> ": " + m).orElse(""));
  }

  /**
   * One line for a function error: the {@code X-Amz-Function-Error} header value and the error type and message
   * from the payload, e.g. {@code Unhandled ValueError: asked to fail}.
   */
  public static String functionError(String header, byte[] payload) {
    JsonNode json = parse(payload);
    Optional<String> type = text(json, "errorType");
    Optional<String> message = text(json, "errorMessage");
    if (type.isEmpty() && message.isEmpty()) {
      String raw = new String(payload, StandardCharsets.UTF_8).strip();
      return oneLine(header + (raw.isEmpty() ? "" : " " + raw));
    }
    return oneLine(header + " " + type.orElse("Error") + message.map(m -> ": " + m).orElse(""));
  }

  /** Whitespace runs (newlines included) become one space; overlong text is cut with an ellipsis. */
  public static String oneLine(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= MAX_TEXT ? line : line.substring(0, MAX_TEXT - 1) + "…";
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Optional<String> text(JsonNode json, String field) {
    if (json == null || json.get(field) == null || !json.get(field).isValueNode()) {
      return Optional.empty();
    }
    return Optional.of(json.get(field).asText()).filter(s -> !s.isBlank());
  }
}
