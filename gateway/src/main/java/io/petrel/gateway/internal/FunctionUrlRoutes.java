package io.petrel.gateway.internal;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.Invocation;
import io.petrel.sharding.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves function URLs: a request to host {@code <id>.lambda-url.<region>.<url-domain>} (any path), or to path
 * {@code /url/<id>/...} of any gateway, becomes a payload format 2.0 event for the URL's function qualifier, and the
 * function's reply becomes the HTTP response. Bodies are read up to the invoke payload limit and refused with 413
 * beyond it before being read whole. CORS preflights are answered from the URL's Cors settings without invoking.
 * A function error answers 502, a throttle 429 and a timeout 504, as Lambda's function URLs do.
 */
public final class FunctionUrlRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(FunctionUrlRoutes.class);
  private static final Pattern URL_ID = Pattern.compile("[a-z0-9]{32}");

  private final ApiContext ctx;
  private final GatewaySettings settings;
  private final Materializer materializer;
  private final Pattern host;
  private final Authentication authentication;

  /** Function URLs with AuthType AWS_IAM are answered 403 unless {@code authentication} verifies their caller. */
  public FunctionUrlRoutes(ApiContext ctx, String urlDomain, Materializer materializer,
      Authentication authentication) {
    this.ctx = ctx;
    this.authentication = authentication;
    this.settings = ctx.settings;
    this.materializer = materializer;
    this.host = Pattern.compile("([a-z0-9]{32})\\.lambda-url\\." + Pattern.quote(settings.region()) + "\\."
        + Pattern.quote(urlDomain) + "\\.?", Pattern.CASE_INSENSITIVE);
  }

  /** Requests by host name (any path) and by {@code /url/<id>}; others are left to the routes that follow. */
  public Route route() {
    return concat(
        extractRequest(req -> {
          Matcher m = host.matcher(req.getUri().host().address());
          return m.matches() ? serve(m.group(1).toLowerCase(java.util.Locale.ROOT), req.getUri().path(), req)
              : reject();
        }),
        pathPrefix("url", () -> pathPrefix(segment(), id -> extractRequest(req -> {
          String full = req.getUri().path();
          String rest = full.substring(Math.min(full.length(), ("/url/" + id).length()));
          return serve(id, rest.isEmpty() ? "/" : rest, req);
        }))));
  }

  private Route serve(String urlId, String rawPath, HttpRequest req) {
    long limit = settings.maxInvokePayloadBytes();
    var declared = req.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > limit) {
      return completeWithFuture(req.discardEntityBytes(materializer).completionStage()
          .handle((done, error) -> message(413, "Request must be smaller than " + limit + " bytes")));
    }
    return extractClientIP(client -> {
      if (!URL_ID.matcher(urlId).matches()) {
        return complete(message(404, "Not Found"));
      }
      CompletionStage<HttpResponse> response = ctx.store.findUrlConfig(urlId).thenCompose(found -> {
        if (found.isEmpty()) {
          return req.discardEntityBytes(materializer).completionStage().thenApply(d -> message(404, "Not Found"));
        }
        return req.entity().withSizeLimit(limit).toStrict(settings.requestTimeout().toMillis(), limit, materializer)
            .thenCompose(strict -> {
              byte[] body = strict.getData().toArray();
              if (!"AWS_IAM".equals(found.get().authType())) {
                return handle(found.get(), rawPath, req, sourceIp(client), body);
              }
              if (authentication == null) {
                return CompletableFuture.completedFuture(forbidden("AccessDeniedException"));
              }
              return authentication.verifyUrlCaller(req, body, found.get().function().account())
                  .thenCompose(account -> handle(found.get(), rawPath, req, sourceIp(client), body))
                  .exceptionally(error -> {
                    if (ApiContext.unwrap(error) instanceof LambdaError e && e.status() == 403) {
                      log.debug("function URL {} refused: {}", found.get().urlId(), e.getMessage());
                      return forbidden(e.type());
                    }
                    throw new CompletionException(error);
                  });
            });
      }).exceptionally(error -> failure(error, limit));
      return completeWithFuture(response);
    });
  }

  private CompletionStage<HttpResponse> handle(FunctionUrlConfig config, String rawPath, HttpRequest req,
      String sourceIp, byte[] body) {
    UrlCors cors = UrlCors.parse(Json.parseObject(config.corsJson().getBytes(StandardCharsets.UTF_8)));
    Optional<String> origin = header(req, "origin");
    Optional<String> preflightMethod = header(req, "access-control-request-method");
    if (req.method().name().equals("OPTIONS") && origin.isPresent() && preflightMethod.isPresent()
        && !cors.equals(UrlCors.NONE)) {
      HttpResponse answer = HttpResponse.create().withStatus(200);
      for (var h : cors.preflight(origin.get(), preflightMethod.get(),
          header(req, "access-control-request-headers").orElse(null)).orElse(List.of())) {
        answer = answer.addHeader(RawHeader.create(h.getKey(), h.getValue()));
      }
      return CompletableFuture.completedFuture(answer);
    }
    String requestId = UUID.randomUUID().toString();
    byte[] event = UrlEvents.event(new UrlRequest(req.method().name(), rawPath,
        req.getUri().rawQueryString().orElse(""), headers(req), sourceIp, header(req, "user-agent").orElse(null),
        body, requestId, System.currentTimeMillis(), req.getUri().host().address(), config.urlId(),
        config.function().account()));
    return ctx.invoker.invoke(config.function(), config.qualifier(), new Invocation(requestId, event, null, false),
            settings.invokeTimeout())
        .thenApply(result -> respond(result, cors, origin.orElse(null), requestId));
  }

  private HttpResponse respond(FunctionAlias.InvokeResult result, UrlCors cors, String origin, String requestId) {
    Outcome outcome = result.outcome();
    HttpResponse response;
    if (outcome instanceof Outcome.Success success) {
      try {
        response = response(UrlReplies.reply(success.payload()));
      } catch (UrlReplies.InvalidReply e) {
        log.debug("function URL reply not valid: {}", e.getMessage());
        response = message(502, "Internal Server Error");
      }
    } else if (outcome instanceof Outcome.FunctionError error) {
      response = timedOut(error.body()) ? message(504, "Gateway Timeout") : message(502, "Internal Server Error");
    } else if (outcome instanceof Outcome.Throttled) {
      response = message(429, "Rate Exceeded.");
    } else if (outcome instanceof Outcome.NotFound) {
      response = message(404, "Not Found");
    } else if (outcome instanceof Outcome.Unavailable) {
      response = message(503, "Service Unavailable");
    } else {
      response = message(500, "Internal Server Error");
    }
    for (var h : cors.responseHeaders(origin)) {
      response = response.addHeader(RawHeader.create(h.getKey(), h.getValue()));
    }
    return response.addHeader(RawHeader.create("x-amzn-RequestId", requestId));
  }

  private static HttpResponse response(UrlReply reply) {
    ContentType type = ContentTypes.APPLICATION_JSON;
    List<HttpHeader> headers = new ArrayList<>(); // in the function's order, cookies last
    for (var h : reply.headers()) {
      String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
      if (name.equals("content-type")) {
        try {
          type = ContentTypes.parse(h.getValue());
        } catch (RuntimeException notAContentType) {
          type = ContentTypes.APPLICATION_OCTET_STREAM;
        }
      } else if (!name.equals("content-length") && !name.equals("transfer-encoding")) {
        headers.add(RawHeader.create(h.getKey(), h.getValue()));
      }
    }
    for (String cookie : reply.cookies()) {
      headers.add(RawHeader.create("Set-Cookie", cookie));
    }
    return HttpResponse.create().withStatus(reply.status()).withHeaders(headers)
        .withEntity(HttpEntities.create(type, reply.body()));
  }

  /** Lambda's timeout error, as the worker reports it. */
  private static boolean timedOut(byte[] errorBody) {
    try {
      JsonNode body = Json.MAPPER.readTree(errorBody);
      return body != null && "Sandbox.Timedout".equals(body.path("errorType").asText());
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** What a function URL with AuthType AWS_IAM answers a caller it cannot verify, as Lambda's URLs do. */
  private static HttpResponse forbidden(String type) {
    return HttpResponse.create().withStatus(403).addHeader(RawHeader.create("x-amzn-ErrorType", type))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"Message\":\"Forbidden\"}"));
  }

  private HttpResponse failure(Throwable error, long limit) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof EntityStreamSizeException || cause.getCause() instanceof EntityStreamSizeException) {
      return message(413, "Request must be smaller than " + limit + " bytes");
    }
    if (cause instanceof EntityStreamException) {
      return message(400, "Bad Request");
    }
    if (ApiContext.toLambdaError(cause) instanceof LambdaError e && e.status() == 503) {
      return message(503, "Service Unavailable");
    }
    log.error("internal error serving a function URL", cause);
    return message(500, "Internal Server Error");
  }

  /** Header values as the function sees them; Pekko keeps Content-Type and Content-Length on the entity. */
  private static List<Map.Entry<String, String>> headers(HttpRequest req) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (HttpHeader h : req.getHeaders()) {
      if (!h.lowercaseName().equals("timeout-access") && !h.lowercaseName().equals("remote-address")
          && !h.lowercaseName().equals("raw-request-uri")) {
        out.add(Map.entry(h.lowercaseName(), h.value()));
      }
    }
    if (!req.entity().getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      out.add(Map.entry("content-type", req.entity().getContentType().toString()));
    }
    req.entity().getContentLengthOption().ifPresent(n -> out.add(Map.entry("content-length", String.valueOf(n))));
    return out;
  }

  private static Optional<String> header(HttpRequest req, String lowercaseName) {
    for (HttpHeader h : req.getHeaders()) {
      if (h.lowercaseName().equals(lowercaseName)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  private static String sourceIp(RemoteAddress client) {
    return client.getAddress().map(a -> a.getHostAddress()).orElse("127.0.0.1");
  }

  private static HttpResponse message(int status, String message) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON,
        ("{\"Message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
