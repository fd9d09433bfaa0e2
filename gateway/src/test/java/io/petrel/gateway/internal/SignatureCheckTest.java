package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.gateway.AuthSettings;
import io.petrel.gateway.AuthSettings.AccessKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Requests signed as the AWS SDK signs them pass; anything else is refused with AWS's error name. */
class SignatureCheckTest {
  private static final AccessKey ALICE = new AccessKey("AKIAALICE0000000001", "alice-secret-0123456789", "111111111111");
  private static final AccessKey BOB = new AccessKey("AKIABOB000000000002", "bob-secret-012345678901", "222222222222");
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final byte[] BODY = "{\"FunctionName\":\"f\"}".getBytes(StandardCharsets.UTF_8);

  private final SignatureCheck check = new SignatureCheck(new AuthSettings(true,
      Map.of(ALICE.accessKeyId(), ALICE, BOB.accessKeyId(), BOB), Duration.ofMinutes(5), Duration.ofMinutes(10)),
      "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));

  /** What a client sends: a request signed with {@code key} at {@code at}, as SignatureCheck.Request. */
  private static SignatureCheck.Request signed(AccessKey key, String secret, Instant at, String service,
      String region, String path, String query, byte[] body) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:9000" + path + (query.isEmpty() ? "" : "?" + query)))
        .putHeader("Content-Type", "application/json")
        .putHeader("Content-Length", Integer.toString(body.length))
        .putHeader("amz-sdk-invocation-id", "0d5f0a1e");
    var signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(key.accessKeyId(), secret))
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    signed.forEachHeader((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
    headers.putIfAbsent("host", List.of("127.0.0.1:9000"));
    return new SignatureCheck.Request("POST", "127.0.0.1:9000", signed.encodedPath(), query, headers);
  }

  private static SignatureCheck.Request signed(AccessKey key, Instant at) {
    return signed(key, key.secretAccessKey(), at, "lambda", "us-east-1",
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Af/invocations",
        "Qualifier=live", BODY);
  }

  private void accepts(SignatureCheck.Request request, byte[] body, String account) {
    SignatureCheck.Claim claim = check.precheck(request, "lambda");
    check.verify(request, body, claim, "lambda");
    assertThat(claim.account()).isEqualTo(account);
  }

  private void refuses(SignatureCheck.Request request, byte[] body, String type, String messagePart) {
    assertThatThrownBy(() -> check.verify(request, body, check.precheck(request, "lambda"), "lambda"))
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.type()).isEqualTo(type);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }

  @Test
  void a_request_signed_with_a_configured_key_acts_for_that_keys_account() {
    accepts(signed(ALICE, NOW), BODY, "111111111111");
    accepts(signed(BOB, NOW.minusSeconds(200)), BODY, "222222222222");
  }

