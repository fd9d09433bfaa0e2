package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlEventsTest {
  private static final long TIME = 1583348638390L; // 2020-03-04T19:03:58.390Z

  private static UrlRequest request(String method, String rawPath, String query,
      List<Map.Entry<String, String>> headers, byte[] body) {
    return new UrlRequest(method, rawPath, query, headers, "1.2.3.4", "curl/8.0", body, "req-1", TIME,
        "abc.lambda-url.us-east-1.localhost", "abc", "123456789012");
  }

  private static JsonNode event(UrlRequest request) throws IOException {
    return Json.MAPPER.readTree(UrlEvents.event(request));
  }

  private static JsonNode get(String rawPath, String query, List<Map.Entry<String, String>> headers)
      throws IOException {
    return event(request("GET", rawPath, query, headers, new byte[0]));
  }

  private static JsonNode post(String contentType, byte[] body) throws IOException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (contentType != null) {
      headers.add(Map.entry("Content-Type", contentType));
    }
    return event(request("POST", "/", "", headers, body));
  }

  @Test
  void a_request_becomes_the_payload_format_2_event_with_its_request_context() throws IOException {
    JsonNode e = get("/my%20path/x", "a=1", List.of(Map.entry("Host", "abc.example")));

    assertThat(e.get("version").asText()).isEqualTo("2.0");
    assertThat(e.get("routeKey").asText()).isEqualTo("$default");
    assertThat(e.get("rawPath").asText()).isEqualTo("/my%20path/x");
    assertThat(e.get("rawQueryString").asText()).isEqualTo("a=1");
    JsonNode ctx = e.get("requestContext");
    assertThat(ctx.get("accountId").asText()).isEqualTo("123456789012");
    assertThat(ctx.get("apiId").asText()).isEqualTo("abc");
    assertThat(ctx.get("domainName").asText()).isEqualTo("abc.lambda-url.us-east-1.localhost");
    assertThat(ctx.get("domainPrefix").asText()).isEqualTo("abc");
    assertThat(ctx.get("requestId").asText()).isEqualTo("req-1");
    assertThat(ctx.get("routeKey").asText()).isEqualTo("$default");
    assertThat(ctx.get("stage").asText()).isEqualTo("$default");
    assertThat(ctx.get("time").asText()).isEqualTo("04/Mar/2020:19:03:58 +0000");
    assertThat(ctx.get("timeEpoch").asLong()).isEqualTo(TIME);
    JsonNode http = ctx.get("http");
    assertThat(http.get("method").asText()).isEqualTo("GET");
    assertThat(http.get("path").asText()).isEqualTo("/my%20path/x");
    assertThat(http.get("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(http.get("sourceIp").asText()).isEqualTo("1.2.3.4");
    assertThat(http.get("userAgent").asText()).isEqualTo("curl/8.0");
  }

  @Test
  void the_time_uses_english_month_names_in_utc() throws IOException {
    UrlRequest r = new UrlRequest("GET", "/", "", List.of(), "1.2.3.4", null, new byte[0], "r",
        1733011200000L /* 2024-12-01T00:00:00Z */, "d", "u", "a");
    JsonNode ctx = event(r).get("requestContext");
    assertThat(ctx.get("time").asText()).isEqualTo("01/Dec/2024:00:00:00 +0000");
    assertThat(ctx.get("http").get("userAgent").isNull()).isTrue();
  }

  @Test
  void header_names_are_lowercased_and_repeated_headers_joined_with_commas() throws IOException {
    JsonNode e = get("/", "", List.of(Map.entry("X-Trace", "a"), Map.entry("Accept", "text/html"),
        Map.entry("x-trace", "b")));

    assertThat(e.get("headers").get("x-trace").asText()).isEqualTo("a,b");
    assertThat(e.get("headers").get("accept").asText()).isEqualTo("text/html");
    assertThat(e.get("headers").has("X-Trace")).isFalse();
  }

  @Test
  void cookies_are_split_into_their_own_list_and_left_out_of_the_headers() throws IOException {
    JsonNode e = get("/", "", List.of(Map.entry("Cookie", "s=1; t=2"), Map.entry("cookie", "u=3"),
        Map.entry("accept", "*/*")));

    assertThat(e.get("cookies")).extracting(JsonNode::asText).containsExactly("s=1", "t=2", "u=3");
    assertThat(e.get("headers").has("cookie")).isFalse();
    assertThat(e.get("headers").get("accept").asText()).isEqualTo("*/*");
  }

  @Test
  void without_a_cookie_header_there_is_no_cookies_field() throws IOException {
    assertThat(get("/", "", List.of()).has("cookies")).isFalse();
  }

  @Test
  void query_parameters_are_decoded_and_repeated_keys_joined_with_commas() throws IOException {
    JsonNode e = get("/", "a=1&b=x%20y+z&a=2&flag&c=%E2%82%AC", List.of());

    JsonNode q = e.get("queryStringParameters");
    assertThat(q.get("a").asText()).isEqualTo("1,2");
    assertThat(q.get("b").asText()).isEqualTo("x y z");
    assertThat(q.get("flag").asText()).isEmpty();
    assertThat(q.get("c").asText()).isEqualTo("€");
    assertThat(e.get("rawQueryString").asText()).isEqualTo("a=1&b=x%20y+z&a=2&flag&c=%E2%82%AC");
  }

  @Test
  void a_malformed_escape_in_the_query_is_passed_as_it_came() throws IOException {
    assertThat(get("/", "a=%zz", List.of()).get("queryStringParameters").get("a").asText()).isEqualTo("%zz");
  }

  @Test
  void without_a_query_there_are_no_query_string_parameters() throws IOException {
    JsonNode e = get("/", "", List.of());
    assertThat(e.has("queryStringParameters")).isFalse();
    assertThat(e.get("rawQueryString").asText()).isEmpty();
  }

  @Test
  void an_empty_body_gives_no_body_field_and_is_not_base64() throws IOException {
    JsonNode e = get("/", "", List.of());
    assertThat(e.has("body")).isFalse();
    assertThat(e.get("isBase64Encoded").asBoolean()).isFalse();
  }

  @Test
  void text_bodies_are_passed_as_strings() throws IOException {
    for (String type : List.of("text/plain; charset=utf-8", "application/json", "application/vnd.api+json",
        "application/xml", "application/javascript", "application/x-www-form-urlencoded", "TEXT/HTML")) {
      JsonNode e = post(type, "héllo=1".getBytes(StandardCharsets.UTF_8));
      assertThat(e.get("body").asText()).as(type).isEqualTo("héllo=1");
      assertThat(e.get("isBase64Encoded").asBoolean()).as(type).isFalse();
    }
  }

  @Test
  void a_body_without_content_type_is_text_when_it_is_valid_utf8() throws IOException {
    JsonNode e = post(null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(e.get("body").asText()).isEqualTo("{\"a\":1}");
    assertThat(e.get("isBase64Encoded").asBoolean()).isFalse();
  }

  @Test
  void binary_bodies_are_base64_and_decode_back_to_the_same_bytes() throws IOException {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    for (String type : new String[] {"application/octet-stream", "image/png", null}) {
      JsonNode e = post(type, bytes);
      assertThat(e.get("isBase64Encoded").asBoolean()).as(type).isTrue();
      assertThat(Base64.getDecoder().decode(e.get("body").asText())).as(type).isEqualTo(bytes);
    }
  }

  @Test
  void a_utf8_body_of_a_binary_content_type_is_still_base64() throws IOException {
    JsonNode e = post("application/octet-stream", "plain".getBytes(StandardCharsets.UTF_8));
    assertThat(e.get("isBase64Encoded").asBoolean()).isTrue();
    assertThat(e.get("body").asText()).isEqualTo(Base64.getEncoder().encodeToString("plain".getBytes()));
  }

  @Test
  void a_text_content_type_with_bytes_that_are_not_utf8_keeps_the_bytes_as_base64() throws IOException {
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
    JsonNode e = post("text/plain; charset=iso-8859-1", latin1);
    assertThat(e.get("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(e.get("body").asText())).isEqualTo(latin1);
  }
}
