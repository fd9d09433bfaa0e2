package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s), independent of HTTP: how asynchronous invocations of a
 * function qualifier ($LATEST when none is given, a version or an alias) are retried and where their results go.
 * The function and qualifier must exist; bodies are validated by {@link EventInvokeConfigRequests}.
 */
public final class EventInvokeConfigApi {
  private final ApiContext ctx;
  private final EventRepresentations representations;

  public EventInvokeConfigApi(ApiContext ctx) {
    this.ctx = ctx;
    this.representations = new EventRepresentations(ctx.names);
  }

  /** A qualifier of a function as the caller named it ({@code given} empty for plain $LATEST). */
  private record Target(FunctionId function, Optional<String> given) {
    String qualifier() {
      return given.orElse(VersionedConfig.LATEST);
    }
  }

  public CompletionStage<ApiReply> put(String functionName, Optional<String> qualifier, byte[] body) {
    Target t = target(functionName, qualifier);
    EventInvokeConfig config = owned(EventInvokeConfigRequests.put(Json.parseObject(body), t.function(),
        t.qualifier(), ctx.now()));
    return exists(t).thenCompose(x -> ctx.store.putEventInvokeConfig(config)).thenApply(this::reply);
  }

  private EventInvokeConfig owned(EventInvokeConfig config) {
    String account = ctx.settings.account();
    EventValidation.ownedBy("DestinationConfig.OnSuccess.Destination", config.onSuccess(), account);
    EventValidation.ownedBy("DestinationConfig.OnFailure.Destination", config.onFailure(), account);
    return config;
  }

  public CompletionStage<ApiReply> update(String functionName, Optional<String> qualifier, byte[] body) {
    Target t = target(functionName, qualifier);
    ObjectNode b = Json.parseObject(body);
    return exists(t)
        .thenCompose(x -> ctx.store.getEventInvokeConfig(t.function(), t.qualifier()))
        .thenCompose(current -> ctx.store.putEventInvokeConfig(owned(EventInvokeConfigRequests.update(b,
            current.orElseGet(() -> EventInvokeConfig.defaults(t.function(), t.qualifier())), ctx.now()))))
        .thenApply(this::reply);
  }

  public CompletionStage<ApiReply> get(String functionName, Optional<String> qualifier) {
    Target t = target(functionName, qualifier);
    return exists(t)
        .thenCompose(x -> ctx.store.getEventInvokeConfig(t.function(), t.qualifier()))
        .thenApply(c -> reply(c.orElseThrow(() -> noConfig(t))));
  }

  public CompletionStage<ApiReply> delete(String functionName, Optional<String> qualifier) {
    Target t = target(functionName, qualifier);
    return exists(t)
        .thenCompose(x -> ctx.store.deleteEventInvokeConfig(t.function(), t.qualifier()))
        .handle((x, error) -> {
          if (error == null) {
            return ApiReply.noContent();
          }
          Throwable cause = ApiContext.unwrap(error);
          // The function and qualifier exist (checked above), so what is missing is the configuration.
          throw cause instanceof StoreException.NotFound ? noConfig(t) : new CompletionException(cause);
        });
  }

  public CompletionStage<ApiReply> list(String functionName, Optional<String> marker, Optional<String> maxItems) {
    String name = ctx.names.parseUnqualified(functionName);
    int limit = ApiContext.maxItems(maxItems);
    return ctx.resolve(name, Optional.empty())
        .thenCompose(x -> ctx.store.listEventInvokeConfigs(ctx.id(name), marker.orElse(null), limit))
        .thenApply(page -> {
          ObjectNode n = Json.object();
          ArrayNode items = n.putArray("FunctionEventInvokeConfigs");
          page.items().forEach(c -> items.add(representations.invokeConfig(c)));
          page.nextMarker().ifPresent(m -> n.put("NextMarker", m));
          return ApiReply.json(200, n);
        });
  }

  private Target target(String functionName, Optional<String> qualifierParam) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    return new Target(ctx.id(parsed.name()), ctx.names.qualifier(parsed, qualifierParam));
  }

  /** Fails with ResourceNotFoundException when the function or the qualifier does not exist. */
  private CompletionStage<VersionedConfig> exists(Target t) {
    return ctx.resolve(t.function().name(), t.given());
  }

  private ApiReply reply(EventInvokeConfig c) {
    return ApiReply.json(200, representations.invokeConfig(c));
  }

  private LambdaError noConfig(Target t) {
    String arn = t.given().map(q -> ctx.names.arn(t.function().name(), q)).orElse(ctx.names.arn(t.function().name()));
    return LambdaError.notFound("The function " + arn + " doesn't have an EventInvokeConfig");
  }
}
