package io.petrel.gateway.internal;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.gateway.GatewaySettings;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the control plane: Lambda's paths, methods and query parameters mapped onto
 * {@link FunctionApi}, {@link AliasApi}, {@link AsyncInvokeApi}, {@link EventInvokeConfigApi},
 * {@link EventSourceMappingApi} and the rest, request bodies read with a size limit (refused from Content-Length
 * before any of it is read), and every failure answered in Lambda's error shape: the x-amzn-ErrorType header
 * and a {"Type","Message","message"} body. A {@code POST /} with an X-Amz-Target header is AWS JSON 1.1 and goes to
 * {@link EventBridgeRoutes} (EventBridge's scheduled rules), which answers in that protocol's own shape.
 */
public final class ControlPlaneRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneRoutes.class);

  private final GatewaySettings settings;
  private final FunctionApi functions;
  private final AliasApi aliases;
  private final UsageApi usage;
  private final QueryApi queries;
  private final FunctionUrlApi urls;
  private final AsyncInvokeApi asyncInvoke;
  private final EventInvokeConfigApi invokeConfigs;
  private final EventSourceMappingApi mappings;
  private final ClusterStatusApi clusterStatus;
  private final EventBridgeRoutes eventBridge;
  private final Materializer materializer;

  /** The control plane without the readiness and cluster routes. */
  public ControlPlaneRoutes(ApiContext ctx, Materializer materializer) {
    this(ctx, null, materializer);
  }

  /** {@code clusterStatus}, when not null, answers {@code GET /petrel/ready} and {@code GET /petrel/v1/cluster}. */
  public ControlPlaneRoutes(ApiContext ctx, ClusterStatusApi clusterStatus, Materializer materializer) {
    this.settings = ctx.settings;
    this.clusterStatus = clusterStatus;
    this.functions = new FunctionApi(ctx);
    this.usage = new UsageApi(ctx);
    this.queries = new QueryApi(ctx);
    this.urls = new FunctionUrlApi(ctx, ctx.settings.urlDomain());
    this.aliases = new AliasApi(ctx);
    this.asyncInvoke = new AsyncInvokeApi(ctx);
    this.invokeConfigs = new EventInvokeConfigApi(ctx);
    this.mappings = new EventSourceMappingApi(ctx);
    this.eventBridge = new EventBridgeRoutes(ctx, materializer);
    this.materializer = materializer;
  }

  public Route route() {
    Route unknown = extractRequest(req -> complete(errorResponse(LambdaError.unknownOperation(
        "No Lambda operation matches " + req.method().value() + " " + req.getUri().path()))));
    RejectionHandler rejections = RejectionHandler.newBuilder()
        .handleAll(Rejection.class, all -> unknown)
        .handleNotFound(unknown)
        .build();
    return handleRejections(rejections, () -> concat(
        eventBridge.route(),
        pathPrefix("2015-03-31", () -> concat(
            pathPrefix("functions", this::functionRoutes),
            pathPrefix("event-source-mappings", this::mappingRoutes))),
        pathPrefix("2017-10-31", () -> pathPrefix("functions", () -> pathPrefix(segment(), name ->
            path("concurrency", () -> concat(
                put(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> functions.putConcurrency(name, b))),
                delete(() -> respond(() -> functions.deleteConcurrency(name)))))))),
        pathPrefix("2019-09-30", () -> pathPrefix("functions", () -> pathPrefix(segment(), name -> concat(
            path("concurrency", () -> get(() -> respond(() -> functions.getConcurrency(name)))),
            path("provisioned-concurrency", () -> notSupported("Provisioned concurrency")))))),
        pathPrefix("2019-09-25", () -> pathPrefix("functions", () -> pathPrefix(segment(), this::invokeConfigRoutes))),
        pathPrefix("2021-10-31", () -> pathPrefix("functions", () -> pathPrefix(segment(), this::urlRoutes))),
        pathPrefix("petrel", () -> concat(
            path("health", () -> get(() -> complete(reply(ApiReply.json(200, Json.object().put("status", "UP")))))),
            clusterStatusRoutes(),
            pathPrefix("v1", () -> path("usage", () -> get(() -> parameterOptional("month", month ->
                parameterOptional("function", function -> respond(() -> usage.usage(month, function))))))),
            pathPrefix("v1", () -> pathPrefix("functions", () -> pathPrefix(segment(), this::queryRoutes))),
            pathPrefix("code", () -> pathPrefix(segment(), name -> pathPrefix(segment(), version ->
                path(segment(), file -> get(() -> respond(() -> functions.downloadCode(name, version, file)))))))))));
  }

  /** What answers without authentication: liveness and readiness, for load balancers and supervisors. */
  public Route openRoute() {
    return pathPrefix("petrel", () -> concat(
        path("health", () -> get(() -> complete(reply(ApiReply.json(200, Json.object().put("status", "UP")))))),
        clusterStatus == null ? reject() : path("ready", () -> get(() -> respond(clusterStatus::ready)))));
  }

  /** Readiness and the cluster view, when this gateway was given them; otherwise nothing matches here. */
  private Route clusterStatusRoutes() {
    if (clusterStatus == null) {
      return reject();
    }
    return concat(
        path("ready", () -> get(() -> respond(clusterStatus::ready))),
        pathPrefix("v1", () -> path("cluster", () -> get(() -> respond(() -> clusterStatus.cluster(settings.account()))))));
  }

  private Route functionRoutes() {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> withBody(settings.maxCodeRequestBytes(), functions::create)),
            get(() -> parameterOptional("Marker", marker -> parameterOptional("MaxItems", max ->
                parameterOptional("FunctionVersion", version -> respond(() -> functions.list(marker, max, version)))))))),
        pathPrefix(segment(), name -> concat(
            pathEnd(() -> parameterOptional("Qualifier", qualifier -> concat(
                get(() -> extractRequest(req -> respond(() -> functions.get(name, qualifier, host(req))))),
                delete(() -> respond(() -> functions.delete(name, qualifier)))))),
            path("configuration", () -> concat(
                get(() -> parameterOptional("Qualifier", q -> respond(() -> functions.getConfiguration(name, q)))),
                put(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> functions.updateConfiguration(name, b))))),
            path("code", () -> put(() -> withBody(settings.maxCodeRequestBytes(), b -> functions.updateCode(name, b)))),
            path("versions", () -> concat(
                post(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> functions.publishVersion(name, b))),
                get(() -> parameterOptional("Marker", marker -> parameterOptional("MaxItems", max ->
                    respond(() -> functions.listVersions(name, marker, max))))))),
            pathPrefix("aliases", () -> aliasRoutes(name)),
            path("invocations", () -> post(() -> invoke(name))),
            path("invoke-async", () -> notSupported("InvokeAsync")))));
  }

  /** Create/Get/Update/DeleteFunctionUrlConfig and ListFunctionUrlConfigs. */
  private Route urlRoutes(String name) {
    return optionalHeaderValueByName("Host", host -> {
      String hostPort = host.orElse("");
      return concat(
          path("url", () -> parameterOptional("Qualifier", q -> concat(
              post(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> urls.create(name, q, b, hostPort))),
              get(() -> respond(() -> urls.get(name, q, hostPort))),
              put(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> urls.update(name, q, b, hostPort))),
              delete(() -> respond(() -> urls.delete(name, q)))))),
          path("urls", () -> get(() -> parameterOptional("Marker", marker -> parameterOptional("MaxItems", max ->
              respond(() -> urls.list(name, marker, max, hostPort)))))));
    });
  }

  /** Put/Update/Get/DeleteFunctionEventInvokeConfig and ListFunctionEventInvokeConfigs. */
  private Route invokeConfigRoutes(String name) {
    long limit = settings.maxControlPlaneRequestBytes();
    return pathPrefix("event-invoke-config", () -> concat(
        pathEnd(() -> parameterOptional("Qualifier", q -> concat(
            put(() -> withBody(limit, b -> invokeConfigs.put(name, q, b))),
            post(() -> withBody(limit, b -> invokeConfigs.update(name, q, b))),
            get(() -> respond(() -> invokeConfigs.get(name, q))),
            delete(() -> respond(() -> invokeConfigs.delete(name, q)))))),
        path("list", () -> get(() -> parameterOptional("Marker", marker -> parameterOptional("MaxItems", max ->
            respond(() -> invokeConfigs.list(name, marker, max))))))));
  }

  /** Create/Get/Update/Delete/ListEventSourceMapping(s). */
  private Route mappingRoutes() {
    long limit = settings.maxControlPlaneRequestBytes();
    return concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> withBody(limit, mappings::create)),
            get(() -> parameterOptional("FunctionName", function -> parameterOptional("EventSourceArn", source ->
                parameterOptional("Marker", marker -> parameterOptional("MaxItems", max ->
                    respond(() -> mappings.list(function, source, marker, max))))))))),
        path(segment(), uuid -> concat(
            get(() -> respond(() -> mappings.get(uuid))),
            put(() -> withBody(limit, b -> mappings.update(uuid, b))),
            delete(() -> respond(() -> mappings.delete(uuid))))));
  }

  private Route aliasRoutes(String name) {
    Route collection = pathEnd(() -> concat(
        post(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> aliases.create(name, b))),
        get(() -> parameterOptional("FunctionVersion", version -> parameterOptional("Marker", marker ->
            parameterOptional("MaxItems", max -> respond(() -> aliases.list(name, version, marker, max))))))));
    Route single = path(segment(), alias -> concat(
        get(() -> respond(() -> aliases.get(name, alias))),
        put(() -> withBody(settings.maxControlPlaneRequestBytes(), b -> aliases.update(name, alias, b))),
        delete(() -> respond(() -> aliases.delete(name, alias)))));
    return concat(collection, single);
  }

  /**
   * Invoke: RequestResponse runs the function through its sharded entity; Event queues it (with the smaller
   * payload limit of asynchronous invocations); DryRun only checks that the function and qualifier exist and
   * names the version that would run. The payload stays raw bytes.
   */
  private Route invoke(String name) {
    return parameterOptional("Qualifier", qualifier -> optionalHeaderValueByName("X-Amz-Invocation-Type", type ->
        optionalHeaderValueByName("X-Amz-Log-Type", logType ->
            optionalHeaderValueByName("X-Amz-Client-Context", clientContext -> {
              String invocationType = type.orElse("RequestResponse");
              return switch (invocationType) {
                case "RequestResponse" -> withBody(settings.maxInvokePayloadBytes(), "InvokeFunction",
                    body -> functions.invoke(name, qualifier, body, logType, clientContext));
                case "DryRun" -> respond(() -> functions.dryRun(name, qualifier));
                case "Event" -> withBody(settings.maxEventPayloadBytes(), "InvokeFunction",
                    body -> asyncInvoke.invoke(name, qualifier, body, clientContext));
                default -> complete(errorResponse(LambdaError.invalidParameter("X-Amz-Invocation-Type '"
                    + invocationType + "' is not valid: RequestResponse, Event or DryRun")));
              };
            }))));
  }

  private Route notSupported(String operation) {
    return complete(errorResponse(LambdaError.notSupported(operation)));
  }

  /** Reads the body up to {@code limit} bytes, then runs the operation on it. */
  private Route withBody(long limit, Function<byte[], CompletionStage<ApiReply>> operation) {
    return withBody(limit, "this", operation);
  }

  private Route withBody(long limit, String operationName, Function<byte[], CompletionStage<ApiReply>> operation) {
    return extractRequest(req -> {
      Optional<Long> declared = req.entity().getContentLengthOption().isPresent()
          ? Optional.of(req.entity().getContentLengthOption().getAsLong()) : Optional.empty();
      if (declared.isPresent() && declared.get() > limit) {
        // Refused without keeping any of it: the bytes are streamed away so the client sees the answer rather
        // than a connection reset in the middle of its upload.
        return completeWithFuture(req.discardEntityBytes(materializer).completionStage()
            .handle((done, error) -> errorResponse(tooLarge(limit, operationName))));
      }
      // The size limit on the stream itself answers a body without Content-Length that grows past it as too
      // large; other failures of the stream are bodies whose framing is broken (such as a bad chunk).
      CompletionStage<ApiReply> reply = req.entity().withSizeLimit(limit)
          .toStrict(settings.requestTimeout().toMillis(), limit, materializer)
          .exceptionally(error -> {
            Throwable cause = ApiContext.unwrap(error);
            if (cause instanceof EntityStreamSizeException) {
              throw tooLarge(limit, operationName);
            }
            throw cause instanceof EntityStreamException broken ? unreadable(broken)
                : new java.util.concurrent.CompletionException(error);
          })
          .thenCompose(strict -> ApiContext.attempt(() -> operation.apply(strict.getData().toArray())));
      return respond(() -> reply);
    });
  }

  /** Petrel's invocation and log queries of one function (see {@link QueryApi}). */
  private Route queryRoutes(String name) {
    return get(() -> parameterMap(params -> concat(
        path("invocations", () -> respond(() -> queries.invocations(name, params))),
        pathPrefix("logs", () -> concat(
            pathEnd(() -> respond(() -> queries.logs(name, params))),
            path("tail", () -> respondWithEvents(() -> queries.tail(name, params))))))));
  }

  /** Answers a stream of server-sent events, or the error that kept it from starting in Lambda's shape. */
  private Route respondWithEvents(Supplier<CompletionStage<Source<ByteString, NotUsed>>> operation) {
    return completeWithFuture(ApiContext.attempt(operation).handle((events, error) -> error == null
        ? HttpResponse.create()
            .addHeader(RawHeader.create("Cache-Control", "no-cache"))
            .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), events))
        : errorResponse(error)));
  }

  private Route respond(Supplier<CompletionStage<ApiReply>> operation) {
    CompletionStage<HttpResponse> response = ApiContext.attempt(operation).handle((reply, error) ->
        error == null ? reply(reply) : errorResponse(error));
    return completeWithFuture(response);
  }

  /** A failure in Lambda's error shape: x-amzn-ErrorType and {"Type","Message","message"}. */
  public static HttpResponse errorResponse(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    cause = ApiContext.toLambdaError(cause);
    if (cause instanceof EntityStreamSizeException size) {
      cause = tooLarge(size.limit(), "this");
    }
    LambdaError e;
    if (cause instanceof LambdaError lambda) {
      e = lambda;
    } else {
      log.error("internal error answering a control-plane request", cause);
      e = LambdaError.service("Petrel could not complete the request: " + cause.getClass().getSimpleName());
    }
    ObjectNode body = Json.object();
    body.put("Type", e.status() >= 500 ? "Service" : "User");
    body.put("Message", e.getMessage());
    body.put("message", e.getMessage());
    ApiReply reply = ApiReply.json(e.status(), body);
    if (e.reason() != null) {
      body.put("Reason", e.reason());
      reply = ApiReply.json(e.status(), body).withHeader("Retry-After", "1");
    }
    return reply(reply.withHeader("x-amzn-ErrorType", e.type()));
  }

  /** A request body that could not be read as HTTP: its framing is broken. */
  static LambdaError unreadable(EntityStreamException broken) {
    return LambdaError.invalidRequestContent("Could not read the request body: " + broken.info().summary());
  }

  private static LambdaError tooLarge(long limit, String operationName) {
    return LambdaError.tooLarge("Request must be smaller than " + limit + " bytes for the " + operationName
        + " operation");
  }

  private static HttpResponse reply(ApiReply r) {
    HttpResponse response = HttpResponse.create().withStatus(r.status());
    if (!r.headers().containsKey("x-amzn-RequestId")) {
      response = response.addHeader(RawHeader.create("x-amzn-RequestId", UUID.randomUUID().toString()));
    }
    for (var header : r.headers().entrySet()) {
      response = response.addHeader(RawHeader.create(header.getKey(), header.getValue()));
    }
    if (r.status() == 204) {
      return response.withEntity(HttpEntities.EMPTY);
    }
    ContentType type = r.contentType().equals("application/zip")
        ? ContentTypes.APPLICATION_OCTET_STREAM : ContentTypes.APPLICATION_JSON;
    return response.withEntity(HttpEntities.create(type, r.body()));
  }

  private static String host(HttpRequest req) {
    return req.getHeader(org.apache.pekko.http.javadsl.model.headers.Host.class)
        .map(h -> h.value())
        .orElse(req.getUri().host().address() + ":" + req.getUri().port());
  }
}
