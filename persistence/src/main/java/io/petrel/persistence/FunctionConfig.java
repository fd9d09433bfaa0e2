package io.petrel.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of one function version: $LATEST (mutable, replaced as a whole on every change) or a
 * published version (immutable). The code is referenced by the hex SHA-256 of its zip.
 *
 * <p>{@code revisionId} changes with every change; {@link #sameContentAs} ignores it and the time of the change,
 * which is what "unchanged since the last published version" means for PublishVersion.
 */
public record FunctionConfig(
    String runtime,
    String handler,
    String role,
    String description,
    int timeoutSeconds,
    int memorySizeMb,
    Map<String, String> environment,
    List<String> architectures,
    String codeSha256,
    long codeSize,
    String revisionId,
    Instant lastModified) {

  public FunctionConfig {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(codeSha256, "codeSha256");
    Objects.requireNonNull(revisionId, "revisionId");
    Objects.requireNonNull(lastModified, "lastModified");
    handler = handler == null ? "" : handler;
    role = role == null ? "" : role;
    description = description == null ? "" : description;
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    architectures = architectures == null || architectures.isEmpty() ? List.of("x86_64") : List.copyOf(architectures);
  }

  /** True when code and every setting are equal; revision and modification time are not compared. */
  public boolean sameContentAs(FunctionConfig other) {
    return runtime.equals(other.runtime)
        && handler.equals(other.handler)
        && role.equals(other.role)
        && description.equals(other.description)
        && timeoutSeconds == other.timeoutSeconds
        && memorySizeMb == other.memorySizeMb
        && environment.equals(other.environment)
        && architectures.equals(other.architectures)
        && codeSha256.equals(other.codeSha256);
  }

  public FunctionConfig withRevision(String newRevisionId, Instant modified) {
    return new FunctionConfig(runtime, handler, role, description, timeoutSeconds, memorySizeMb, environment,
        architectures, codeSha256, codeSize, newRevisionId, modified);
  }

  public FunctionConfig withDescription(String newDescription) {
    return new FunctionConfig(runtime, handler, role, newDescription, timeoutSeconds, memorySizeMb, environment,
        architectures, codeSha256, codeSize, revisionId, lastModified);
  }
}
