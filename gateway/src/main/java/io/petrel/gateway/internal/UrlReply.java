package io.petrel.gateway.internal;

import java.util.List;
import java.util.Map;

/**
 * The HTTP response a function URL answers with, read from the function's result by {@link UrlReplies}: headers in
 * the order the function gave them (always including a content-type), and each cookie as one Set-Cookie value.
 */
public record UrlReply(int status, List<Map.Entry<String, String>> headers, List<String> cookies, byte[] body) {

  public UrlReply {
    headers = List.copyOf(headers);
    cookies = List.copyOf(cookies);
  }
}
