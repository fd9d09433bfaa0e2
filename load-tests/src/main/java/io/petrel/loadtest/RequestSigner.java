package io.petrel.loadtest;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs the benchmark's requests with AWS Signature Version 4 when an access key is given in the environment
 * ({@code PETREL_ACCESS_KEY_ID} and {@code PETREL_SECRET_ACCESS_KEY}, as a node configured with that key reads
 * them), for nodes that require signatures; without one, requests go unsigned, as {@code petrel dev} takes them.
 */
final class RequestSigner {
  private final AwsCredentialsIdentity identity;
  private final String region;

  private RequestSigner(AwsCredentialsIdentity identity, String region) {
    this.identity = identity;
    this.region = region;
  }

  static Optional<RequestSigner> fromEnvironment() {
    String id = System.getenv("PETREL_ACCESS_KEY_ID");
    String secret = System.getenv("PETREL_SECRET_ACCESS_KEY");
    if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    String region = System.getenv().getOrDefault("PETREL_REGION", "us-east-1");
    return Optional.of(new RequestSigner(AwsCredentialsIdentity.create(id, secret), region));
  }

  /** The same request with the signature headers added. */
  HttpRequest sign(HttpRequest request) {
    byte[] body = body(request);
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(request.method()))
        .uri(request.uri());
    request.headers().map().forEach(unsigned::putHeader);
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(identity)
        .request(unsigned.build())
        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "lambda")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC())).request();
    HttpRequest.Builder out = HttpRequest.newBuilder(request.uri()).method(request.method(),
        body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    request.timeout().ifPresent(out::timeout);
    signed.forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
        values.forEach(v -> out.header(name, v));
      }
    });
    return out.build();
  }

  /** What the request's body publisher publishes (the benchmark's bodies are small byte arrays). */
  private static byte[] body(HttpRequest request) {
    if (request.bodyPublisher().isEmpty() || request.bodyPublisher().get().contentLength() == 0) {
      return new byte[0];
    }
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }

      @Override
      public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        done.complete(bytes.toByteArray());
      }
    });
    return done.join();
  }
}
