package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.Alias;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.VersionedConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The alias operations of the Lambda control plane, independent of HTTP. */
public final class AliasApi {
  private final ApiContext ctx;

  public AliasApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  public CompletionStage<ApiReply> create(String functionName, byte[] body) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    ObjectNode b = Json.parseObject(body);
    String name = Json.string(b, "Name").orElseThrow(() -> LambdaError.invalidParameter("Name is required"));
    ConfigValidation.aliasName(name);
    String version = Json.string(b, "FunctionVersion")
        .orElseThrow(() -> LambdaError.invalidParameter("FunctionVersion is required"));
    String description = Json.string(b, "Description").orElse("");
    ConfigValidation.description(description);
    Optional<Alias.Routing> routing = routing(b).orElse(Optional.empty());
    Alias alias = checked(new Alias(id, name, version, description, routing, ApiContext.newRevision()));
    return ctx.store.createAlias(alias).thenApply(a -> ApiReply.json(201, ctx.representations.alias(a)));
  }

  public CompletionStage<ApiReply> get(String functionName, String aliasName) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    return ctx.store.getAlias(id, aliasName).thenApply(a -> ApiReply.json(200, ctx.representations.alias(
        a.orElseThrow(() -> aliasNotFound(id, aliasName)))));
  }

  public CompletionStage<ApiReply> update(String functionName, String aliasName, byte[] body) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    ObjectNode b = Json.parseObject(body);
    Optional<String> version = Json.string(b, "FunctionVersion");
    Optional<String> description = Json.string(b, "Description");
    description.ifPresent(ConfigValidation::description);
    Optional<Optional<Alias.Routing>> routing = routing(b);
    Optional<String> revision = Json.string(b, "RevisionId");
    return ctx.store.getAlias(id, aliasName).thenCompose(current -> {
      Alias a = current.orElseThrow(() -> aliasNotFound(id, aliasName));
      Alias updated = checked(new Alias(id, aliasName, version.orElse(a.functionVersion()),
          description.orElse(a.description()), routing.orElse(a.routing()), ApiContext.newRevision()));
      return ctx.store.updateAlias(updated, revision.orElse(a.revisionId()));
    }).thenApply(a -> ApiReply.json(200, ctx.representations.alias(a)));
  }

  public CompletionStage<ApiReply> delete(String functionName, String aliasName) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    return ctx.store.deleteAlias(id, aliasName).thenApply(x -> ApiReply.noContent());
  }

  public CompletionStage<ApiReply> list(String functionName, Optional<String> functionVersion,
      Optional<String> marker, Optional<String> maxItems) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    int limit = ApiContext.maxItems(maxItems);
    return ctx.store.listAliases(id, functionVersion.orElse(null), marker.orElse(null), limit).thenApply(page -> {
      ObjectNode n = Json.object();
      ArrayNode items = n.putArray("Aliases");
      page.items().forEach(a -> items.add(ctx.representations.alias(a)));
      page.nextMarker().ifPresent(m -> n.put("NextMarker", m));
      return ApiReply.json(200, n);
    });
  }

  /** The alias rules that do not need the store: version forms, and routing only between published versions. */
  private static Alias checked(Alias a) {
    if (!a.functionVersion().equals(VersionedConfig.LATEST) && !ApiContext.isVersionNumber(a.functionVersion())) {
      throw LambdaError.invalidParameter("Value '" + a.functionVersion() + "' at 'functionVersion' failed to"
          + " satisfy constraint: Member must be $LATEST or a version number");
    }
    a.routing().ifPresent(r -> {
      if (a.functionVersion().equals(VersionedConfig.LATEST)) {
        throw LambdaError.invalidParameter("RoutingConfig is only allowed when FunctionVersion is a published"
            + " version, not $LATEST");
      }
      if (r.version().equals(a.functionVersion())) {
        throw LambdaError.invalidParameter("RoutingConfig.AdditionalVersionWeights: the additional version "
            + r.version() + " must differ from FunctionVersion");
      }
    });
    return a;
  }

  /**
   * RoutingConfig from a body: absent (not given), present-and-empty (given with no weights: routing removed),
   * or one additional published version with a weight from 0.0 to 1.0.
   */
  private static Optional<Optional<Alias.Routing>> routing(JsonNode b) {
    Optional<JsonNode> config = Json.objectField(b, "RoutingConfig");
    if (config.isEmpty()) {
      return Optional.empty();
    }
    Optional<JsonNode> weights = Json.objectField(config.get(), "AdditionalVersionWeights");
    if (weights.isEmpty() || weights.get().isEmpty()) {
      return Optional.of(Optional.empty());
    }
    if (weights.get().size() > 1) {
      throw LambdaError.invalidParameter("RoutingConfig.AdditionalVersionWeights may hold at most 1 additional"
          + " version, got " + weights.get().size());
    }
    Iterator<Map.Entry<String, JsonNode>> it = weights.get().fields();
    Map.Entry<String, JsonNode> e = it.next();
    if (!ApiContext.isVersionNumber(e.getKey())) {
      throw LambdaError.invalidParameter("RoutingConfig.AdditionalVersionWeights: '" + e.getKey() + "' is not a"
          + " published version number");
    }
    if (!e.getValue().isNumber() || e.getValue().doubleValue() < 0.0 || e.getValue().doubleValue() > 1.0) {
      throw LambdaError.invalidParameter("RoutingConfig.AdditionalVersionWeights: the weight of version "
          + e.getKey() + " must be a number from 0.0 to 1.0, got " + e.getValue());
    }
    return Optional.of(Optional.of(new Alias.Routing(e.getKey(), e.getValue().doubleValue())));
  }

  private LambdaError aliasNotFound(FunctionId id, String alias) {
    return LambdaError.notFound("Alias not found: " + ctx.names.arn(id.name(), alias));
  }
}
