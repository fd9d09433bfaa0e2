package io.petrel.gateway.internal;

import io.petrel.gateway.EventIntake;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoke with InvocationType Event, independent of HTTP: the function and qualifier must exist, then the payload
 * goes to the node's {@link EventIntake} and the caller gets 202 with the request id once it is durably queued.
 * The qualifier is kept as given (an alias is resolved when the event runs, not now). A node started without an
 * intake refuses Event invocations with NotSupportedException.
 */
public final class AsyncInvokeApi {
  private static final Logger log = LoggerFactory.getLogger(AsyncInvokeApi.class);
  private static final byte[] EMPTY = new byte[0];

  private final ApiContext ctx;

  public AsyncInvokeApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  public CompletionStage<ApiReply> invoke(String functionName, Optional<String> qualifierParam, byte[] payload,
      Optional<String> clientContext) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    Optional<String> qualifier = ctx.names.qualifier(parsed, qualifierParam);
    FunctionApi.checkClientContext(clientContext);
    return ctx.resolve(parsed.name(), qualifier).thenCompose(v -> {
      if (ctx.intake == null) {
        throw LambdaError.notSupported("Invoke with InvocationType Event", "asynchronous invocation is not"
            + " available because the node was started without an event queue; invoke with InvocationType"
            + " RequestResponse instead");
      }
      String requestId = UUID.randomUUID().toString();
      var request = new EventIntake.AsyncRequest(requestId, ctx.id(parsed.name()),
          qualifier.orElse(VersionedConfig.LATEST), payload, clientContext.orElse(null), ctx.now());
      return ApiContext.attempt(() -> ctx.intake.submit(request)).handle((x, error) -> {
        if (error != null) {
          throw notQueued(requestId, ApiContext.unwrap(error));
        }
        return new ApiReply(202, EMPTY, "application/json", Map.of()).withHeader("x-amzn-RequestId", requestId);
      });
    });
  }

  /** What the caller hears when the queue refused the event: retry on an outage, a service error otherwise. */
  private static LambdaError notQueued(String requestId, Throwable cause) {
    if (cause instanceof LambdaError e) {
      return e;
    }
    if (cause instanceof StoreException.Unavailable e) {
      return LambdaError.unavailable("The event could not be queued, retry later: " + e.getMessage());
    }
    log.error("event {} could not be queued", requestId, cause);
    return LambdaError.service("The event could not be queued: " + cause.getClass().getSimpleName());
  }
}
