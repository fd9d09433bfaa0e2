package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.Page;
import io.petrel.persistence.VersionedConfig;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.Invocation;
import io.petrel.sharding.Qualifiers;
import io.petrel.sharding.Outcome;
import io.petrel.sharding.RuntimeCatalog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/** The function and version operations of the Lambda control plane, independent of HTTP. */
public final class FunctionApi {
  private static final int MAX_CLIENT_CONTEXT = 3583;

  private final ApiContext ctx;

  public FunctionApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  public CompletionStage<ApiReply> create(byte[] body) {
    ObjectNode b = Json.parseObject(body);
    String name = ctx.names.parseUnqualified(Json.string(b, "FunctionName")
        .orElseThrow(() -> LambdaError.invalidParameter("FunctionName is required")));
    if (!Json.string(b, "PackageType").orElse("Zip").equals("Zip")) {
      throw LambdaError.invalidParameter("PackageType " + b.get("PackageType").asText() + " is not supported by"
          + " Petrel: upload a zip as Code.ZipFile with PackageType Zip");
    }
    refuseUnsupported(b);
    String zipBase64 = zipFile(Json.objectField(b, "Code")
        .orElseThrow(() -> LambdaError.invalidParameter("Code is required: give the zip as Code.ZipFile")));
    RuntimeCatalog.Runtime runtime = ctx.validation.runtime(Json.string(b, "Runtime")
        .orElseThrow(() -> LambdaError.invalidParameter("Runtime is required for PackageType Zip")));
    String handler = Json.string(b, "Handler").orElse("");
    if (handler.isEmpty() && runtime.family() != RuntimeCatalog.Family.PROVIDED) {
      throw LambdaError.invalidParameter("Handler is required for runtime " + runtime.id());
    }
    ctx.validation.handler(runtime, handler);
    String role = Json.string(b, "Role").orElse("");
    if (!role.isEmpty()) {
      ConfigValidation.role(role);
    }
    String description = Json.string(b, "Description").orElse("");
    ConfigValidation.description(description);
    int timeout = Json.integer(b, "Timeout").orElse(3);
    ConfigValidation.timeout(timeout);
    int memory = Json.integer(b, "MemorySize").orElse(ConfigValidation.MIN_MEMORY);
    ConfigValidation.memorySize(memory);
    Map<String, String> env = environment(b).orElse(Map.of());
    List<String> architectures = Json.stringList(b, "Architectures").map(ctx.validation::architectures).orElse(null);
    Map<String, String> tags = Json.stringMap(b, "Tags").orElse(Map.of());
    boolean publish = Json.bool(b, "Publish").orElse(false);

    return checkCode(zipBase64).thenCompose(code -> ctx.store.putCode(code.sha256Hex(), code.zip()).thenCompose(x -> {
      FunctionConfig latest = new FunctionConfig(runtime.id(), handler, role, description, timeout, memory, env,
          architectures, code.sha256Hex(), code.zip().length, ApiContext.newRevision(), ctx.now());
      FunctionDefinition f = new FunctionDefinition(ctx.id(name), latest, tags, OptionalInt.empty(), ctx.now());
      return ctx.store.createFunction(f);
    })).thenCompose(f -> publish
        ? ctx.store.publishVersion(f.id(), null, null, ApiContext.newRevision(), ctx.now())
            .thenApply(v -> ApiReply.json(201, ctx.representations.configuration(v, true)))
        : CompletableFuture.completedFuture(ApiReply.json(201,
            ctx.representations.configuration(new VersionedConfig(f.id(), VersionedConfig.LATEST, f.latest()), false))));
  }

