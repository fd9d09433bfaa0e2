package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.petrel.persistence.Page;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Scheduled rules on Cassandra: {@code schedule_rules} has a row per rule in its account's partition, ordered by
 * name; {@code schedule_targets} a partition per rule, ordered by target id.
 *
 * <p>Every write to a rule's row is a lightweight transaction, so they are applied one at a time in one order on
 * every node:
 * <ul>
 *   <li>A tick is claimed with {@code IF last_fired_ms < tick} (the first with {@code IF last_fired_ms = null},
 *       which also needs the rule to exist): of several nodes claiming one tick at once, one wins.</li>
 *   <li>A put creates with {@code IF NOT EXISTS}, or replaces with {@code IF schedule_expression = <what was read>}
 *       so that the anchor it keeps or renews goes with the expression it replaces. Either way a lost race is
 *       retried from a fresh read.</li>
 *   <li>PutTargets writes the targets and then changes the rule's {@code targets_op} ({@code IF EXISTS}), and a
 *       delete that found no targets applies only {@code IF targets_op} is still what it read: a rule is never
 *       deleted from under targets put at the same time, and targets put on a rule deleted meanwhile are removed
 *       again and reported as not found.</li>
 * </ul>
 * Deleting the row deletes the last fired tick with it.
 */
public final class CassandraSchedules {
  private static final String RULE_COLUMNS = "account, name, schedule_expression, state, description, anchor_ms,"
      + " created_ms, modified_ms";
  private static final int MAX_ATTEMPTS = 20;

  /** A rule's row as read: the rule, its last fired tick and its targets_op (both may be null). */
  private record Stored(ScheduleRule rule, Long lastFiredMs, UUID targetsOp) {}

  private final CqlSession session;
  private final PreparedStatement readRule;
  private final PreparedStatement readFrom;
  private final PreparedStatement readAfter;
  private final PreparedStatement readAll;
  private final PreparedStatement insertRule;
  private final PreparedStatement updateRule;
  private final PreparedStatement deleteRule;
  private final PreparedStatement claimAfter;
  private final PreparedStatement claimFirst;
  private final PreparedStatement touchTargets;
  private final PreparedStatement writeTarget;
  private final PreparedStatement deleteTarget;
  private final PreparedStatement readTargets;

  public CassandraSchedules(CqlSession session, String keyspace) {
    this.session = session;
    String rules = keyspace + ".schedule_rules";
    String targets = keyspace + ".schedule_targets";
    String key = " WHERE account = ? AND name = ?";
    String select = "SELECT " + RULE_COLUMNS + ", last_fired_ms, targets_op FROM " + rules;
    readRule = session.prepare(select + key);
    readFrom = session.prepare(select + " WHERE account = ? AND name >= ?");
    readAfter = session.prepare(select + " WHERE account = ? AND name > ?");
    readAll = session.prepare(select);
    insertRule = session.prepare("INSERT INTO " + rules + " (" + RULE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        + " IF NOT EXISTS");
    updateRule = session.prepare("UPDATE " + rules + " SET schedule_expression = ?, state = ?, description = ?,"
        + " anchor_ms = ?, modified_ms = ?" + key + " IF schedule_expression = ?");
    deleteRule = session.prepare("DELETE FROM " + rules + key + " IF schedule_expression = ? AND targets_op = ?");
    claimAfter = session.prepare("UPDATE " + rules + " SET last_fired_ms = ?" + key + " IF last_fired_ms < ?");
    claimFirst = session.prepare("UPDATE " + rules + " SET last_fired_ms = ?" + key
        + " IF created_ms != null AND last_fired_ms = null");
    touchTargets = session.prepare("UPDATE " + rules + " SET targets_op = ?" + key + " IF EXISTS");
    writeTarget = session.prepare("INSERT INTO " + targets + " (account, rule, id, arn, input) VALUES (?, ?, ?, ?, ?)");
    deleteTarget = session.prepare("DELETE FROM " + targets + " WHERE account = ? AND rule = ? AND id = ?");
    readTargets = session.prepare("SELECT id, arn, input FROM " + targets + " WHERE account = ? AND rule = ?"
        + " AND id > ? LIMIT ?");
  }

  // ---- rules ----

  public CompletionStage<ScheduleRule> put(ScheduleRule rule) {
    return put(rule, 1);
  }

