package io.petrel.sharding.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The Lambda Runtime API of one execution environment, on its own loopback port. The runtime process long-polls
 * {@code /next}; {@link #invoke} hands it one event and completes with what the runtime posts back to
 * {@code /response} or {@code /error}. Neither the long poll nor an idle connection is ever cut by a timeout.
 * One invocation at a time: the environment is busy until its result arrives.
 */
public final class RuntimeApi implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);

  /** One event handed to the runtime. */
  public record Event(String requestId, byte[] payload, long deadlineEpochMs, String invokedFunctionArn,
      String clientContext) {}

  /** What the runtime answered. */
  public sealed interface Result {}

  public record Response(byte[] body) implements Result {}

  public record FunctionError(String errorType, byte[] body) implements Result {}

  /** The response was over the limit; the runtime got a 413. */
  public record ResponseTooLarge(long limit) implements Result {}

  private final Materializer materializer;
  private final long maxResponseBytes;
  private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
  private final CompletableFuture<byte[]> initError = new CompletableFuture<>();
  private final Object lock = new Object();
  private ServerBinding binding;
  // guarded by lock
  private Event queued;
  private CompletableFuture<HttpResponse> waitingPoll;
  private String currentId;
  private CompletableFuture<Result> currentResult;

  private RuntimeApi(Materializer materializer, long maxResponseBytes) {
    this.materializer = materializer;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** Binds a new Runtime API on 127.0.0.1 and a free port. */
  public static CompletionStage<RuntimeApi> start(ActorSystem<?> system, long maxResponseBytes) {
    RuntimeApi api = new RuntimeApi(Materializer.matFromSystem(system), maxResponseBytes);
    ServerSettings defaults = ServerSettings.create(system.settings().config());
    ServerSettings settings = defaults
        .withTimeouts(defaults.getTimeouts()
            .withIdleTimeout(scala.concurrent.duration.Duration.Inf())
            .withRequestTimeout(scala.concurrent.duration.Duration.Inf()));
    return Http.get(system).newServerAt("127.0.0.1", 0).withSettings(settings)
        .bind(api::handle)
        .thenApply(b -> {
          api.binding = b;
          return api;
        });
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  public String address() {
    return "127.0.0.1:" + binding.localAddress().getPort();
  }

  /** Completes when the runtime first asks for an event: its initialization is done. */
  public CompletionStage<Void> firstPoll() {
    return firstPoll;
  }

  /** Completes with the body the runtime posted to /runtime/init/error, if it does. */
  public CompletionStage<byte[]> initError() {
    return initError;
  }

  /** Hands an event to the runtime; completes with its answer. */
  public CompletionStage<Result> invoke(Event event) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse> poll;
    synchronized (lock) {
      if (currentResult != null && !currentResult.isDone()) {
        throw new IllegalStateException("environment is busy with " + currentId);
      }
      currentId = event.requestId();
      currentResult = result;
      poll = waitingPoll;
      waitingPoll = null;
      if (poll == null) {
        queued = event;
      }
    }
    if (poll != null) {
      poll.complete(eventResponse(event));
    }
    return result;
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    String path = request.getUri().path();
    if (!path.startsWith(PREFIX)) {
      return status(request, 404, "{\"errorMessage\":\"unknown path\",\"errorType\":\"InvalidRequest\"}");
    }
    String rest = path.substring(PREFIX.length());
    if (request.method() == HttpMethods.GET && rest.equals("invocation/next")) {
      return next();
    }
    if (request.method() == HttpMethods.POST && rest.equals("init/error")) {
      return body(request, maxResponseBytes).thenCompose(bytes -> {
        initError.complete(bytes);
        return status(null, 202, "{\"status\":\"OK\"}");
      });
    }
    if (request.method() == HttpMethods.POST && rest.startsWith("invocation/")) {
      String[] parts = rest.split("/");
      if (parts.length == 3 && (parts[2].equals("response") || parts[2].equals("error"))) {
        return complete(request, parts[1], parts[2].equals("error"));
      }
    }
    return status(request, 404, "{\"errorMessage\":\"unknown path\",\"errorType\":\"InvalidRequest\"}");
  }

  private CompletionStage<HttpResponse> next() {
    firstPoll.complete(null);
    synchronized (lock) {
      if (queued != null) {
        Event event = queued;
        queued = null;
        return CompletableFuture.completedFuture(eventResponse(event));
      }
      waitingPoll = new CompletableFuture<>();
      return waitingPoll;
    }
  }

  private CompletionStage<HttpResponse> complete(HttpRequest request, String requestId, boolean error) {
    CompletableFuture<Result> target;
    synchronized (lock) {
      target = requestId.equals(currentId) ? currentResult : null;
    }
    if (target == null || target.isDone()) {
      return status(request, 400, "{\"errorMessage\":\"unknown or finished request id\",\"errorType\":\"InvalidRequestID\"}");
    }
    long limit = maxResponseBytes + 100;
    if (request.entity().getContentLengthOption().isPresent()
        && request.entity().getContentLengthOption().getAsLong() > limit) {
      target.complete(new ResponseTooLarge(maxResponseBytes));
      return status(request, 413, "{\"errorMessage\":\"Exceeded maximum allowed payload size (" + maxResponseBytes
          + " bytes).\",\"errorType\":\"RequestEntityTooLarge\"}");
    }
    String errorType = request.getHeader("Lambda-Runtime-Function-Error-Type").map(h -> h.value()).orElse("");
    return body(request, limit).handle((bytes, failure) -> {
      if (failure != null) {
        target.complete(new ResponseTooLarge(maxResponseBytes));
        return status(null, 413, "{\"errorMessage\":\"Exceeded maximum allowed payload size\","
            + "\"errorType\":\"RequestEntityTooLarge\"}");
      }
      target.complete(error ? new FunctionError(errorType, bytes) : new Response(bytes));
      return status(null, 202, "{\"status\":\"OK\"}");
    }).thenCompose(r -> r);
  }

  private CompletionStage<byte[]> body(HttpRequest request, long limit) {
    return request.entity().toStrict(BODY_TIMEOUT.toMillis(), limit, materializer)
        .thenApply(strict -> strict.getData().toArray());
  }

  private CompletionStage<HttpResponse> status(HttpRequest unread, int status, String json) {
    if (unread != null) {
      unread.discardEntityBytes(materializer);
    }
    return CompletableFuture.completedFuture(HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json)));
  }

  private static HttpResponse eventResponse(Event event) {
    HttpResponse response = HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, event.payload()))
        .addHeader(RawHeader.create("Lambda-Runtime-Aws-Request-Id", event.requestId()))
        .addHeader(RawHeader.create("Lambda-Runtime-Deadline-Ms", Long.toString(event.deadlineEpochMs())))
        .addHeader(RawHeader.create("Lambda-Runtime-Invoked-Function-Arn", event.invokedFunctionArn()))
        .addHeader(RawHeader.create("Lambda-Runtime-Trace-Id", "Root=1-" + event.requestId().replace("-", "")));
    if (event.clientContext() != null) {
      response = response.addHeader(RawHeader.create("Lambda-Runtime-Client-Context", event.clientContext()));
    }
    return response;
  }

  @Override
  public void close() {
    if (binding != null) {
      binding.unbind();
    }
  }
}
