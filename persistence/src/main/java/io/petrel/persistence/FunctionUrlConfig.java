package io.petrel.persistence;

import java.time.Instant;
import java.util.Objects;

/**
 * A function URL: an HTTP endpoint, named by {@code urlId} (32 lowercase letters and digits, unique across the
 * store), that invokes one qualifier of a function: {@code $LATEST} or an alias. {@code corsJson} is the Cors
 * object as the API gave it (a JSON object, "{}" for none); {@code authType} NONE or AWS_IAM; {@code invokeMode}
 * BUFFERED.
 */
public record FunctionUrlConfig(FunctionId function, String qualifier, String urlId, String authType,
    String corsJson, String invokeMode, Instant created, Instant modified) {

  public FunctionUrlConfig {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(qualifier, "qualifier");
    Objects.requireNonNull(urlId, "urlId");
    Objects.requireNonNull(authType, "authType");
    Objects.requireNonNull(corsJson, "corsJson");
    Objects.requireNonNull(invokeMode, "invokeMode");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(modified, "modified");
  }
}
