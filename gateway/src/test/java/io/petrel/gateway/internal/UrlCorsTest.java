package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlCorsTest {
  private static final String SITE = "https://app.example.com";

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UrlCors cors(String text) {
    return UrlCors.parse(json(text));
  }

  private static void assertRefused(String text, String message) {
    assertThatThrownBy(() -> cors(text))
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("InvalidParameterValueException");
        })
        .hasMessageContaining(message);
  }

  private static String list(int n, String item) {
    return "[" + String.join(",", Collections.nCopies(n, "'" + item + "'")) + "]";
  }

  // --- parse and toJson

  @Test
  void a_full_config_is_read_and_given_back_in_the_lambda_shape() {
    String text = "{'AllowCredentials':true,'AllowHeaders':['x-custom','Content-Type'],"
        + "'AllowMethods':['GET','POST'],'AllowOrigins':['https://app.example.com','http://localhost:3000'],"
        + "'ExposeHeaders':['x-request-id'],'MaxAge':600}";
    UrlCors c = cors(text);

    assertThat(c.allowCredentials()).isTrue();
    assertThat(c.allowHeaders()).containsExactly("x-custom", "Content-Type");
    assertThat(c.allowMethods()).containsExactly("GET", "POST");
    assertThat(c.allowOrigins()).containsExactly(SITE, "http://localhost:3000");
    assertThat(c.exposeHeaders()).containsExactly("x-request-id");
    assertThat(c.maxAge()).isEqualTo(600);
    assertThat(c.toJson()).isEqualTo(json(text));
    assertThat(UrlCors.parse(c.toJson())).isEqualTo(c);
  }

  @Test
  void fields_not_set_are_left_out_of_the_json() {
    assertThat(cors("{'AllowOrigins':['*']}").toJson()).isEqualTo(json("{'AllowOrigins':['*']}"));
    assertThat(UrlCors.parse(null).toJson()).isEqualTo(json("{}"));
    assertThat(cors("null").toJson()).isEqualTo(json("{}"));
    assertThat(cors("{}").toJson()).isEqualTo(json("{}"));
  }

  @Test
  void methods_are_read_in_any_case_and_kept_uppercase() {
    assertThat(cors("{'AllowMethods':['get','*']}").allowMethods()).containsExactly("GET", "*");
  }

  @Test
  void cors_that_is_not_an_object_is_refused() {
    assertRefused("['*']", "Cors must be an object");
  }

  @Test
  void unknown_fields_are_refused() {
    assertRefused("{'AllowOrigin':['*']}", "Unknown field 'Cors.AllowOrigin'");
  }

  @Test
  void allow_methods_are_limited_to_the_lambda_methods_and_six_items() {
    assertRefused("{'AllowMethods':['OPTIONS']}", "Cors.AllowMethods item 'OPTIONS' is not valid");
    assertRefused("{'AllowMethods':['get','trace']}", "Cors.AllowMethods item 'trace' is not valid");
    assertRefused("{'AllowMethods':" + list(7, "GET") + "}", "Cors.AllowMethods must have at most 6 items, got 7");
    assertRefused("{'AllowMethods':'GET'}", "Cors.AllowMethods must be an array of strings");
    assertRefused("{'AllowMethods':[1]}", "Cors.AllowMethods must be an array of strings");
  }

  @Test
  void allow_origins_must_be_origins_or_star_within_the_limits() {
    assertRefused("{'AllowOrigins':['example.com']}", "Cors.AllowOrigins item 'example.com' is not valid");
    assertRefused("{'AllowOrigins':['https://example.com/path']}", "is not valid");
    assertRefused("{'AllowOrigins':" + list(101, "*") + "}", "Cors.AllowOrigins must have at most 100 items, got 101");
    assertRefused("{'AllowOrigins':['https://" + "a".repeat(246) + ".com']}",
        "Cors.AllowOrigins items must be 1 to 253 characters long, got 258");
    assertRefused("{'AllowOrigins':['']}", "Cors.AllowOrigins items must be 1 to 253 characters long, got 0");
    assertThat(cors("{'AllowOrigins':['http://[::1]:8080','https://a-b.example.com:443']}").allowOrigins())
        .hasSize(2);
  }

  @Test
  void allow_and_expose_headers_must_be_header_names_within_the_limits() {
    assertRefused("{'AllowHeaders':['x custom']}", "Cors.AllowHeaders item 'x custom' is not a valid header name");
    assertRefused("{'ExposeHeaders':['x:y']}", "Cors.ExposeHeaders item 'x:y' is not a valid header name");
    assertRefused("{'AllowHeaders':" + list(101, "x") + "}", "Cors.AllowHeaders must have at most 100 items, got 101");
    assertRefused("{'ExposeHeaders':['" + "x".repeat(1025) + "']}",
        "Cors.ExposeHeaders items must be 1 to 1024 characters long, got 1025");
    assertThat(cors("{'AllowHeaders':" + list(100, "x".repeat(1024)) + "}").allowHeaders()).hasSize(100);
  }

  @Test
  void max_age_must_be_between_0_and_86400() {
    assertRefused("{'MaxAge':90000}", "Cors.MaxAge must be between 0 and 86400, got 90000");
    assertRefused("{'MaxAge':-1}", "Cors.MaxAge must be between 0 and 86400, got -1");
    assertRefused("{'MaxAge':'60'}", "Cors.MaxAge must be an integer");
    assertRefused("{'MaxAge':1.5}", "Cors.MaxAge must be an integer");
    assertThat(cors("{'MaxAge':0}").maxAge()).isZero();
    assertThat(cors("{'MaxAge':86400}").maxAge()).isEqualTo(86400);
  }

  @Test
  void allow_credentials_must_be_a_boolean() {
    assertRefused("{'AllowCredentials':'true'}", "Cors.AllowCredentials must be a boolean");
  }

  // --- preflight

  @Test
  void an_allowed_preflight_is_answered_with_the_echoed_origin_and_the_settings() {
    UrlCors c = cors("{'AllowOrigins':['https://app.example.com'],'AllowMethods':['GET','POST'],"
        + "'AllowHeaders':['x-custom','content-type'],'MaxAge':60}");

    assertThat(c.preflight(SITE, "POST", "Content-Type, X-Custom")).contains(List.of(
        Map.entry("Access-Control-Allow-Origin", SITE),
        Map.entry("Access-Control-Allow-Methods", "GET,POST"),
        Map.entry("Access-Control-Allow-Headers", "x-custom,content-type"),
        Map.entry("Access-Control-Max-Age", "60"),
        Map.entry("Vary", "Origin")));
  }

  @Test
  void a_preflight_from_an_origin_not_allowed_is_denied() {
    UrlCors c = cors("{'AllowOrigins':['https://app.example.com'],'AllowMethods':['*']}");
    assertThat(c.preflight("https://evil.example.com", "GET", null)).isEmpty();
  }

  @Test
  void a_preflight_for_a_method_not_allowed_is_denied() {
    UrlCors c = cors("{'AllowOrigins':['*'],'AllowMethods':['GET']}");
    assertThat(c.preflight(SITE, "DELETE", null)).isEmpty();
    assertThat(c.preflight(SITE, "GET", null)).isPresent();
  }

  @Test
  void a_preflight_asking_for_a_header_not_allowed_is_denied() {
    UrlCors c = cors("{'AllowOrigins':['*'],'AllowMethods':['GET'],'AllowHeaders':['x-a']}");
    assertThat(c.preflight(SITE, "GET", "X-A, x-b")).isEmpty();
    assertThat(c.preflight(SITE, "GET", "X-A")).isPresent();
  }

  @Test
  void a_star_in_allow_headers_allows_any_requested_header() {
    UrlCors c = cors("{'AllowOrigins':['*'],'AllowMethods':['GET'],'AllowHeaders':['*']}");
    assertThat(c.preflight(SITE, "GET", "x-anything, authorization")).contains(List.of(
        Map.entry("Access-Control-Allow-Origin", "*"),
        Map.entry("Access-Control-Allow-Methods", "GET"),
        Map.entry("Access-Control-Allow-Headers", "*")));
  }

  @Test
  void a_star_origin_without_credentials_is_answered_as_star_without_vary() {
    UrlCors c = cors("{'AllowOrigins':['*'],'AllowMethods':['*']}");
    assertThat(c.preflight(SITE, "PATCH", null)).contains(List.of(
        Map.entry("Access-Control-Allow-Origin", "*"),
        Map.entry("Access-Control-Allow-Methods", "*")));
  }

  @Test
  void a_star_origin_with_credentials_echoes_the_origin_and_what_was_asked() {
    UrlCors c = cors("{'AllowOrigins':['*'],'AllowMethods':['*'],'AllowHeaders':['*'],'AllowCredentials':true}");
    assertThat(c.preflight(SITE, "PUT", "x-a,x-b")).contains(List.of(
        Map.entry("Access-Control-Allow-Origin", SITE),
        Map.entry("Access-Control-Allow-Methods", "PUT"),
        Map.entry("Access-Control-Allow-Headers", "x-a,x-b"),
        Map.entry("Access-Control-Allow-Credentials", "true"),
        Map.entry("Vary", "Origin")));
  }

  @Test
  void without_cors_config_a_preflight_is_denied() {
    assertThat(UrlCors.parse(null).preflight(SITE, "GET", null)).isEmpty();
    assertThat(cors("{}").preflight(SITE, "GET", null)).isEmpty();
  }

  // --- ordinary responses

  @Test
  void a_response_to_an_allowed_origin_carries_origin_expose_headers_credentials_and_vary() {
    UrlCors c = cors("{'AllowOrigins':['https://app.example.com'],'ExposeHeaders':['x-a','x-b'],"
        + "'AllowCredentials':true}");
    assertThat(c.responseHeaders(SITE)).containsExactly(
        Map.entry("Access-Control-Allow-Origin", SITE),
        Map.entry("Access-Control-Expose-Headers", "x-a,x-b"),
        Map.entry("Access-Control-Allow-Credentials", "true"),
        Map.entry("Vary", "Origin"));
  }

  @Test
  void a_response_with_star_origins_and_no_credentials_answers_star() {
    assertThat(cors("{'AllowOrigins':['*']}").responseHeaders(SITE))
        .containsExactly(Map.entry("Access-Control-Allow-Origin", "*"));
  }

  @Test
  void a_response_to_an_origin_not_allowed_or_without_origin_has_no_cors_headers() {
    UrlCors c = cors("{'AllowOrigins':['https://app.example.com']}");
    assertThat(c.responseHeaders("https://evil.example.com")).isEmpty();
    assertThat(c.responseHeaders(null)).isEmpty();
    assertThat(UrlCors.parse(null).responseHeaders(SITE)).isEmpty();
  }
}
