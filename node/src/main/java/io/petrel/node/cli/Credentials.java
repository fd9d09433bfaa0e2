package io.petrel.node.cli;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The access key the command line signs its requests with (AWS Signature Version 4, service lambda), for nodes
 * that require signatures: {@code PETREL_ACCESS_KEY_ID}/{@code PETREL_SECRET_ACCESS_KEY}, else the AWS CLI's
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}; the region from {@code PETREL_REGION},
 * {@code AWS_REGION} or {@code AWS_DEFAULT_REGION} (us-east-1 by default). Without a key requests go unsigned, as
 * {@code petrel dev} takes them.
 */
record Credentials(String accessKeyId, String secretAccessKey, String region) {
  static Optional<Credentials> fromEnvironment(Map<String, String> env) {
    String region = first(env, "PETREL_REGION", "AWS_REGION", "AWS_DEFAULT_REGION").orElse("us-east-1");
    for (String[] pair : new String[][] {{"PETREL_ACCESS_KEY_ID", "PETREL_SECRET_ACCESS_KEY"},
        {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}}) {
      Optional<String> id = first(env, pair[0]);
      Optional<String> secret = first(env, pair[1]);
      if (id.isPresent() && secret.isPresent()) {
        return Optional.of(new Credentials(id.get(), secret.get(), region));
      }
    }
    return Optional.empty();
  }

  /** Adds the signature of a request to {@code uri} with {@code body} and the given headers to {@code request}. */
  void sign(HttpRequest.Builder request, String method, URI uri, byte[] body, Map<String, String> headers) {
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
    headers.forEach(unsigned::putHeader);
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(accessKeyId, secretAccessKey))
        .request(unsigned.build())
        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "lambda")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC())).request();
    signed.forEachHeader((name, values) -> {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.equals("authorization") || lower.startsWith("x-amz-")) {
        values.forEach(v -> request.setHeader(name, v));
      }
    });
  }

  @Override
  public String toString() {
    return "Credentials[" + accessKeyId + ", " + region + "]";
  }

  private static Optional<String> first(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }
}