  private CompletionStage<ScheduleRule> put(ScheduleRule rule, int attempt) {
    return read(rule.account(), rule.name()).thenCompose(current -> {
      if (current == null) {
        return applied(insertRule.bind(rule.account(), rule.name(), rule.scheduleExpression(), rule.state(),
            rule.description(), rule.anchor().toEpochMilli(), rule.created().toEpochMilli(),
            rule.modified().toEpochMilli()))
            .thenCompose(done -> done ? CompletableFuture.completedFuture(rule) : again(attempt, rule.name(),
                () -> put(rule, attempt + 1)));
      }
      ScheduleRule updated = StoreRules.updatedRule(current.rule(), rule);
      return applied(updateRule.bind(updated.scheduleExpression(), updated.state(), updated.description(),
          updated.anchor().toEpochMilli(), updated.modified().toEpochMilli(), rule.account(), rule.name(),
          current.rule().scheduleExpression()))
          .thenCompose(done -> done ? CompletableFuture.completedFuture(updated) : again(attempt, rule.name(),
              () -> put(rule, attempt + 1)));
    });
  }

  public CompletionStage<Optional<ScheduleRule>> get(String account, String name) {
    return read(account, name).thenApply(stored -> Optional.ofNullable(stored).map(Stored::rule));
  }

  public CompletionStage<Void> delete(String account, String name) {
    return delete(account, name, 1);
  }

  private CompletionStage<Void> delete(String account, String name, int attempt) {
    return read(account, name).thenCompose(current -> {
      if (current == null) {
        throw StoreRules.ruleNotFound(name);
      }
      return targets(account, name, "", 1).thenCompose(targets -> {
        if (!targets.isEmpty()) {
          throw StoreRules.ruleHasTargets();
        }
        return applied(deleteRule.bind(account, name, current.rule().scheduleExpression(), current.targetsOp()))
            .thenCompose(done -> done ? CompletableFuture.<Void>completedFuture(null) : again(attempt, name,
                () -> delete(account, name, attempt + 1)));
      });
    });
  }

  /** A page of the account's rules named with {@code prefix} (any when null), after {@code marker}. */
  public CompletionStage<Page<ScheduleRule>> list(String account, String prefix, String marker, int limit) {
    String after = marker == null ? "" : marker;
    boolean fromPrefix = prefix != null && prefix.compareTo(after) > 0;
    List<ScheduleRule> found = new ArrayList<>();
    return Cql.scan(session, fromPrefix ? readFrom.bind(account, prefix) : readAfter.bind(account, after), row -> {
      ScheduleRule rule = rule(row);
      if (rule == null) {
        return true;
      }
      if (prefix != null && !rule.name().startsWith(prefix)) {
        return rule.name().compareTo(prefix) < 0; // names with the prefix follow one another
      }
      found.add(rule);
      return found.size() <= limit;
    }).thenApply(done -> StoreRules.page(found, limit, ScheduleRule::name));
  }

  /** Every rule, read from the whole table: rules are few. */
  public CompletionStage<List<ScheduleRule>> all() {
    return Cql.all(session, readAll.bind()).thenApply(rows -> rows.stream()
        .map(CassandraSchedules::rule)
        .filter(Objects::nonNull)
        .sorted(Comparator.comparing(ScheduleRule::account).thenComparing(ScheduleRule::name))
        .toList());
  }

  // ---- ticks ----

  public CompletionStage<Optional<Instant>> lastFired(String account, String name) {
    return read(account, name).thenApply(stored -> stored == null || stored.lastFiredMs() == null
        ? Optional.<Instant>empty()
        : Optional.of(Instant.ofEpochMilli(stored.lastFiredMs())));
  }

  public CompletionStage<Boolean> claim(String account, String name, Instant tick) {
    return claim(account, name, tick.toEpochMilli(), 1);
  }

  private CompletionStage<Boolean> claim(String account, String name, long tickMs, int attempt) {
    return session.executeAsync(claimAfter.bind(tickMs, account, name, tickMs)).thenCompose(after -> {
      if (after.wasApplied()) {
        return CompletableFuture.completedFuture(true);
      }
      if (value(after.one(), "last_fired_ms") != null) {
        return CompletableFuture.completedFuture(false); // this tick or a later one was claimed
      }
      // Never fired yet, or no such rule.
      return session.executeAsync(claimFirst.bind(tickMs, account, name)).thenCompose(first -> {
        if (first.wasApplied()) {
          return CompletableFuture.completedFuture(true);
        }
        Row now = first.one();
        Long fired = value(now, "last_fired_ms");
        if (value(now, "created_ms") == null || fired == null || fired >= tickMs) {
          return CompletableFuture.completedFuture(false);
        }
        // An earlier tick was claimed between the two statements: this one may still follow it.
        return again(attempt, name, () -> claim(account, name, tickMs, attempt + 1));
      });
    });
  }

