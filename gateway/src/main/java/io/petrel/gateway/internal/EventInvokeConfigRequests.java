package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.FunctionId;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Put and UpdateFunctionEventInvokeConfig bodies turned into the configuration to store. Put replaces all of it
 * (an omitted field takes its default); Update changes only the fields given. In DestinationConfig, an OnSuccess
 * or OnFailure given without a Destination (or with an empty one) removes that destination; on Update one not
 * given at all stays as it was.
 */
public final class EventInvokeConfigRequests {
  private EventInvokeConfigRequests() {}

  /** The whole configuration a Put stores for {@code qualifier} of {@code function}. */
  public static EventInvokeConfig put(JsonNode body, FunctionId function, String qualifier, Instant now) {
    return update(body, EventInvokeConfig.defaults(function, qualifier), now);
  }

  /**
   * {@code current} (or the defaults when the qualifier has none) with the fields the body gives. A Put is an
   * Update of the defaults, so both validate alike.
   */
  public static EventInvokeConfig update(JsonNode body, EventInvokeConfig current, Instant now) {
    OptionalInt retries = Json.integer(body, "MaximumRetryAttempts");
    OptionalInt age = Json.integer(body, "MaximumEventAgeInSeconds");
    Optional<JsonNode> destinations = Json.objectField(body, "DestinationConfig");
    Optional<Optional<String>> onSuccess = destinations.flatMap(d -> destination(d, "OnSuccess"));
    Optional<Optional<String>> onFailure = destinations.flatMap(d -> destination(d, "OnFailure"));
    return new EventInvokeConfig(current.function(), current.qualifier(),
        retries.isPresent() ? EventValidation.range("MaximumRetryAttempts", retries.getAsInt(),
            EventValidation.MIN_INVOKE_RETRIES, EventValidation.MAX_INVOKE_RETRIES) : current.maximumRetryAttempts(),
        age.isPresent() ? EventValidation.range("MaximumEventAgeInSeconds", age.getAsInt(),
            EventValidation.MIN_EVENT_AGE, EventValidation.MAX_EVENT_AGE) : current.maximumEventAgeSeconds(),
        givenOr(onSuccess, current.onSuccess()),
        givenOr(onFailure, current.onFailure()),
        now);
  }

  /** The destination given (null to remove it), else {@code current}. */
  static String givenOr(Optional<Optional<String>> given, String current) {
    return given.isPresent() ? given.get().orElse(null) : current;
  }

  /** Absent when {@code field} is not given; present and empty when given without a destination. */
  static Optional<Optional<String>> destination(JsonNode destinations, String field) {
    return Json.objectField(destinations, field).map(d -> {
      String path = "DestinationConfig." + field + ".Destination";
      Optional<String> given = Json.string(d, "Destination");
      return Optional.ofNullable(EventValidation.destination(path, given.orElse(null)));
    });
  }
}