  /** GetFunction; {@code host} is the gateway address the caller used, for the code download link. */
  public CompletionStage<ApiReply> get(String functionName, Optional<String> qualifierParam, String host) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    Optional<String> qualifier = ctx.names.qualifier(parsed, qualifierParam);
    return ctx.resolve(parsed.name(), qualifier).thenCompose(v -> ctx.store.getFunction(v.function()).thenApply(f -> {
      FunctionDefinition function = f.orElseThrow(() -> ctx.functionNotFound(parsed.name(), Optional.empty()));
      ObjectNode n = Json.object();
      n.set("Configuration", ctx.representations.configuration(v, qualifier.isPresent()));
      ObjectNode code = n.putObject("Code");
      code.put("RepositoryType", "S3");
      code.put("Location", ctx.codeLink(host, "/petrel/code/" + v.function().name() + "/"
          + v.version().replace("$", "%24") + "/" + v.config().codeSha256() + ".zip"));
      n.set("Tags", Representations.stringMap(function.tags()));
      function.reservedConcurrency().ifPresent(r ->
          n.putObject("Concurrency").put("ReservedConcurrentExecutions", r));
      return ApiReply.json(200, n);
    }));
  }

  public CompletionStage<ApiReply> getConfiguration(String functionName, Optional<String> qualifierParam) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    Optional<String> qualifier = ctx.names.qualifier(parsed, qualifierParam);
    return ctx.resolve(parsed.name(), qualifier)
        .thenApply(v -> ApiReply.json(200, ctx.representations.configuration(v, qualifier.isPresent())));
  }

  public CompletionStage<ApiReply> list(Optional<String> marker, Optional<String> maxItems,
      Optional<String> functionVersion) {
    int limit = ApiContext.maxItems(maxItems);
    if (functionVersion.isPresent() && !functionVersion.get().equals("ALL")) {
      throw LambdaError.invalidParameter("Value '" + functionVersion.get() + "' at 'functionVersion' failed to"
          + " satisfy constraint: Member must be ALL");
    }
    boolean all = functionVersion.isPresent();
    return ctx.store.listFunctions(ctx.settings.account(), all, marker.orElse(null), limit)
        .thenApply(page -> listReply("Functions", page, all));
  }

  public CompletionStage<ApiReply> listVersions(String functionName, Optional<String> marker,
      Optional<String> maxItems) {
    String name = ctx.names.parseUnqualified(functionName);
    FunctionId id = ctx.id(name);
    int limit = ApiContext.maxItems(maxItems);
    if (marker.isPresent()) {
      return ctx.store.listVersions(id, marker.get(), limit).thenApply(page -> listReply("Versions", page, true));
    }
    // The first page starts with $LATEST; published versions fill the rest of it.
    return ctx.store.getFunction(id).thenCompose(f -> {
      FunctionDefinition function = f.orElseThrow(() -> ctx.functionNotFound(name, Optional.empty()));
      VersionedConfig latest = new VersionedConfig(id, VersionedConfig.LATEST, function.latest());
      return ctx.store.listVersions(id, null, Math.max(1, limit - 1)).thenApply(page -> {
        List<VersionedConfig> items = new java.util.ArrayList<>();
        items.add(latest);
        Optional<String> next = page.nextMarker();
        if (limit == 1) {
          next = page.items().isEmpty() ? Optional.empty() : Optional.of("0");
        } else {
          items.addAll(page.items());
        }
        return listReply("Versions", new Page<>(items, next), true);
      });
    });
  }

  public CompletionStage<ApiReply> updateCode(String functionName, byte[] body) {
    String name = ctx.names.parseUnqualified(functionName);
    ObjectNode b = Json.parseObject(body);
    if (b.hasNonNull("S3Bucket") || b.hasNonNull("ImageUri")) {
      throw LambdaError.invalidParameter("Code from S3Bucket or ImageUri is not supported by Petrel: give the zip as"
          + " ZipFile");
    }
    String zipBase64 = Json.string(b, "ZipFile")
        .orElseThrow(() -> LambdaError.invalidParameter("ZipFile is required"));
    Optional<String> revision = Json.string(b, "RevisionId");
    boolean publish = Json.bool(b, "Publish").orElse(false);
    boolean dryRun = Json.bool(b, "DryRun").orElse(false);
    Optional<List<String>> architectures = Json.stringList(b, "Architectures").map(ctx.validation::architectures);
    return checkCode(zipBase64).thenCompose(code -> {
      if (dryRun) {
        return ctx.resolve(name, Optional.empty()).thenApply(v -> ApiReply.json(200,
            ctx.representations.configuration(v, false)));
      }
      return ctx.store.putCode(code.sha256Hex(), code.zip())
          .thenCompose(x -> modifyLatest(name, revision, c -> new FunctionConfig(c.runtime(), c.handler(), c.role(),
              c.description(), c.timeoutSeconds(), c.memorySizeMb(), c.environment(),
              architectures.orElse(c.architectures()), code.sha256Hex(), code.zip().length, c.revisionId(),
              c.lastModified())))
          .thenCompose(f -> publishIf(publish, f));
    });
  }

  public CompletionStage<ApiReply> updateConfiguration(String functionName, byte[] body) {
    String name = ctx.names.parseUnqualified(functionName);
    ObjectNode b = Json.parseObject(body);
    refuseUnsupported(b);
    Optional<String> revision = Json.string(b, "RevisionId");
    Optional<RuntimeCatalog.Runtime> runtime = Json.string(b, "Runtime").map(ctx.validation::runtime);
    Optional<String> handler = Json.string(b, "Handler");
    Optional<String> role = Json.string(b, "Role").filter(r -> !r.isEmpty());
    role.ifPresent(ConfigValidation::role);
    Optional<String> description = Json.string(b, "Description");
    description.ifPresent(ConfigValidation::description);
    OptionalInt timeout = Json.integer(b, "Timeout");
    timeout.ifPresent(ConfigValidation::timeout);
    OptionalInt memory = Json.integer(b, "MemorySize");
    memory.ifPresent(ConfigValidation::memorySize);
    Optional<Map<String, String>> env = environment(b);
    return modifyLatest(name, revision, c -> {
      String runtimeId = runtime.map(RuntimeCatalog.Runtime::id).orElse(c.runtime());
      String newHandler = handler.orElse(c.handler());
      if (runtime.isPresent() || handler.isPresent()) {
        RuntimeCatalog.Family family = runtime.map(RuntimeCatalog.Runtime::family)
            .or(() -> RuntimeCatalog.familyOf(runtimeId)).orElse(RuntimeCatalog.Family.PROVIDED);
        ctx.validation.handler(new RuntimeCatalog.Runtime(runtimeId, family, Optional.empty()), newHandler);
      }
      return new FunctionConfig(runtimeId, newHandler, role.orElse(c.role()), description.orElse(c.description()),
          timeout.orElse(c.timeoutSeconds()), memory.orElse(c.memorySizeMb()), env.orElse(c.environment()),
          c.architectures(), c.codeSha256(), c.codeSize(), c.revisionId(), c.lastModified());
    }).thenApply(f -> ApiReply.json(200, ctx.representations.configuration(
        new VersionedConfig(f.id(), VersionedConfig.LATEST, f.latest()), false)));
  }

  public CompletionStage<ApiReply> delete(String functionName, Optional<String> qualifierParam) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    Optional<String> qualifier = ctx.names.qualifier(parsed, qualifierParam);
    FunctionId id = ctx.id(parsed.name());
    if (qualifier.isEmpty()) {
      return ctx.store.deleteFunction(id).thenApply(x -> ApiReply.noContent());
    }
    if (qualifier.get().equals(VersionedConfig.LATEST)) {
      throw LambdaError.invalidParameter("$LATEST version cannot be deleted without deleting the function.");
    }
    if (!ApiContext.isVersionNumber(qualifier.get())) {
      throw LambdaError.invalidParameter("Deletion of aliases is not supported by DeleteFunction: use DeleteAlias"
          + " for " + qualifier.get());
    }
    long version = Qualifiers.versionNumber(qualifier.get())
        .orElseThrow(() -> ctx.functionNotFound(parsed.name(), qualifier));
    return ctx.store.deleteVersion(id, version).thenApply(x -> ApiReply.noContent());
  }

  public CompletionStage<ApiReply> publishVersion(String functionName, byte[] body) {
    String name = ctx.names.parseUnqualified(functionName);
    ObjectNode b = Json.parseObject(body);
    Optional<String> codeSha = Json.string(b, "CodeSha256");
    Optional<String> description = Json.string(b, "Description");
    description.ifPresent(ConfigValidation::description);
    Optional<String> revision = Json.string(b, "RevisionId");
    FunctionId id = ctx.id(name);
    return ctx.store.getFunction(id).thenCompose(f -> {
      FunctionConfig latest = f.orElseThrow(() -> ctx.functionNotFound(name, Optional.empty())).latest();
      String current = Representations.base64Sha(latest.codeSha256());
      if (codeSha.isPresent() && !codeSha.get().equals(current)) {
        throw LambdaError.invalidParameter("CodeSha256 (" + codeSha.get() + ") is different from current CodeSha256"
            + " in $LATEST (" + current + "). Please try again.");
      }
      return ctx.store.publishVersion(id, revision.orElse(null), description.orElse(null), ApiContext.newRevision(),
          ctx.now());
    }).thenApply(v -> ApiReply.json(201, ctx.representations.configuration(v, true)));
  }

  public CompletionStage<ApiReply> putConcurrency(String functionName, byte[] body) {
    String name = ctx.names.parseUnqualified(functionName);
    ObjectNode b = Json.parseObject(body);
    int reserved = Json.integer(b, "ReservedConcurrentExecutions")
        .orElseThrow(() -> LambdaError.invalidParameter("ReservedConcurrentExecutions is required"));
    int max = ctx.settings.accountConcurrency() - ctx.settings.minimumUnreservedConcurrency();
    if (reserved < 0 || reserved > max) {
      throw LambdaError.invalidParameter("Specified ReservedConcurrentExecutions for function decreases account's"
          + " UnreservedConcurrentExecution below its minimum value of ["
          + ctx.settings.minimumUnreservedConcurrency() + "]: ReservedConcurrentExecutions must be between 0 and "
          + max);
    }
    return ctx.store.putReservedConcurrency(ctx.id(name), OptionalInt.of(reserved))
        .thenApply(f -> ApiReply.json(200, Json.object().put("ReservedConcurrentExecutions", reserved)));
  }

  public CompletionStage<ApiReply> getConcurrency(String functionName) {
    String name = ctx.names.parseUnqualified(functionName);
    return ctx.store.getFunction(ctx.id(name)).thenApply(f -> {
      ObjectNode n = Json.object();
      f.orElseThrow(() -> ctx.functionNotFound(name, Optional.empty())).reservedConcurrency()
          .ifPresent(r -> n.put("ReservedConcurrentExecutions", r));
      return ApiReply.json(200, n);
    });
  }

  public CompletionStage<ApiReply> deleteConcurrency(String functionName) {
    String name = ctx.names.parseUnqualified(functionName);
    return ctx.store.putReservedConcurrency(ctx.id(name), OptionalInt.empty()).thenApply(f -> ApiReply.noContent());
  }

  public CompletionStage<ApiReply> dryRun(String functionName, Optional<String> qualifierParam) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    String qualifier = ctx.names.qualifier(parsed, qualifierParam).orElse(VersionedConfig.LATEST);
    return ctx.resolver.resolve(ctx.id(parsed.name()), qualifier, ctx.settings.requestTimeout()).thenApply(r -> {
      if (r instanceof FunctionAlias.Resolved resolved) {
        return ApiReply.noContent().withHeader("X-Amz-Executed-Version", resolved.executedVersion());
      }
      throw ctx.functionNotFound(parsed.name(), Optional.of(qualifier));
    });
  }

  public CompletionStage<ApiReply> invoke(String functionName, Optional<String> qualifierParam, byte[] payload,
      Optional<String> logType, Optional<String> clientContext) {
    FunctionNames.Parsed parsed = ctx.names.parse(functionName);
    String qualifier = ctx.names.qualifier(parsed, qualifierParam).orElse(VersionedConfig.LATEST);
    boolean tail = switch (logType.orElse("None")) {
      case "None" -> false;
      case "Tail" -> true;
      default -> throw LambdaError.invalidParameter("X-Amz-Log-Type '" + logType.get() + "' is not valid: None or Tail");
    };
    checkClientContext(clientContext);
    String requestId = java.util.UUID.randomUUID().toString();
    Invocation invocation = new Invocation(requestId, payload, clientContext.orElse(null), tail);
    return ctx.invoker.invoke(ctx.id(parsed.name()), qualifier, invocation, ctx.settings.invokeTimeout())
        .thenApply(result -> {
          Outcome outcome = result.outcome();
          ApiReply reply;
          if (outcome instanceof Outcome.Success s) {
            reply = new ApiReply(200, s.payload(), "application/json", java.util.Map.of());
          } else if (outcome instanceof Outcome.FunctionError e) {
            reply = new ApiReply(200, e.body(), "application/json", java.util.Map.of())
                .withHeader("X-Amz-Function-Error", e.errorType());
          } else if (outcome instanceof Outcome.Throttled t) {
            throw LambdaError.tooManyRequests(t.reason(), t.message());
          } else if (outcome instanceof Outcome.NotFound) {
            throw ctx.functionNotFound(parsed.name(), Optional.of(qualifier));
          } else if (outcome instanceof Outcome.Unavailable u) {
            throw LambdaError.unavailable(u.message());
          } else {
            throw LambdaError.service(((Outcome.PlatformError) outcome).message());
          }
          reply = reply.withHeader("X-Amz-Executed-Version", result.executedVersion())
              .withHeader("x-amzn-RequestId", requestId);
          return result.logTail() == null ? reply : reply.withHeader("X-Amz-Log-Result", result.logTail());
        });
  }

  /**
   * The code package of a version of one of the caller's functions, by the link GetFunction answered: the package
   * must be that version's, so a hash alone reaches nothing of another function or account.
   */
  public CompletionStage<ApiReply> downloadCode(String functionName, String version, String file) {
    String sha256Hex = file.endsWith(".zip") ? file.substring(0, file.length() - 4) : file;
    LambdaError notFound = LambdaError.notFound("No code package " + sha256Hex + " for " + functionName + ":"
        + version);
    if (!sha256Hex.matches("[0-9a-f]{64}") || !FunctionNames.NAME.matcher(functionName).matches()) {
      throw notFound;
    }
    return ctx.resolve(functionName, Optional.of(version))
        .exceptionally(error -> {
          throw notFound;
        })
        .thenCompose(v -> {
          if (!v.config().codeSha256().equals(sha256Hex)) {
            throw notFound;
          }
          return ctx.store.getCode(sha256Hex);
        })
        .thenApply(zip -> ApiReply.zip(zip.orElseThrow(() -> notFound)));
  }

  /** X-Amz-Client-Context is passed on as given, but only up to Lambda's size and as base64 of a JSON object. */
  static void checkClientContext(Optional<String> clientContext) {
    if (clientContext.isPresent() && clientContext.get().length() > MAX_CLIENT_CONTEXT) {
      throw LambdaError.invalidParameter("X-Amz-Client-Context must be at most " + MAX_CLIENT_CONTEXT
          + " bytes of base64-encoded JSON");
    }
    if (clientContext.isPresent() && !clientContext.get().isEmpty()) {
      try {
        Json.parseObject(java.util.Base64.getDecoder().decode(clientContext.get()));
      } catch (IllegalArgumentException | LambdaError notBase64OfAnObject) {
        throw LambdaError.invalidRequestContent("Client context must be a valid Base64-encoded JSON object.");
      }
    }
  }

  // ---- helpers ----

  private CompletionStage<CodePackage.Checked> checkCode(String zipBase64) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return CodePackage.checkBase64(zipBase64, CodePackage.Limits.LAMBDA);
      } catch (CodePackage.InvalidPackage e) {
        throw LambdaError.invalidParameter(e.getMessage());
      }
    }, ctx.heavyWork);
  }

  /**
   * Changes $LATEST atomically in the store with a new revision. When the caller pinned a RevisionId it must
   * still be current; otherwise the change applies to whatever $LATEST is at that moment.
   */
  private CompletionStage<FunctionDefinition> modifyLatest(String name, Optional<String> callerRevision,
      UnaryOperator<FunctionConfig> change) {
    return ctx.store.modifyLatest(ctx.id(name), callerRevision.orElse(null),
        current -> change.apply(current).withRevision(ApiContext.newRevision(), ctx.now()));
  }

  private CompletionStage<ApiReply> publishIf(boolean publish, FunctionDefinition f) {
    if (!publish) {
      return CompletableFuture.completedFuture(ApiReply.json(200, ctx.representations.configuration(
          new VersionedConfig(f.id(), VersionedConfig.LATEST, f.latest()), false)));
    }
    return ctx.store.publishVersion(f.id(), f.latest().revisionId(), null, ApiContext.newRevision(), ctx.now())
        .thenApply(v -> ApiReply.json(200, ctx.representations.configuration(v, true)));
  }

  private ApiReply listReply(String field, Page<VersionedConfig> page, boolean qualifiedArns) {
    ObjectNode n = Json.object();
    ArrayNode items = n.putArray(field);
    page.items().forEach(v -> items.add(ctx.representations.configuration(v, qualifiedArns)));
    page.nextMarker().ifPresent(m -> n.put("NextMarker", m));
    return ApiReply.json(200, n);
  }

  private static Optional<Map<String, String>> environment(JsonNode b) {
    Optional<Map<String, String>> env = Json.objectField(b, "Environment")
        .map(e -> Json.stringMap(e, "Variables").orElse(Map.of()));
    env.ifPresent(ConfigValidation::environment);
    return env;
  }

  private static String zipFile(JsonNode code) {
    if (code.hasNonNull("S3Bucket") || code.hasNonNull("ImageUri")) {
      throw LambdaError.invalidParameter("Code.S3Bucket and Code.ImageUri are not supported by Petrel: give the zip"
          + " as Code.ZipFile");
    }
    return Json.string(code, "ZipFile")
        .orElseThrow(() -> LambdaError.invalidParameter("Code.ZipFile is required"));
  }

  private static void refuseUnsupported(JsonNode b) {
    for (String field : List.of("Layers", "FileSystemConfigs")) {
      JsonNode v = b.get(field);
      if (v != null && v.isArray() && !v.isEmpty()) {
        throw LambdaError.invalidParameter(field + " are not supported by Petrel: package what the function needs"
            + " into its zip");
      }
    }
  }
}
