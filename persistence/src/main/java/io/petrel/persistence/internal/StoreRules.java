package io.petrel.persistence.internal;

import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.persistence.Page;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every engine answers alike: revision checks, paging, the not-found and already-exists messages Lambda (and
 * EventBridge) uses, and what an update of a function URL, an event-source mapping or a scheduled rule keeps.
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

  public static StoreException.NotFound eventConfigNotFound(FunctionId id, String qualifier) {
    return new StoreException.NotFound("The function " + qualified(id, qualifier)
        + " doesn't have an EventInvokeConfig");
  }

  public static StoreException.NotFound mappingNotFound(String uuid) {
    return new StoreException.NotFound("Event source mapping not found: " + uuid);
  }

  public static StoreException.AlreadyExists mappingExists(String uuid) {
    return new StoreException.AlreadyExists("An event source mapping with UUID " + uuid + " already exists");
  }

  /** Whether a qualifier names a published version (digits only) rather than $LATEST or an alias. */
  public static boolean isVersion(String qualifier) {
    return !qualifier.isEmpty() && qualifier.chars().allMatch(ch -> ch >= '0' && ch <= '9');
  }

  /** The number of the version a qualifier names, or -1 when it is no version number ("0", "007", "live"). */
  public static long versionNumber(String qualifier) {
    long number = parseOr(qualifier, -1);
    return number >= 1 && Long.toString(number).equals(qualifier) ? number : -1;
  }

  /**
   * {@code current} with what an update replaces taken from {@code update}: its topics, brokers, starting
   * position and consumer group stay (a Kafka source is fixed when the mapping is created), and so does the last
   * processing result, which only the nodes running the mapping report.
   */
  public static EventSourceMapping updatedMapping(EventSourceMapping current, EventSourceMapping update) {
    return new EventSourceMapping(current.uuid(), update.function(), update.qualifier(), current.topics(),
        current.startingPosition(), update.batchSize(), update.maximumBatchingWindowSeconds(),
        current.bootstrapServers(), current.consumerGroupId(), update.maximumRetryAttempts(),
        update.bisectBatchOnFunctionError(), update.onFailure(), update.reportBatchItemFailures(), update.enabled(),
        update.state(), update.stateTransitionReason(), current.lastProcessingResult(), update.modified());
  }

  /** {@code current} with what an update replaces taken from {@code update}: the URL id and creation time stay. */
  public static FunctionUrlConfig updatedUrl(FunctionUrlConfig current, FunctionUrlConfig update) {
    return new FunctionUrlConfig(current.function(), current.qualifier(), current.urlId(), update.authType(),
        update.corsJson(), update.invokeMode(), current.created(), update.modified());
  }

  public static StoreException.NotFound ruleNotFound(String name) {
    return new StoreException.NotFound("Rule " + name + " does not exist on EventBus default.");
  }

  public static StoreException.InUse ruleHasTargets() {
    return new StoreException.InUse("Rule can't be deleted since it has targets.");
  }

  /**
   * What {@code put} replacing {@code current} stores: its creation time stays, and so does its anchor unless the
   * schedule expression changes (the anchor is when the expression last changed).
   */
  public static ScheduleRule updatedRule(ScheduleRule current, ScheduleRule put) {
    return new ScheduleRule(put.account(), put.name(), put.scheduleExpression(), put.state(), put.description(),
        current.scheduleExpression().equals(put.scheduleExpression()) ? current.anchor() : put.anchor(),
        current.created(), put.modified());
  }

  /** Fails unless every target belongs to {@code account}'s {@code rule}. */
  public static void checkTargetsOf(String account, String rule, Collection<ScheduleTarget> targets) {
    for (ScheduleTarget target : targets) {
      if (!target.account().equals(account) || !target.rule().equals(rule)) {
        throw new IllegalArgumentException("target " + target.id() + " belongs to rule " + target.rule()
            + " of account " + target.account() + ", not to rule " + rule + " of account " + account);
      }
    }
  }

  private static String qualified(FunctionId id, String qualifier) {
    return VersionedConfig.LATEST.equals(qualifier) ? id.name() : id.name() + ":" + qualifier;
  }
}
