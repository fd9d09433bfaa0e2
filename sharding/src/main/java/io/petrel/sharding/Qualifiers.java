package io.petrel.sharding;

import io.petrel.persistence.Alias;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionStore;
import io.petrel.persistence.VersionedConfig;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What a qualifier names: {@code $LATEST}, a published version number, or an alias. The gateway reads an alias
 * as its primary version; the function's entity lets the alias's weights pick ({@link WeightedRouting}).
 */
public final class Qualifiers {
  private Qualifiers() {}

  /** Whether {@code qualifier} is written as a version number (as alias names never are). */
  public static boolean isVersionNumber(String qualifier) {
    return qualifier.matches("[1-9][0-9]{0,18}");
  }

  /** The version {@code qualifier} numbers; empty when it is no number or one past any version (a long). */
  public static OptionalLong versionNumber(String qualifier) {
    if (!isVersionNumber(qualifier)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(qualifier));
    } catch (NumberFormatException tooLarge) {
      return OptionalLong.empty();
    }
  }

  /** The version and configuration {@code qualifier} names for this function, empty if it names nothing. */
  public static CompletionStage<Optional<VersionedConfig>> resolve(FunctionStore store, FunctionDefinition function,
      String qualifier, Function<Alias, String> aliasVersion) {
    if (qualifier.equals(VersionedConfig.LATEST)) {
      return CompletableFuture.completedFuture(Optional.of(latest(function)));
    }
    if (isVersionNumber(qualifier)) {
      OptionalLong number = versionNumber(qualifier);
      return number.isEmpty() ? CompletableFuture.completedFuture(Optional.empty())
          : store.getVersion(function.id(), number.getAsLong());
    }
    return store.getAlias(function.id(), qualifier).thenCompose(alias -> {
      if (alias.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      String version = aliasVersion.apply(alias.get());
      return version.equals(VersionedConfig.LATEST)
          ? CompletableFuture.completedFuture(Optional.of(latest(function)))
          : store.getVersion(function.id(), Long.parseLong(version));
    });
  }

  private static VersionedConfig latest(FunctionDefinition function) {
    return new VersionedConfig(function.id(), VersionedConfig.LATEST, function.latest());
  }
}
