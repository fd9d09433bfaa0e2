package io.petrel.gateway.internal;

import io.petrel.gateway.AuthSettings;
import io.petrel.gateway.AuthSettings.AccessKey;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Verifies AWS Signature Version 4 on a request, in the Authorization header or in the query string (a presigned
 * link), against the configured access keys. The expected signature is computed by AWS's own signer: the request
 * is rebuilt from what the client signed (its method, its path and query as sent, the headers it named in
 * SignedHeaders, its body) and signed again with the key's secret at the request's own date; the two signatures
 * must be equal. Before that, and before the body is needed, {@link #precheck} refuses what no signature can save:
 * no signature, a malformed one, an unknown key, a date too far from the node's clock, a credential scoped to
 * another region or service.
 *
 * <p>Refusals are 403 with the error names AWS answers: MissingAuthenticationTokenException,
 * IncompleteSignatureException, UnrecognizedClientException, InvalidSignatureException (a signature that does
 * not match, expired or not yet valid) and, for presigned links, SignatureDoesNotMatch.
 */
public final class SignatureCheck {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  /** What a request is, as far as its signature goes. Header names are lower case; paths and queries as sent. */
  public record Request(String method, String host, String rawPath, String rawQuery,
      Map<String, List<String>> headers) {
    Optional<String> header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
    }
  }

  /** A signature that passed {@link #precheck}: who signed it, and what the rest of the check needs. */
  public record Claim(AccessKey key, Instant date, String amzDate, List<String> signedHeaders, String signature,
      Duration expires) {
    public String account() {
      return key.account();
    }

    boolean presigned() {
      return expires != null;
    }
  }

  private final AuthSettings auth;
  private final String region;
  private final Clock clock;

  public SignatureCheck(AuthSettings auth, String region, Clock clock) {
    this.auth = auth;
    this.region = region;
    this.clock = clock;
  }

  /**
   * Everything but the signature itself: throws the 403 {@link LambdaError} that answers a request signed with no
   * known key, or with a malformed, stale or wrongly scoped signature; else who claims to have signed it.
   */
  public Claim precheck(Request request, String service) {
    Optional<String> authorization = request.header("authorization");
    Map<String, String> query = queryParameters(request.rawQuery());
    if (authorization.isPresent()) {
      return headerClaim(request, authorization.get(), service);
    }
    if (query.containsKey("X-Amz-Signature") || query.containsKey("X-Amz-Credential")) {
      return queryClaim(query, service);
    }
    throw LambdaError.forbidden("MissingAuthenticationTokenException", "Missing Authentication Token");
  }

  /** Computes the signature the claimed key gives this request and body; throws 403 when it differs. */
  public void verify(Request request, byte[] body, Claim claim, String service) {
    if (!matches(request, body, claim, service)) {
      if (claim.presigned()) {
        throw LambdaError.forbidden("SignatureDoesNotMatch", "The request signature we calculated does not match"
            + " the signature you provided. Check your key and signing method.");
      }
      throw LambdaError.forbidden("InvalidSignatureException", "The request signature we calculated does not match"
          + " the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service"
          + " documentation for details.");
    }
  }

  /** Whether the signature of {@code claim} is the one its key gives this request and body. */
  boolean matches(Request request, byte[] body, Claim claim, String service) {
    SdkHttpRequest.Builder rebuilt = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(request.method()))
        .protocol("http")
        .host(hostName(request.host()))
        .encodedPath(request.rawPath().isEmpty() ? "/" : request.rawPath());
    int port = hostPort(request.host());
    if (port > 0) {
      rebuilt.port(port);
    }
    for (Map.Entry<String, List<String>> parameter : queryParameterLists(request.rawQuery()).entrySet()) {
      if (!(claim.presigned() && parameter.getKey().startsWith("X-Amz-"))) {
        rebuilt.putRawQueryParameter(parameter.getKey(), parameter.getValue());
      }
    }
    for (String name : claim.signedHeaders()) {
      List<String> values = request.headers().get(name);
      if (values == null && !name.equals("host")) {
        return false; // signed a header the request does not carry
      }
      if (values != null) {
        rebuilt.putHeader(name, values);
      }
    }
    if (!claim.signedHeaders().contains("host")) {
      return false;
    }
    rebuilt.putHeader("host", request.host());
    if (!claim.presigned() && !claim.signedHeaders().contains("x-amz-content-sha256")) {
      return matchesWithoutContentHashHeader(rebuilt.build(), body, claim, service);
    }
    SignedRequest signed;
    try {
      signed = SIGNER.sign(r -> {
        r.identity(AwsCredentialsIdentity.create(claim.key().accessKeyId(), claim.key().secretAccessKey()))
            .request(rebuilt.build())
            .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
            .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
            .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(claim.date(), ZoneOffset.UTC));
        if (claim.presigned()) {
          r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
              .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, claim.expires());
        }
      });
    } catch (RuntimeException e) {
      return false; // a request the signer cannot even canonicalize was not signed by it either
    }
    String expected = claim.presigned()
        ? signed.request().firstMatchingRawQueryParameter("X-Amz-Signature").orElse("")
        : part(signed.request().firstMatchingHeader("Authorization").orElse(""), "Signature").orElse("");
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        claim.signature().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Clients that do not send the payload's hash in an x-amz-content-sha256 header (the AWS CLI, most SDKs other
   * than Java v2's) sign without it; AWS's current signer always adds that header, its earlier one does not. Both
   * compute the same Signature Version 4.
   */
  @SuppressWarnings("deprecation")
  private boolean matchesWithoutContentHashHeader(SdkHttpRequest request, byte[] body, Claim claim, String service) {
    String expected;
    try {
      var params = software.amazon.awssdk.auth.signer.params.Aws4SignerParams.builder()
          .awsCredentials(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
              claim.key().accessKeyId(), claim.key().secretAccessKey()))
          .signingName(service)
          .signingRegion(software.amazon.awssdk.regions.Region.of(region))
          .signingClockOverride(Clock.fixed(claim.date(), ZoneOffset.UTC))
          .doubleUrlEncode(true)
          .build();
      var full = software.amazon.awssdk.http.SdkHttpFullRequest.builder()
          .method(request.method()).protocol(request.protocol()).host(request.host()).port(request.port())
          .encodedPath(request.encodedPath()).rawQueryParameters(request.rawQueryParameters())
          .headers(request.headers())
          .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body))
          .build();
      var signed = software.amazon.awssdk.auth.signer.Aws4Signer.create().sign(full, params);
      expected = part(signed.firstMatchingHeader("Authorization").orElse(""), "Signature").orElse("");
    } catch (RuntimeException e) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        claim.signature().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * A presigned link to {@code rawPath} on {@code host} for {@code key}, valid for {@code expiry}: the same kind of
   * link {@link #precheck} and {@link #verify} accept without an Authorization header.
   */
  public String presign(AccessKey key, String host, String rawPath, String service, Duration expiry) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("http")
        .host(hostName(host)).encodedPath(rawPath);
    if (hostPort(host) > 0) {
      request.port(hostPort(host));
    }
    SignedRequest signed = SIGNER.sign(r -> r
        .identity(AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey()))
        .request(request.putHeader("host", host).build())
        .payload(ContentStreamProvider.fromByteArrayUnsafe(new byte[0]))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock)
        .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, expiry));
    return signed.request().getUri().toString();
  }

  private Claim headerClaim(Request request, String authorization, String service) {
    if (!authorization.startsWith(ALGORITHM + " ")) {
      throw incomplete("Authorization header requires the " + ALGORITHM + " algorithm (AWS Signature Version 4).");
    }
    String parameters = authorization.substring(ALGORITHM.length() + 1);
    List<String> missing = new ArrayList<>();
    Optional<String> credential = part(parameters, "Credential");
    Optional<String> signedHeaders = part(parameters, "SignedHeaders");
    Optional<String> signature = part(parameters, "Signature");
    credential.ifPresentOrElse(v -> { }, () -> missing.add("Credential"));
    signedHeaders.ifPresentOrElse(v -> { }, () -> missing.add("SignedHeaders"));
    signature.ifPresentOrElse(v -> { }, () -> missing.add("Signature"));
    if (!missing.isEmpty()) {
      throw incomplete(String.join(" ", missing.stream().map(m -> "Authorization header requires '" + m
          + "' parameter.").toList()) + " Authorization=" + authorization);
    }
    Optional<String> amzDate = request.header("x-amz-date");
    if (amzDate.isEmpty()) {
      throw incomplete("Authorization header requires existence of a 'X-Amz-Date' header. Authorization="
          + authorization);
    }
    List<String> names = List.of(signedHeaders.get().toLowerCase(Locale.ROOT).split(";"));
    if (!names.contains("host")) {
      throw LambdaError.forbidden("InvalidSignatureException",
          "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    Instant date = parseDate(amzDate.get(), "X-Amz-Date");
    AccessKey key = checkCredential(credential.get(), amzDate.get(), service);
    checkClock(date, amzDate.get());
    return new Claim(key, date, amzDate.get(), names, signature.get(), null);
  }

  private Claim queryClaim(Map<String, String> query, String service) {
    for (String required : List.of("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
        "X-Amz-SignedHeaders", "X-Amz-Signature")) {
      if (!query.containsKey(required)) {
        throw incomplete("A presigned request requires the query parameter " + required + ".");
      }
    }
    if (!ALGORITHM.equals(query.get("X-Amz-Algorithm"))) {
      throw incomplete("X-Amz-Algorithm must be " + ALGORITHM + ".");
    }
    String amzDate = query.get("X-Amz-Date");
    Instant date = parseDate(amzDate, "X-Amz-Date");
    long seconds;
    try {
      seconds = Long.parseLong(query.get("X-Amz-Expires"));
    } catch (NumberFormatException e) {
      throw incomplete("X-Amz-Expires must be a number of seconds.");
    }
    if (seconds < 1 || seconds > 604_800) {
      throw incomplete("X-Amz-Expires must be between 1 and 604800 seconds.");
    }
    AccessKey key = checkCredential(query.get("X-Amz-Credential"), amzDate, service);
    Instant now = clock.instant();
    if (now.isAfter(date.plusSeconds(seconds))) {
      throw LambdaError.forbidden("AccessDeniedException", "Request has expired: it was valid until "
          + AMZ_DATE.format(date.plusSeconds(seconds)) + ", it is now " + AMZ_DATE.format(now) + ".");
    }
    if (date.isAfter(now.plus(auth.maxClockSkew()))) {
      checkClock(date, amzDate);
    }
    List<String> names = List.of(query.get("X-Amz-SignedHeaders").toLowerCase(Locale.ROOT).split(";"));
    return new Claim(key, date, amzDate, names, query.get("X-Amz-Signature"), Duration.ofSeconds(seconds));
  }

  /** {@code <key id>/<yyyyMMdd>/<region>/<service>/aws4_request}, for a known key and this node's scope. */
  private AccessKey checkCredential(String credential, String amzDate, String service) {
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || !scope[4].equals("aws4_request")) {
      throw incomplete("Credential must have the form <access key id>/<date>/<region>/<service>/aws4_request,"
          + " not " + credential + ".");
    }
    AccessKey key = auth.key(scope[0]).orElseThrow(() -> LambdaError.forbidden("UnrecognizedClientException",
        "The security token included in the request is invalid."));
    if (!amzDate.startsWith(scope[1]) || scope[1].length() != 8) {
      throw LambdaError.forbidden("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD"
          + " from ISO-8601 version of date from HTTP: '" + scope[1] + "' != '" + amzDate.substring(0,
          Math.min(8, amzDate.length())) + "', from '" + amzDate + "'.");
    }
    if (!scope[2].equals(region)) {
      throw LambdaError.forbidden("InvalidSignatureException", "Credential should be scoped to a valid region, not '"
          + scope[2] + "'. This node answers as '" + region + "'.");
    }
    if (!scope[3].equals(service)) {
      throw LambdaError.forbidden("InvalidSignatureException", "Credential should be scoped to correct service: '"
          + service + "'.");
    }
    return key;
  }

  private void checkClock(Instant date, String amzDate) {
    Instant now = clock.instant();
    Duration skew = auth.maxClockSkew();
    String bound = skew.toMinutes() + " min.";
    if (date.isBefore(now.minus(skew))) {
      throw LambdaError.forbidden("InvalidSignatureException", "Signature expired: " + amzDate
          + " is now earlier than " + AMZ_DATE.format(now.minus(skew)) + " (" + AMZ_DATE.format(now) + " - " + bound
          + ")");
    }
    if (date.isAfter(now.plus(skew))) {
      throw LambdaError.forbidden("InvalidSignatureException", "Signature not yet current: " + amzDate
          + " is still later than " + AMZ_DATE.format(now.plus(skew)) + " (" + AMZ_DATE.format(now) + " + " + bound
          + ")");
    }
  }

  private static Instant parseDate(String value, String field) {
    try {
      return Instant.from(AMZ_DATE.parse(value));
    } catch (DateTimeParseException e) {
      throw incomplete(field + " '" + value + "' must be an ISO-8601 basic date and time, such as 20150830T123600Z.");
    }
  }

  private static LambdaError incomplete(String message) {
    return LambdaError.forbidden("IncompleteSignatureException", message);
  }

  /** The value of {@code name=value} in an Authorization header's comma-separated parameters. */
  private static Optional<String> part(String parameters, String name) {
    for (String item : parameters.split(",")) {
      String trimmed = item.trim();
      if (trimmed.startsWith(name + "=")) {
        return Optional.of(trimmed.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> first = new LinkedHashMap<>();
    queryParameterLists(rawQuery).forEach((k, v) -> first.put(k, v.get(0)));
    return first;
  }

  private static Map<String, List<String>> queryParameterLists(String rawQuery) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String hostName(String hostHeader) {
    if (hostHeader.startsWith("[")) {
      int end = hostHeader.indexOf(']');
      return end > 0 ? hostHeader.substring(1, end) : hostHeader;
    }
    int colon = hostHeader.lastIndexOf(':');
    return colon > 0 ? hostHeader.substring(0, colon) : hostHeader;
  }

  private static int hostPort(String hostHeader) {
    int colon = hostHeader.lastIndexOf(':');
    int bracket = hostHeader.lastIndexOf(']');
    if (colon > bracket && colon > 0) {
      try {
        return Integer.parseInt(hostHeader.substring(colon + 1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }
}
