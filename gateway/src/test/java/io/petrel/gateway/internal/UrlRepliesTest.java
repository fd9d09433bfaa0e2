package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlRepliesTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static UrlReply reply(String result) throws UrlReplies.InvalidReply {
    return UrlReplies.reply(utf8(result));
  }

  private static void assertInvalid(String result, String messagePart) {
    assertThatThrownBy(() -> reply(result))
        .isInstanceOf(UrlReplies.InvalidReply.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void a_response_object_gives_status_headers_cookies_and_body() throws Exception {
    UrlReply r = reply("{\"statusCode\":201,\"headers\":{\"Content-Type\":\"text/plain\",\"X-Count\":3,"
        + "\"X-Ok\":true},\"cookies\":[\"a=1; Path=/\",\"b=2; HttpOnly\"],\"body\":\"created\"}");

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.headers()).containsExactly(Map.entry("Content-Type", "text/plain"), Map.entry("X-Count", "3"),
        Map.entry("X-Ok", "true"));
    assertThat(r.cookies()).containsExactly("a=1; Path=/", "b=2; HttpOnly");
    assertThat(r.body()).isEqualTo(utf8("created"));
  }

  @Test
  void a_response_without_content_type_is_application_json() throws Exception {
    UrlReply r = reply("{\"statusCode\":200,\"headers\":{\"x-a\":\"b\"},\"body\":\"{}\"}");
    assertThat(r.headers()).containsExactly(Map.entry("x-a", "b"), Map.entry("content-type", "application/json"));
  }

  @Test
  void a_content_type_header_in_any_case_is_kept_as_the_only_one() throws Exception {
    UrlReply r = reply("{\"statusCode\":200,\"headers\":{\"CONTENT-TYPE\":\"text/html\"}}");
    assertThat(r.headers()).containsExactly(Map.entry("CONTENT-TYPE", "text/html"));
  }

  @Test
  void a_base64_body_is_decoded_to_its_bytes() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xFF};
    UrlReply r = reply("{\"statusCode\":200,\"headers\":{\"content-type\":\"image/png\"},\"isBase64Encoded\":true,"
        + "\"body\":\"" + Base64.getEncoder().encodeToString(png) + "\"}");
    assertThat(r.body()).isEqualTo(png);
  }

  @Test
  void a_response_without_body_cookies_or_headers_is_empty() throws Exception {
    UrlReply r = reply("{\"statusCode\":204}");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(r.cookies()).isEmpty();
    assertThat(r.headers()).containsExactly(Map.entry("content-type", "application/json"));
  }

  @Test
  void null_fields_beside_status_code_are_read_as_absent() throws Exception {
    UrlReply r = reply("{\"statusCode\":200,\"headers\":null,\"cookies\":null,\"body\":null,"
        + "\"isBase64Encoded\":null}");
    assertThat(r.body()).isEmpty();
    assertThat(r.cookies()).isEmpty();
  }

  @Test
  void a_json_object_without_status_code_is_the_body_of_a_200() throws Exception {
    String result = "{\"body\":\"not a response\",\"headers\":{\"a\":\"b\"}}";
    UrlReply r = reply(result);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).containsExactly(Map.entry("content-type", "application/json"));
    assertThat(r.cookies()).isEmpty();
    assertThat(r.body()).isEqualTo(utf8(result));
  }

  @Test
  void other_json_values_are_the_body_of_a_200_unchanged() throws Exception {
    for (String result : new String[] {"\"hello\"", "42", "[1,2]", "null", "true", " {\"a\" : 1} "}) {
      UrlReply r = reply(result);
      assertThat(r.status()).as(result).isEqualTo(200);
      assertThat(r.headers()).as(result).containsExactly(Map.entry("content-type", "application/json"));
      assertThat(r.body()).as(result).isEqualTo(utf8(result));
    }
  }

  @Test
  void a_result_that_is_not_json_is_the_body_of_a_200_unchanged() throws Exception {
    for (byte[] result : new byte[][] {utf8("hello world"), utf8("{\"statusCode\":500"), utf8(""),
        utf8("{\"statusCode\":500} trailing"), {(byte) 0xFF, 0, 1}}) {
      UrlReply r = UrlReplies.reply(result);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers()).containsExactly(Map.entry("content-type", "application/json"));
      assertThat(r.body()).isEqualTo(result);
    }
  }

  @Test
  void a_status_code_that_is_not_an_integer_in_range_is_invalid() {
    assertInvalid("{\"statusCode\":\"200\"}", "statusCode must be an integer between 100 and 599");
    assertInvalid("{\"statusCode\":200.5}", "statusCode");
    assertInvalid("{\"statusCode\":99}", "got 99");
    assertInvalid("{\"statusCode\":600}", "got 600");
    assertInvalid("{\"statusCode\":null}", "statusCode");
    assertInvalid("{\"statusCode\":1e20}", "statusCode");
  }

  @Test
  void headers_that_are_not_an_object_of_scalars_are_invalid() {
    assertInvalid("{\"statusCode\":200,\"headers\":[\"a\"]}", "headers must be an object");
    assertInvalid("{\"statusCode\":200,\"headers\":{\"x\":{\"y\":1}}}", "headers.x must be a string");
    assertInvalid("{\"statusCode\":200,\"headers\":{\"x\":null}}", "headers.x");
  }

  @Test
  void cookies_that_are_not_an_array_of_strings_are_invalid() {
    assertInvalid("{\"statusCode\":200,\"cookies\":\"a=1\"}", "cookies must be an array of strings");
    assertInvalid("{\"statusCode\":200,\"cookies\":[\"a=1\",2]}", "cookies must be an array of strings");
  }

  @Test
  void a_body_that_is_not_a_string_is_invalid() {
    assertInvalid("{\"statusCode\":200,\"body\":{\"a\":1}}", "body must be a string");
    assertInvalid("{\"statusCode\":200,\"body\":12}", "body must be a string");
  }

  @Test
  void a_base64_flag_that_is_not_a_boolean_is_invalid() {
    assertInvalid("{\"statusCode\":200,\"isBase64Encoded\":\"yes\",\"body\":\"aGk=\"}",
        "isBase64Encoded must be a boolean");
  }

  @Test
  void a_body_flagged_base64_that_is_not_base64_is_invalid() {
    assertInvalid("{\"statusCode\":200,\"isBase64Encoded\":true,\"body\":\"not base64!\"}",
        "body is not valid base64");
  }
}
