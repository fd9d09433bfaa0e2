package io.petrel.gateway.internal;

import io.petrel.gateway.AuthSettings;
import io.petrel.gateway.AuthSettings.AccessKey;
import io.petrel.gateway.GatewaySettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * Who a request acts for. With authentication required, a request must carry an AWS Signature Version 4 of one
 * of the configured access keys ({@link SignatureCheck}); it then acts for that key's account. The signature is
 * checked in two steps: what needs no body first (a request without a known key never has its body read), then,
 * with the body read up to the largest request the API takes, the signature itself; the routes behind get the
 * body already read. Without authentication every request acts for the gateway's own account.
 */
public final class Authentication extends AllDirectives {
  /** The service requests are signed for: Lambda's API and function URLs, or EventBridge's JSON 1.1 operations. */
  public static final String LAMBDA = "lambda";
  public static final String EVENTS = "events";

  private final AuthSettings auth;
  private final GatewaySettings settings;
  private final SignatureCheck check;
  private final Materializer materializer;

  public Authentication(AuthSettings auth, GatewaySettings settings, Clock clock, Materializer materializer) {
    this.auth = auth;
    this.settings = settings;
    this.check = new SignatureCheck(auth, settings.region(), clock);
    this.materializer = materializer;
  }

  /**
   * Runs {@code inner} for the account the request acts for, or answers 403 in the shape {@code refusal} gives
   * the error (Lambda's or EventBridge's).
   */
  public Route authenticate(Function<String, Route> inner,
      Function<LambdaError, org.apache.pekko.http.javadsl.model.HttpResponse> refusal) {
    if (!auth.required()) {
      return inner.apply(settings.account());
    }
    return extractRequest(req -> {
      String service = serviceOf(req);
      SignatureCheck.Request signed = signedRequest(req);
      SignatureCheck.Claim claim;
      try {
        claim = check.precheck(signed, service);
      } catch (LambdaError refused) {
        return completeWithFuture(req.discardEntityBytes(materializer).completionStage()
            .handle((done, error) -> refusal.apply(refused)));
      }
      long limit = settings.maxCodeRequestBytes();
      var declared = req.entity().getContentLengthOption();
      if (declared.isPresent() && declared.getAsLong() > limit) {
        return inner.apply(claim.account()); // refused as too large by the route, without reading it
      }
      CompletionStage<HttpEntity.Strict> body = req.entity().withSizeLimit(limit)
          .toStrict(settings.requestTimeout().toMillis(), limit, materializer);
      return onComplete(() -> body.handle((strict, error) -> error == null ? strict : null), strict -> {
        if (strict.isFailure() || strict.get() == null) {
          // unreadable or too large: the route behind answers it, reading the (failed) entity itself
          return inner.apply(claim.account());
        }
        try {
          check.verify(signed, strict.get().getData().toArray(), claim, service);
        } catch (LambdaError refused) {
          return complete(refusal.apply(refused));
        }
        return mapRequest(r -> r.withEntity(strict.get()), () -> inner.apply(claim.account()));
      });
    });
  }

  /**
   * Whether a function URL request with AuthType AWS_IAM is signed (service lambda) by a key of {@code account}:
   * the caller's account when it is, else the 403 error. The body is the one the caller already read.
   */
  public CompletionStage<String> verifyUrlCaller(HttpRequest req, byte[] body, String account) {
    try {
      SignatureCheck.Request signed = signedRequest(req);
      SignatureCheck.Claim claim = check.precheck(signed, LAMBDA);
      check.verify(signed, body, claim, LAMBDA);
      if (!claim.account().equals(account)) {
        throw LambdaError.forbidden("AccessDeniedException", "Forbidden: the caller's account may not invoke"
            + " this function URL");
      }
      return CompletableFuture.completedFuture(claim.account());
    } catch (LambdaError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A link to {@code rawPath} on {@code host} that a key of {@code account} signed, valid for a while. */
  public String link(String account, String host, String rawPath) {
    if (!auth.required()) {
      return "http://" + host + rawPath;
    }
    Optional<AccessKey> key = auth.keys().values().stream().filter(k -> k.account().equals(account)).findFirst();
    return key.map(k -> check.presign(k, host, rawPath, LAMBDA, auth.codeLinkExpiry()))
        .orElse("http://" + host + rawPath);
  }

  private static String serviceOf(HttpRequest req) {
    boolean jsonOneOne = req.method().name().equals("POST") && req.getHeader("X-Amz-Target").isPresent()
        && (req.getUri().path().isEmpty() || req.getUri().path().equals("/"));
    return jsonOneOne ? EVENTS : LAMBDA;
  }

  /**
   * The request as its signature covers it: the path and query exactly as sent (from the Raw-Request-URI header
   * the server adds), the headers by lower-case name with their values as sent, Content-Type and Content-Length
   * from the entity.
   */
  static SignatureCheck.Request signedRequest(HttpRequest req) {
    String raw = req.getHeader("Raw-Request-URI").map(HttpHeader::value)
        .orElse(req.getUri().toRelative().toString());
    if (raw.startsWith("http://") || raw.startsWith("https://")) { // absolute-form request target
      int slash = raw.indexOf('/', raw.indexOf("//") + 2);
      raw = slash < 0 ? "/" : raw.substring(slash);
    }
    int question = raw.indexOf('?');
    String path = question < 0 ? raw : raw.substring(0, question);
    String query = question < 0 ? "" : raw.substring(question + 1);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpHeader header : req.getHeaders()) {
      String name = header.lowercaseName();
      if (!name.equals("raw-request-uri") && !name.equals("timeout-access")) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(header.value());
      }
    }
    HttpEntity entity = req.entity();
    headers.put("content-type", List.of(entity.getContentType().toString())); // used only when it was signed
    entity.getContentLengthOption().ifPresent(length -> headers.put("content-length", List.of(Long.toString(length))));
    String host = req.getHeader("Host").map(HttpHeader::value)
        .orElse(req.getUri().host().address() + (req.getUri().port() > 0 ? ":" + req.getUri().port() : ""));
    return new SignatureCheck.Request(req.method().name().toUpperCase(Locale.ROOT), host, path, query, headers);
  }
}
