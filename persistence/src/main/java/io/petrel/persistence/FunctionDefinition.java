package io.petrel.persistence;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A function as stored: its $LATEST configuration, tags and reserved concurrency. Published versions and
 * aliases are stored beside it and die with it.
 */
public record FunctionDefinition(
    FunctionId id,
    FunctionConfig latest,
    Map<String, String> tags,
    OptionalInt reservedConcurrency,
    Instant created) {

  public FunctionDefinition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(latest, "latest");
    Objects.requireNonNull(created, "created");
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    reservedConcurrency = reservedConcurrency == null ? OptionalInt.empty() : reservedConcurrency;
  }

  public FunctionDefinition withLatest(FunctionConfig config) {
    return new FunctionDefinition(id, config, tags, reservedConcurrency, created);
  }

  public FunctionDefinition withReservedConcurrency(OptionalInt reserved) {
    return new FunctionDefinition(id, latest, tags, reserved, created);
  }
}
