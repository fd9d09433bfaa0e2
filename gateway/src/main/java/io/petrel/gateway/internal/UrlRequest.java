package io.petrel.gateway.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to a function URL, as received and before any mapping: the raw path and query keep their
 * percent-encoding, headers keep their arrival order and any name case, and the body is the bytes as sent.
 * {@link UrlEvents} turns it into the payload format 2.0 event.
 *
 * @param rawQueryString the query without '?', "" when there is none
 * @param userAgent the User-Agent value, or null
 * @param body the body, possibly empty (null is read as empty)
 */
public record UrlRequest(String method, String rawPath, String rawQueryString,
    List<Map.Entry<String, String>> headers, String sourceIp, String userAgent, byte[] body, String requestId,
    long timeEpochMillis, String domainName, String urlId, String accountId) {

  public UrlRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    rawQueryString = rawQueryString == null ? "" : rawQueryString;
    headers = headers == null ? List.of() : List.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }
}
