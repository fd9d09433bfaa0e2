package io.petrel.persistence;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Function URL configurations: at most one per function qualifier, each found again by its URL id. */
public interface FunctionUrlStore {

  /**
   * Stores a new URL configuration. Fails with {@link StoreException.NotFound} when the function (or, for an alias
   * qualifier, the alias) does not exist, and {@link StoreException.AlreadyExists} when that qualifier has a URL.
   */
  CompletionStage<FunctionUrlConfig> createUrlConfig(FunctionUrlConfig config);

  CompletionStage<Optional<FunctionUrlConfig>> getUrlConfig(FunctionId function, String qualifier);

  /** The configuration an HTTP request to URL {@code urlId} is for. */
  CompletionStage<Optional<FunctionUrlConfig>> findUrlConfig(String urlId);

  /**
   * Replaces auth type, Cors, invoke mode and modified time of the configuration of {@code config}'s function
   * qualifier, keeping its URL id and creation time; answers what is stored now. {@link StoreException.NotFound}
   * when it has none.
   */
  CompletionStage<FunctionUrlConfig> updateUrlConfig(FunctionUrlConfig config);

  /** {@link StoreException.NotFound} when the qualifier has no URL. */
  CompletionStage<Void> deleteUrlConfig(FunctionId function, String qualifier);

  /** A function's URL configurations ordered by qualifier, {@code limit} at most, after {@code marker}. */
  CompletionStage<Page<FunctionUrlConfig>> listUrlConfigs(FunctionId function, String marker, int limit);
}
