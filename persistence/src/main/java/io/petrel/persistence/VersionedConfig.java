package io.petrel.persistence;

import java.util.Objects;

/**
 * One version of a function with its configuration: {@code $LATEST} or a published version number. Published
 * versions are immutable: their code hash and configuration never change.
 */
public record VersionedConfig(FunctionId function, String version, FunctionConfig config) {
  public static final String LATEST = "$LATEST";

  public VersionedConfig {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(config, "config");
  }

  public boolean isLatest() {
    return LATEST.equals(version);
  }
}
