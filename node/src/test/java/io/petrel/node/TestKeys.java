package io.petrel.node;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The access keys test nodes are configured with, and signing for the tests' plain HTTP requests. The first key
 * acts for account 000000000000, the account of every ARN the tests write.
 */
final class TestKeys {
  record Key(String id, String secret, String account) {
    StaticCredentialsProvider credentials() {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }

    /** JVM options configuring a node with this key. */
    List<String> nodeSettings(int index) {
      return List.of("-Dpetrel.auth.keys." + index + ".access-key-id=" + id,
          "-Dpetrel.auth.keys." + index + ".secret-access-key=" + secret,
          "-Dpetrel.auth.keys." + index + ".account=" + account);
    }
  }

  static final Key MAIN = new Key("AKIAPETRELTEST000001", "petrel-test-secret-0000000001", "000000000000");
  static final Key OTHER = new Key("AKIAPETRELTEST000002", "petrel-test-secret-0000000002", "222222222222");

  private TestKeys() {}

  /** JVM options that make a node require signatures of {@link #MAIN} and {@link #OTHER}. */
  static List<String> nodeSettings() {
    List<String> settings = new java.util.ArrayList<>(MAIN.nodeSettings(0));
    settings.addAll(OTHER.nodeSettings(1));
    return List.copyOf(settings);
  }

  /** {@code request} signed with {@code key} for service {@code service} (lambda or events), now. */
  static HttpRequest.Builder signed(Key key, String method, URI uri, byte[] body, Map<String, String> headers,
      String service) {
    return signed(key, method, uri, body, headers, service, Clock.systemUTC());
  }

  /** As {@link #signed(Key, String, URI, byte[], Map, String)}, dated by {@code clock}. */
  static HttpRequest.Builder signed(Key key, String method, URI uri, byte[] body, Map<String, String> headers,
      String service, Clock clock) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
    headers.forEach(request::putHeader);
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(key.id(), key.secret()))
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
        .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
    HttpRequest.Builder out = HttpRequest.newBuilder(uri).method(method, body.length == 0
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
        values.forEach(v -> out.header(name, v));
      }
    });
    return out;
  }
}
