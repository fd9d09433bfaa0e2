package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.StoreException;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS JSON 1.1 face of the gateway, on the same port as Lambda's REST API: {@code POST /} with an
 * {@code X-Amz-Target} header. {@code AWSEvents.<Operation>} goes to {@link ScheduleApi}; any other target is
 * answered UnknownOperationException. Requests without the header are not matched here and go on to the Lambda
 * routes. Answers carry {@code application/x-amz-json-1.1}; failures are {@code {"__type","message"}} with the
 * x-amzn-ErrorType header, HTTP 400, or 500 for InternalException.
 */
public final class EventBridgeRoutes extends AllDirectives {
  public static final String TARGET_PREFIX = "AWSEvents.";
  private static final Logger log = LoggerFactory.getLogger(EventBridgeRoutes.class);
  private static final ContentType JSON_1_1 = ContentTypes.create(MediaTypes.applicationBinary("x-amz-json-1.1", true));

  private final GatewaySettings settings;
  private final ScheduleApi schedules;
  private final Materializer materializer;

  public EventBridgeRoutes(ApiContext ctx, Materializer materializer) {
    this.settings = ctx.settings;
    this.schedules = new ScheduleApi(ctx);
    this.materializer = materializer;
  }

  public Route route() {
    return pathEndOrSingleSlash(() -> post(() -> headerValueByName("X-Amz-Target", target -> {
      if (!target.startsWith(TARGET_PREFIX)) {
        return complete(errorResponse(EventsError.unknownOperation("No operation matches X-Amz-Target '"
            + abbreviate(target) + "': this endpoint answers Lambda's REST API and EventBridge's " + TARGET_PREFIX
            + "* schedule operations")));
      }
      String operation = target.substring(TARGET_PREFIX.length());
      return withBody(body -> schedules.call(operation, body));
    })));
  }

  /** Reads the body up to the control-plane limit (refused from Content-Length before any of it is read). */
  private Route withBody(java.util.function.Function<byte[], CompletionStage<ApiReply>> operation) {
    long limit = settings.maxControlPlaneRequestBytes();
    return extractRequest(req -> {
      var declared = req.entity().getContentLengthOption();
      if (declared.isPresent() && declared.getAsLong() > limit) {
        return completeWithFuture(req.discardEntityBytes(materializer).completionStage()
            .handle((done, error) -> errorResponse(tooLarge(limit))));
      }
      CompletionStage<HttpResponse> response = req.entity().withSizeLimit(limit)
          .toStrict(settings.requestTimeout().toMillis(), limit, materializer)
          .thenCompose(strict -> ApiContext.attempt(() -> operation.apply(strict.getData().toArray())))
          .handle((reply, error) -> error == null ? response(reply) : errorResponse(error));
      return completeWithFuture(response);
    });
  }

  private HttpResponse errorResponse(Throwable error) {
    EventsError e = toEventsError(ApiContext.unwrap(error), settings.maxControlPlaneRequestBytes());
    if (e == null) {
      log.error("internal error answering an EventBridge request", ApiContext.unwrap(error));
      e = EventsError.internal("Petrel could not complete the request: "
          + ApiContext.unwrap(error).getClass().getSimpleName());
    }
    ObjectNode body = Json.object();
    body.put("__type", e.type());
    body.put("message", e.getMessage());
    return response(new ApiReply(e.status(), Json.bytes(body), ScheduleApi.CONTENT_TYPE, java.util.Map.of())
        .withHeader("x-amzn-ErrorType", e.type()));
  }

  /** The EventBridge error a failure is answered with; null for an unexpected one (a bug or an engine failure). */
  static EventsError toEventsError(Throwable cause, long bodyLimit) {
    if (cause instanceof EventsError e) {
      return e;
    } else if (cause instanceof LambdaError e) {
      return e.status() >= 500 ? EventsError.internal(e.getMessage()) : EventsError.validation(e.getMessage());
    } else if (cause instanceof StoreException.NotFound e) {
      return EventsError.notFound(e.getMessage());
    } else if (cause instanceof StoreException.AlreadyExists e) {
      return EventsError.alreadyExists(e.getMessage());
    } else if (cause instanceof StoreException.InUse e) {
      return EventsError.validation(e.getMessage());
    } else if (cause instanceof StoreException.PreconditionFailed e) {
      return EventsError.validation(e.getMessage());
    } else if (cause instanceof StoreException.Unavailable e) {
      return EventsError.internal(e.getMessage());
    } else if (cause instanceof EntityStreamSizeException || cause.getCause() instanceof EntityStreamSizeException) {
      return tooLarge(bodyLimit);
    } else if (cause instanceof EntityStreamException broken) {
      return EventsError.validation(ControlPlaneRoutes.unreadable(broken).getMessage());
    } else if (cause instanceof CompletionException && cause.getCause() != null) {
      return toEventsError(cause.getCause(), bodyLimit);
    }
    return null;
  }

  private static EventsError tooLarge(long limit) {
    return EventsError.validation("Request must be smaller than " + limit + " bytes");
  }

  private static HttpResponse response(ApiReply r) {
    HttpResponse response = HttpResponse.create().withStatus(r.status())
        .addHeader(RawHeader.create("x-amzn-RequestId", UUID.randomUUID().toString()));
    for (var header : r.headers().entrySet()) {
      response = response.addHeader(RawHeader.create(header.getKey(), header.getValue()));
    }
    return response.withEntity(HttpEntities.create(JSON_1_1, r.body()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
