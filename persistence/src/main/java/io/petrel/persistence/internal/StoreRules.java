package io.petrel.persistence.internal;

import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.persistence.Page;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every engine answers alike: revision checks, paging, the not-found and already-exists messages Lambda uses,
 * and what an update of a function URL keeps.
 */
public final class StoreRules {
  private StoreRules() {}

  public static void checkRevision(String expected, String actual, String what) {
    if (expected != null && !expected.equals(actual)) {
      throw new StoreException.PreconditionFailed("The Revision Id provided does not match the latest Revision Id"
          + " of the " + what + ". Call the Get operation to get the latest Revision Id");
    }
  }

  /** A page of at most {@code limit} items from {@code fetched} (read with limit + 1 to know whether more follow). */
  public static <T> Page<T> page(List<T> fetched, int limit, Function<T, String> markerOf) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, Optional.empty());
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(items, Optional.of(markerOf.apply(items.get(items.size() - 1))));
  }

  public static long parseOr(String s, long fallback) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  public static StoreException.NotFound notFound(FunctionId id, String qualifier) {
    return new StoreException.NotFound("Function not found: " + id.name() + (qualifier == null ? "" : ":" + qualifier));
  }

  public static StoreException.NotFound aliasNotFound(FunctionId id, String alias) {
    return new StoreException.NotFound("Alias not found: " + id.name() + ":" + alias);
  }

  public static StoreException.NotFound urlNotFound(FunctionId id, String qualifier) {
    return new StoreException.NotFound("Function URL config not found: " + qualified(id, qualifier));
  }

  public static StoreException.AlreadyExists urlExists(FunctionId id, String qualifier) {
    return new StoreException.AlreadyExists("Failed to create function url config for [function = "
        + qualified(id, qualifier) + "]. Error message:  FunctionUrlConfig exists for this Lambda function");
  }

  /** {@code current} with what an update replaces taken from {@code update}: the URL id and creation time stay. */
  public static FunctionUrlConfig updatedUrl(FunctionUrlConfig current, FunctionUrlConfig update) {
    return new FunctionUrlConfig(current.function(), current.qualifier(), current.urlId(), update.authType(),
        update.corsJson(), update.invokeMode(), current.created(), update.modified());
  }

  private static String qualified(FunctionId id, String qualifier) {
    return VersionedConfig.LATEST.equals(qualifier) ? id.name() : id.name() + ":" + qualifier;
  }
}