  @Test
  @SuppressWarnings("deprecation")
  void a_request_signed_without_a_content_hash_header_as_the_aws_cli_signs_is_checked_too() {
    var request = software.amazon.awssdk.http.SdkHttpFullRequest.builder().method(SdkHttpMethod.PUT)
        .uri(URI.create("http://127.0.0.1:9000/2015-03-31/functions/f/configuration"))
        .putHeader("Content-Type", "application/json")
        .contentStreamProvider(ContentStreamProvider.fromByteArray(BODY)).build();
    var params = software.amazon.awssdk.auth.signer.params.Aws4SignerParams.builder()
        .awsCredentials(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ALICE.accessKeyId(),
            ALICE.secretAccessKey()))
        .signingName("lambda").signingRegion(software.amazon.awssdk.regions.Region.US_EAST_1)
        .signingClockOverride(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    var signed = software.amazon.awssdk.auth.signer.Aws4Signer.create().sign(request, params);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    signed.forEachHeader((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
    assertThat(headers.get("authorization").get(0)).doesNotContain("x-amz-content-sha256");
    SignatureCheck.Request received = new SignatureCheck.Request("PUT", "127.0.0.1:9000", signed.encodedPath(), "",
        headers);
    accepts(received, BODY, "111111111111");
    refuses(received, "{}".getBytes(StandardCharsets.UTF_8), "InvalidSignatureException", "does not match");
  }

  @Test
  void a_wrong_secret_or_a_changed_body_path_or_query_does_not_match() {
    refuses(signed(ALICE, "not-alices-secret-000", NOW, "lambda", "us-east-1", "/2015-03-31/functions", "", BODY),
        BODY, "InvalidSignatureException", "does not match");
    refuses(signed(ALICE, NOW), "{\"FunctionName\":\"g\"}".getBytes(StandardCharsets.UTF_8),
        "InvalidSignatureException", "does not match");
    SignatureCheck.Request original = signed(ALICE, NOW);
    refuses(new SignatureCheck.Request("POST", original.host(), original.rawPath().replace("%3Af/", "%3Ag/"),
        original.rawQuery(), original.headers()), BODY, "InvalidSignatureException", "does not match");
    refuses(new SignatureCheck.Request("POST", original.host(), original.rawPath(), "Qualifier=other",
        original.headers()), BODY, "InvalidSignatureException", "does not match");
    refuses(new SignatureCheck.Request("DELETE", original.host(), original.rawPath(), original.rawQuery(),
        original.headers()), BODY, "InvalidSignatureException", "does not match");
  }

  @Test
  void a_signature_from_another_key_under_this_key_id_does_not_match() {
    SignatureCheck.Request bobs = signed(BOB, NOW);
    Map<String, List<String>> headers = new LinkedHashMap<>(bobs.headers());
    headers.put("authorization", List.of(headers.get("authorization").get(0)
        .replace(BOB.accessKeyId(), ALICE.accessKeyId())));
    refuses(new SignatureCheck.Request("POST", bobs.host(), bobs.rawPath(), bobs.rawQuery(), headers), BODY,
        "InvalidSignatureException", "does not match");
  }

  @Test
  void requests_outside_five_minutes_of_the_clock_are_expired_or_not_yet_current() {
    refuses(signed(ALICE, NOW.minus(Duration.ofMinutes(6))), BODY, "InvalidSignatureException",
        "Signature expired");
    refuses(signed(ALICE, NOW.plus(Duration.ofMinutes(6))), BODY, "InvalidSignatureException",
        "Signature not yet current");
  }

  @Test
  void unsigned_unknown_malformed_and_misscoped_requests_are_refused_before_the_body_is_needed() {
    SignatureCheck.Request good = signed(ALICE, NOW);
    Map<String, List<String>> unsigned = new LinkedHashMap<>(good.headers());
    unsigned.remove("authorization");
    assertThatThrownBy(() -> check.precheck(new SignatureCheck.Request("POST", good.host(), good.rawPath(), "",
        unsigned), "lambda")).isInstanceOfSatisfying(LambdaError.class,
        e -> assertThat(e.type()).isEqualTo("MissingAuthenticationTokenException"));

    AccessKey stranger = new AccessKey("AKIASTRANGER0000003", "stranger-secret-0123", "333333333333");
    assertThatThrownBy(() -> check.precheck(signed(stranger, NOW), "lambda"))
        .isInstanceOfSatisfying(LambdaError.class, e -> assertThat(e.type()).isEqualTo("UnrecognizedClientException"));

    Map<String, List<String>> malformed = new LinkedHashMap<>(good.headers());
    malformed.put("authorization", List.of("AWS4-HMAC-SHA256 Credential=" + ALICE.accessKeyId()
        + "/20261206/us-east-1/lambda/aws4_request"));
    assertThatThrownBy(() -> check.precheck(new SignatureCheck.Request("POST", good.host(), good.rawPath(), "",
        malformed), "lambda")).isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.type()).isEqualTo("IncompleteSignatureException");
          assertThat(e.getMessage()).contains("'SignedHeaders'").contains("'Signature'");
        });

    assertThatThrownBy(() -> check.precheck(signed(ALICE, ALICE.secretAccessKey(), NOW, "lambda", "eu-west-1",
        "/2015-03-31/functions", "", BODY), "lambda")).isInstanceOfSatisfying(LambdaError.class,
        e -> assertThat(e.getMessage()).contains("valid region"));
    assertThatThrownBy(() -> check.precheck(signed(ALICE, ALICE.secretAccessKey(), NOW, "events", "us-east-1",
        "/", "", BODY), "lambda")).isInstanceOfSatisfying(LambdaError.class,
        e -> assertThat(e.getMessage()).contains("correct service: 'lambda'"));
  }

  @Test
  void a_presigned_link_works_until_it_expires_and_only_for_its_path() {
    String link = check.presign(ALICE, "127.0.0.1:9000", "/petrel/code/abc.zip", "lambda", Duration.ofMinutes(10));
    URI uri = URI.create(link);
    SignatureCheck.Request request = new SignatureCheck.Request("GET", "127.0.0.1:9000", uri.getRawPath(),
        uri.getRawQuery(), Map.of("host", List.of("127.0.0.1:9000")));
    accepts(request, new byte[0], "111111111111");

    refuses(new SignatureCheck.Request("GET", "127.0.0.1:9000", "/petrel/code/other.zip", uri.getRawQuery(),
        request.headers()), new byte[0], "SignatureDoesNotMatch", "does not match");

    SignatureCheck later = new SignatureCheck(new AuthSettings(true, Map.of(ALICE.accessKeyId(), ALICE),
        Duration.ofMinutes(5), Duration.ofMinutes(10)), "us-east-1", Clock.fixed(NOW.plus(Duration.ofMinutes(11)),
        ZoneOffset.UTC));
    assertThatThrownBy(() -> later.precheck(request, "lambda")).isInstanceOfSatisfying(LambdaError.class,
        e -> assertThat(e.getMessage()).contains("expired"));
  }
}