  // ---- targets ----

  public CompletionStage<Void> putTargets(String account, String rule, Collection<ScheduleTarget> targets) {
    List<ScheduleTarget> copy = List.copyOf(targets);
    return requireRule(account, rule).thenCompose(ignored -> {
      if (copy.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      BatchStatement writes = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (ScheduleTarget t : copy) {
        writes = writes.add(writeTarget.bind(account, rule, t.id(), t.arn(), t.input()));
      }
      return session.executeAsync(writes)
          .thenCompose(written -> applied(touchTargets.bind(UUID.randomUUID(), account, rule)))
          .thenCompose(ruleStillThere -> ruleStillThere
              ? CompletableFuture.<Void>completedFuture(null)
              : deleteTargets(account, rule, copy.stream().map(ScheduleTarget::id).toList())
                  .thenApply(removed -> {
                    throw StoreRules.ruleNotFound(rule);
                  }));
    });
  }

  public CompletionStage<Void> removeTargets(String account, String rule, Collection<String> ids) {
    List<String> copy = List.copyOf(ids);
    return requireRule(account, rule).thenCompose(ignored -> deleteTargets(account, rule, copy));
  }

  public CompletionStage<Page<ScheduleTarget>> listTargets(String account, String rule, String marker, int limit) {
    return requireRule(account, rule)
        .thenCompose(ignored -> targets(account, rule, marker == null ? "" : marker, limit + 1))
        .thenApply(found -> StoreRules.page(found, limit, ScheduleTarget::id));
  }

  // ---- helpers ----

  private CompletionStage<Void> deleteTargets(String account, String rule, List<String> ids) {
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    BatchStatement deletes = BatchStatement.newInstance(BatchType.UNLOGGED);
    for (String id : ids) {
      deletes = deletes.add(deleteTarget.bind(account, rule, id));
    }
    return session.executeAsync(deletes).thenApply(rs -> (Void) null);
  }

  private CompletionStage<List<ScheduleTarget>> targets(String account, String rule, String after, int limit) {
    return Cql.all(session, readTargets.bind(account, rule, after, limit)).thenApply(rows -> rows.stream()
        .map(row -> new ScheduleTarget(account, rule, row.getString("id"), row.getString("arn"),
            row.getString("input")))
        .toList());
  }

  private CompletionStage<Void> requireRule(String account, String name) {
    return read(account, name).thenApply(stored -> {
      if (stored == null) {
        throw StoreRules.ruleNotFound(name);
      }
      return null;
    });
  }

  /** The rule's row, or null when there is none. */
  private CompletionStage<Stored> read(String account, String name) {
    return Cql.one(session, readRule.bind(account, name)).thenApply(row -> {
      ScheduleRule rule = row == null ? null : rule(row);
      return rule == null ? null : new Stored(rule, value(row, "last_fired_ms"),
          row.isNull("targets_op") ? null : row.getUuid("targets_op"));
    });
  }

  private CompletionStage<Boolean> applied(Statement<?> statement) {
    return session.executeAsync(statement).thenApply(AsyncResultSet::wasApplied);
  }

  /** Runs {@code next} after a lost race, unless this was the last attempt. */
  private static <T> CompletionStage<T> again(int attempt, String rule,
      Supplier<CompletionStage<T>> next) {
    if (attempt >= MAX_ATTEMPTS) {
      throw new StoreException.Unavailable("Too many concurrent changes to rule " + rule + "; try again");
    }
    return next.get();
  }

  /** A bigint column of a (lightweight transaction's) row, null when absent or null. */
  private static Long value(Row row, String column) {
    return row == null || !row.getColumnDefinitions().contains(column) || row.isNull(column)
        ? null : row.getLong(column);
  }

  /** The rule of a row, or null for a row without one (none is ever written so). */
  private static ScheduleRule rule(Row row) {
    if (row.isNull("schedule_expression") || row.isNull("state") || row.isNull("anchor_ms")
        || row.isNull("created_ms") || row.isNull("modified_ms")) {
      return null;
    }
    return new ScheduleRule(row.getString("account"), row.getString("name"), row.getString("schedule_expression"),
        row.getString("state"), row.getString("description"), Instant.ofEpochMilli(row.getLong("anchor_ms")),
        Instant.ofEpochMilli(row.getLong("created_ms")), Instant.ofEpochMilli(row.getLong("modified_ms")));
  }
}
