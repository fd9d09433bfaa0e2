package io.petrel.persistence;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * Functions, their published versions and aliases. Every call is asynchronous; engines do blocking work on
 * their own threads. Failures a caller should expect complete the stage with a {@link StoreException}.
 *
 * <p>Checks and writes of one call are atomic: a RevisionId check and the write it guards cannot be separated
 * by another writer, and two PublishVersion calls never receive the same number.
 */
public interface FunctionStore {

  /** Stores a new function; {@link StoreException.AlreadyExists} when the name is taken in its account. */
  CompletionStage<FunctionDefinition> createFunction(FunctionDefinition function);

  CompletionStage<Optional<FunctionDefinition>> getFunction(FunctionId id);

  /**
   * Functions of an account ordered by name, $LATEST only, or with every published version after its $LATEST
   * when {@code includeVersions}. {@code marker} is a previous page's next marker, or null for the first page.
   */
  CompletionStage<Page<VersionedConfig>> listFunctions(
      String account, boolean includeVersions, String marker, int limit);

  /**
   * Replaces $LATEST. {@code expectedRevisionId}, when not null, must be the current revision of $LATEST or
   * the call fails with {@link StoreException.PreconditionFailed}.
   */
  default CompletionStage<FunctionDefinition> updateLatest(
      FunctionId id, String expectedRevisionId, FunctionConfig latest) {
    return modifyLatest(id, expectedRevisionId, current -> latest);
  }

  /**
   * Replaces $LATEST with {@code change} applied to it, atomically: no other write to $LATEST comes between
   * reading it and writing the result. {@code change} must be quick and side-effect free; an exception it
   * throws fails the call unchanged and nothing is written. {@code expectedRevisionId}, when not null, must be
   * the current revision or the call fails with {@link StoreException.PreconditionFailed}.
   */
  CompletionStage<FunctionDefinition> modifyLatest(
      FunctionId id, String expectedRevisionId, UnaryOperator<FunctionConfig> change);

  /** Sets (a value) or removes (empty) the function's reserved concurrency. */
  CompletionStage<FunctionDefinition> putReservedConcurrency(FunctionId id, OptionalInt reserved);

  /** Deletes the function with all its versions and aliases. */
  CompletionStage<Void> deleteFunction(FunctionId id);

  /**
   * Publishes $LATEST as the next version number. When $LATEST has not changed since the newest published
   * version, that version is returned and nothing is written (as Lambda does). Version numbers are never
   * reused, even after a version is deleted.
   *
   * @param expectedRevisionId null, or the revision $LATEST must still have
   * @param description the version's description; null keeps the function's
   * @param versionRevisionId the revision id the new version gets
   */
  CompletionStage<VersionedConfig> publishVersion(
      FunctionId id, String expectedRevisionId, String description, String versionRevisionId, Instant now);

  /** A published version by number; $LATEST is read with {@link #getFunction}. */
  CompletionStage<Optional<VersionedConfig>> getVersion(FunctionId id, long version);

  /** Published versions in ascending order; $LATEST is not part of this listing. */
  CompletionStage<Page<VersionedConfig>> listVersions(FunctionId id, String marker, int limit);

  /** Deletes a published version; {@link StoreException.InUse} while an alias routes to it. */
  CompletionStage<Void> deleteVersion(FunctionId id, long version);

  /**
   * Stores a new alias. The function and every version it routes to must exist ({@link StoreException.NotFound});
   * the name must be free ({@link StoreException.AlreadyExists}).
   */
  CompletionStage<Alias> createAlias(Alias alias);

  CompletionStage<Optional<Alias>> getAlias(FunctionId id, String name);

  /** Aliases ordered by name; only those routing to {@code functionVersion} when it is not null. */
  CompletionStage<Page<Alias>> listAliases(FunctionId id, String functionVersion, String marker, int limit);

  /** Replaces an alias, checking {@code expectedRevisionId} when not null, and that its versions exist. */
  CompletionStage<Alias> updateAlias(Alias alias, String expectedRevisionId);

  CompletionStage<Void> deleteAlias(FunctionId id, String name);
}
