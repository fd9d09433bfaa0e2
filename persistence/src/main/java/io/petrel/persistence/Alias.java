package io.petrel.persistence;

import java.util.Objects;
import java.util.Optional;

/**
 * A named pointer to a version of a function, optionally sending a share of the traffic to a second version
 * ({@code routing}: that version and its weight between 0.0 and 1.0).
 */
public record Alias(
    FunctionId function,
    String name,
    String functionVersion,
    String description,
    Optional<Routing> routing,
    String revisionId) {

  public Alias {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(functionVersion, "functionVersion");
    Objects.requireNonNull(revisionId, "revisionId");
    description = description == null ? "" : description;
    routing = routing == null ? Optional.empty() : routing;
  }

  /** The additional version and the share of invocations (0.0 to 1.0) it receives. */
  public record Routing(String version, double weight) {
    public Routing {
      Objects.requireNonNull(version, "version");
    }
  }

  /** Every version this alias may route to. */
  public boolean references(String version) {
    return functionVersion.equals(version) || routing.map(r -> r.version().equals(version)).orElse(false);
  }
}
