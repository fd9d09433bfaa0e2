package io.petrel.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Scheduled rules, their targets, and the last tick each rule fired, which makes a tick fire once. */
public interface ScheduleStore {

  /**
   * Creates the rule or replaces an existing one of that name, keeping its creation time, its last fired tick, and
   * its anchor when the schedule expression stays the same (the anchor is when the expression last changed).
   * Answers what is stored.
   */
  CompletionStage<ScheduleRule> putRule(ScheduleRule rule);

  CompletionStage<Optional<ScheduleRule>> getRule(String account, String name);

  /**
   * Deletes a rule and its last-fired tick (a rule created again under that name starts afresh).
   * {@link StoreException.NotFound} when there is none, {@link StoreException.InUse} while it has targets.
   */
  CompletionStage<Void> deleteRule(String account, String name);

  /**
   * An account's rules whose names start with {@code namePrefix} (all when null), ordered by name, {@code limit} at
   * most, after {@code marker}.
   */
  CompletionStage<Page<ScheduleRule>> listRules(String account, String namePrefix, String marker, int limit);

  /** Every rule of every account, ordered by account and name: what the scheduler reads. */
  CompletionStage<List<ScheduleRule>> allRules();

  /** Adds targets to a rule, replacing those with the same ids. {@link StoreException.NotFound} without the rule. */
  CompletionStage<Void> putTargets(String account, String rule, Collection<ScheduleTarget> targets);

  /**
   * Removes the targets with these ids (ids it does not have are ignored). {@link StoreException.NotFound} without
   * the rule.
   */
  CompletionStage<Void> removeTargets(String account, String rule, Collection<String> ids);

  /**
   * A rule's targets ordered by id, {@code limit} at most, after {@code marker}. {@link StoreException.NotFound}
   * without the rule.
   */
  CompletionStage<Page<ScheduleTarget>> listTargets(String account, String rule, String marker, int limit);

  /** The last tick the rule fired, if any (none for a missing rule). */
  CompletionStage<Optional<Instant>> lastFired(String account, String rule);

  /**
   * Claims {@code tick} of a rule for firing: true for exactly one caller, when the last fired tick is before it
   * (or there is none), which then becomes {@code tick}; false when the tick (or a later one) was claimed
   * already, even by another node at the same moment, or when the rule is gone.
   */
  CompletionStage<Boolean> claimTick(String account, String rule, Instant tick);
}
