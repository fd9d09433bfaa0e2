package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the payload format 2.0 event that a function URL hands its function, the way Lambda builds it.
 *
 * <p>Headers are keyed by lowercase name, repeated ones joined with ","; the Cookie header is not among them but
 * split into {@code cookies}. The query is kept raw in {@code rawQueryString} and decoded (form-style, so '+' is a
 * space) into {@code queryStringParameters}, repeated keys joined with ",". A text body (text/*, JSON, XML,
 * JavaScript, form data, or no content type and valid UTF-8) is passed as a string; any other body, or one that is
 * not valid UTF-8, as base64 with {@code isBase64Encoded} true. For example {@code GET /p?a=1&a=2} with
 * {@code Cookie: s=1; t=2} gives {@code "cookies":["s=1","t=2"]}, {@code "queryStringParameters":{"a":"1,2"}}
 * and no body.
 */
public final class UrlEvents {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss +0000", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  private static final String DEFAULT = "$default";

  private UrlEvents() {}

  /** The event as JSON bytes. */
  public static byte[] event(UrlRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> cookies = new ArrayList<>();
    for (Map.Entry<String, String> h : request.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = h.getValue() == null ? "" : h.getValue();
      if (name.equals("cookie")) {
        cookies.addAll(cookies(value));
      } else {
        headers.merge(name, value, (a, b) -> a + "," + b);
      }
    }

    ObjectNode event = Json.object();
    event.put("version", "2.0");
    event.put("routeKey", DEFAULT);
    event.put("rawPath", request.rawPath());
    event.put("rawQueryString", request.rawQueryString());
    if (!cookies.isEmpty()) {
      ArrayNode array = event.putArray("cookies");
      cookies.forEach(array::add);
    }
    ObjectNode headerNode = event.putObject("headers");
    headers.forEach(headerNode::put);
    Map<String, String> query = queryParameters(request.rawQueryString());
    if (!query.isEmpty()) {
      ObjectNode queryNode = event.putObject("queryStringParameters");
      query.forEach(queryNode::put);
    }
    event.set("requestContext", requestContext(request));
    byte[] body = request.body();
    if (body.length == 0) {
      event.put("isBase64Encoded", false);
    } else {
      String text = isText(headers.get("content-type")) ? utf8(body) : null;
      if (text != null) {
        event.put("body", text);
        event.put("isBase64Encoded", false);
      } else {
        event.put("body", Base64.getEncoder().encodeToString(body));
        event.put("isBase64Encoded", true);
      }
    }
    return Json.bytes(event);
  }

  private static ObjectNode requestContext(UrlRequest request) {
    ObjectNode context = Json.object();
    context.put("accountId", request.accountId());
    context.put("apiId", request.urlId());
    context.put("domainName", request.domainName());
    context.put("domainPrefix", request.urlId());
    ObjectNode http = context.putObject("http");
    http.put("method", request.method());
    http.put("path", request.rawPath());
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", request.sourceIp());
    http.put("userAgent", request.userAgent());
    context.put("requestId", request.requestId());
    context.put("routeKey", DEFAULT);
    context.put("stage", DEFAULT);
    context.put("time", TIME.format(Instant.ofEpochMilli(request.timeEpochMillis())));
    context.put("timeEpoch", request.timeEpochMillis());
    return context;
  }

  /** The cookies of one Cookie header, "a=1; b=2" giving "a=1" and "b=2". */
  static List<String> cookies(String header) {
    List<String> out = new ArrayList<>();
    for (String part : header.split(";")) {
      String cookie = part.trim();
      if (!cookie.isEmpty()) {
        out.add(cookie);
      }
    }
    return out;
  }

  /** Decoded parameters in first-seen order, repeated keys joined with ","; empty when there are none. */
  static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.merge(key, value, (a, b) -> a + "," + b);
    }
    return params;
  }

  /** Form decoding; a malformed escape such as "%zz" is left as it came. */
  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Whether a body of this content type (null: none given) is passed as text when it is valid UTF-8. */
  static boolean isText(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
    return media.startsWith("text/") || media.contains("json") || media.contains("xml")
        || media.contains("javascript") || media.contains("x-www-form-urlencoded");
  }

  /** The body as a string, or null when it is not valid UTF-8. */
  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
