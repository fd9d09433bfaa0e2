package io.petrel.sharding;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How one invocation ended. Each kind maps to one Lambda answer in the gateway: a result, a function error
 * (200 with X-Amz-Function-Error), a throttle (429), a missing function (404), a platform failure (500) or an unavailable store (503).
 * Bodies are raw bytes, passed through untouched (CBOR byte strings when they cross nodes).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Outcome.Success.class, name = "Success"),
    @JsonSubTypes.Type(value = Outcome.FunctionError.class, name = "FunctionError"),
    @JsonSubTypes.Type(value = Outcome.Throttled.class, name = "Throttled"),
    @JsonSubTypes.Type(value = Outcome.NotFound.class, name = "NotFound"),
    @JsonSubTypes.Type(value = Outcome.PlatformError.class, name = "PlatformError"),
    @JsonSubTypes.Type(value = Outcome.Unavailable.class, name = "Unavailable")})
public sealed interface Outcome extends CborSerializable {

  record Success(byte[] payload) implements Outcome {}

  /** The function failed: an error it raised, a failed init, a crash, a timeout or an oversized response. */
  record FunctionError(String errorType, byte[] body) implements Outcome {}

  record Throttled(String reason, String message) implements Outcome {}

  record NotFound(String message) implements Outcome {}

  record PlatformError(String message) implements Outcome {}

  /** Something the invocation needs (the store) cannot be reached now; the caller may retry. */
  record Unavailable(String message) implements Outcome {}
}
