package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.persistence.VersionedConfig;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Create/Get/Update/Delete/ListFunctionUrlConfigs, independent of HTTP. A URL invokes $LATEST or an alias (not a
 * version number, as in Lambda); its id is 32 random lowercase letters and digits, and the URL is served by every
 * node both as {@code <id>.lambda-url.<region>.<url-domain>} and as {@code /url/<id>/} on the gateway.
 */
public final class FunctionUrlApi {
  private static final Set<String> FIELDS = Set.of("AuthType", "Cors", "InvokeMode", "Qualifier");
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom random = new SecureRandom();

  private final ApiContext ctx;
  private final String urlDomain;

  public FunctionUrlApi(ApiContext ctx, String urlDomain) {
    this.ctx = ctx;
    this.urlDomain = urlDomain;
  }

  /** {@code hostPort} is the Host the control-plane call came in at, used for the port of the URLs answered. */
  public CompletionStage<ApiReply> create(String functionName, Optional<String> qualifier, byte[] body,
      String hostPort) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    String q = qualifier(qualifier);
    ObjectNode b = body(body);
    String authType = authType(Json.string(b, "AuthType")
        .orElseThrow(() -> LambdaError.invalidParameter("AuthType is required: NONE or AWS_IAM")));
    UrlCors cors = UrlCors.parse(b.get("Cors"));
    String mode = invokeMode(Json.string(b, "InvokeMode"));
    var now = ctx.now();
    FunctionUrlConfig config = new FunctionUrlConfig(id, q, newUrlId(), authType, text(cors.toJson()), mode,
        now, now);
    return ctx.store.createUrlConfig(config).thenApply(c -> ApiReply.json(201, representation(c, hostPort)));
  }

  public CompletionStage<ApiReply> get(String functionName, Optional<String> qualifier, String hostPort) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    String q = qualifier(qualifier);
    return ctx.store.getUrlConfig(id, q).thenApply(c -> ApiReply.json(200, representation(
        c.orElseThrow(() -> notFound(id, q)), hostPort)));
  }

  public CompletionStage<ApiReply> update(String functionName, Optional<String> qualifier, byte[] body,
      String hostPort) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    String q = qualifier(qualifier);
    ObjectNode b = body(body);
    Optional<String> authType = Json.string(b, "AuthType").map(FunctionUrlApi::authType);
    Optional<UrlCors> cors = b.has("Cors") ? Optional.of(UrlCors.parse(b.get("Cors"))) : Optional.empty();
    Optional<String> mode = Json.string(b, "InvokeMode").map(m -> invokeMode(Optional.of(m)));
    return ctx.store.getUrlConfig(id, q).thenCompose(current -> {
      FunctionUrlConfig c = current.orElseThrow(() -> notFound(id, q));
      return ctx.store.updateUrlConfig(new FunctionUrlConfig(id, q, c.urlId(), authType.orElse(c.authType()),
          cors.map(x -> text(x.toJson())).orElse(c.corsJson()), mode.orElse(c.invokeMode()), c.created(),
          ctx.now()));
    }).thenApply(c -> ApiReply.json(200, representation(c, hostPort)));
  }

  public CompletionStage<ApiReply> delete(String functionName, Optional<String> qualifier) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    String q = qualifier(qualifier);
    return ctx.store.deleteUrlConfig(id, q).thenApply(x -> ApiReply.noContent());
  }

  public CompletionStage<ApiReply> list(String functionName, Optional<String> marker, Optional<String> maxItems,
      String hostPort) {
    FunctionId id = ctx.id(ctx.names.parseUnqualified(functionName));
    int limit = ApiContext.maxItems(maxItems);
    return ctx.store.listUrlConfigs(id, marker.orElse(null), limit).thenApply(page -> {
      ObjectNode n = Json.object();
      ArrayNode items = n.putArray("FunctionUrlConfigs");
      page.items().forEach(c -> items.add(representation(c, hostPort)));
      page.nextMarker().ifPresent(m -> n.put("NextMarker", m));
      return ApiReply.json(200, n);
    });
  }

  /** The address of URL {@code urlId} as clients reach it by host name. */
  String functionUrl(String urlId, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String port = colon > 0 && hostPort.indexOf(']') < colon ? hostPort.substring(colon) : "";
    return "http://" + urlId + ".lambda-url." + ctx.settings.region() + "." + urlDomain + port + "/";
  }

  private ObjectNode representation(FunctionUrlConfig c, String hostPort) {
    ObjectNode n = Json.object();
    n.put("FunctionUrl", functionUrl(c.urlId(), hostPort));
    n.put("FunctionArn", c.qualifier().equals(VersionedConfig.LATEST) ? ctx.names.arn(c.function().name())
        : ctx.names.arn(c.function().name(), c.qualifier()));
    n.put("AuthType", c.authType());
    JsonNode cors = Json.parseObject(c.corsJson().getBytes(StandardCharsets.UTF_8));
    if (cors.size() > 0) {
      n.set("Cors", cors);
    }
    n.put("CreationTime", c.created().toString());
    n.put("LastModifiedTime", c.modified().toString());
    n.put("InvokeMode", c.invokeMode());
    return n;
  }

  private static ObjectNode body(byte[] body) {
    ObjectNode b = Json.parseObject(body);
    b.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw LambdaError.invalidParameter("Unknown field '" + f + "': a function URL config has AuthType, Cors"
            + " and InvokeMode");
      }
    });
    return b;
  }

  /** $LATEST (no qualifier) or an alias name; version numbers cannot have URLs. */
  private static String qualifier(Optional<String> qualifier) {
    if (qualifier.isEmpty() || qualifier.get().equals(VersionedConfig.LATEST)) {
      return VersionedConfig.LATEST;
    }
    String q = qualifier.get();
    if (ApiContext.isVersionNumber(q)) {
      throw LambdaError.invalidParameter("Qualifier '" + q + "' is a version number: a function URL invokes"
          + " $LATEST or an alias");
    }
    ConfigValidation.aliasName(q);
    return q;
  }

  private static String authType(String authType) {
    return switch (authType) {
      case "NONE", "AWS_IAM" -> authType;
      default -> throw LambdaError.invalidParameter("AuthType '" + authType + "' is not valid: NONE or AWS_IAM");
    };
  }

  private static String invokeMode(Optional<String> mode) {
    String m = mode.orElse("BUFFERED");
    return switch (m) {
      case "BUFFERED" -> m;
      case "RESPONSE_STREAM" -> throw LambdaError.invalidParameter("InvokeMode RESPONSE_STREAM is not supported"
          + " yet: use BUFFERED");
      default -> throw LambdaError.invalidParameter("InvokeMode '" + m + "' is not valid: BUFFERED or"
          + " RESPONSE_STREAM");
    };
  }

  private static LambdaError notFound(FunctionId id, String qualifier) {
    return LambdaError.notFound("The resource you requested does not exist: no function URL for " + id.name()
        + (qualifier.equals(VersionedConfig.LATEST) ? "" : ":" + qualifier));
  }

  private static String text(JsonNode node) {
    return new String(Json.bytes(node), StandardCharsets.UTF_8);
  }

  private static String newUrlId() {
    StringBuilder id = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
    }
    return id.toString();
  }
}
