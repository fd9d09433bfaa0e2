package io.petrel.persistence.internal;

import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQLite {@code schedule_rules} table (a row per rule, with the last tick it fired in {@code last_fired_ms}) and
 * {@code schedule_targets} table (a row per target). Only statements: the checks around them, and the transaction,
 * are the caller's (SqliteStore), and every method runs on the database thread, which is the only writer; so the
 * compare-and-set of a tick is one conditional UPDATE.
 */
public final class SqliteSchedules {
  private static final String RULE_COLUMNS = "account, name, schedule_expression, state, description, anchor_ms,"
      + " created_ms, modified_ms";

  private SqliteSchedules() {}

  // ---- rules ----

  public static Optional<ScheduleRule> getRule(Connection c, String account, String name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT " + RULE_COLUMNS + " FROM schedule_rules WHERE account = ? AND name = ?")) {
      st.setString(1, account);
      st.setString(2, name);
      List<ScheduleRule> found = rules(st);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** Inserts a new rule, which has not fired yet. */
  public static void insertRule(Connection c, ScheduleRule rule) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("INSERT INTO schedule_rules (" + RULE_COLUMNS + ")"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, rule.account());
      st.setString(2, rule.name());
      st.setString(3, rule.scheduleExpression());
      st.setString(4, rule.state());
      st.setString(5, rule.description());
      st.setLong(6, rule.anchor().toEpochMilli());
      st.setLong(7, rule.created().toEpochMilli());
      st.setLong(8, rule.modified().toEpochMilli());
      st.executeUpdate();
    }
  }

  /** Replaces what a rule is of an existing row; its creation time and last fired tick stay. */
  public static void updateRule(Connection c, ScheduleRule rule) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE schedule_rules SET schedule_expression = ?, state = ?,"
        + " description = ?, anchor_ms = ?, modified_ms = ? WHERE account = ? AND name = ?")) {
      st.setString(1, rule.scheduleExpression());
      st.setString(2, rule.state());
      st.setString(3, rule.description());
      st.setLong(4, rule.anchor().toEpochMilli());
      st.setLong(5, rule.modified().toEpochMilli());
      st.setString(6, rule.account());
      st.setString(7, rule.name());
      st.executeUpdate();
    }
  }

  /** Deletes a rule with its last fired tick; answers whether there was one. */
  public static boolean deleteRule(Connection c, String account, String name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("DELETE FROM schedule_rules WHERE account = ? AND name = ?")) {
      st.setString(1, account);
      st.setString(2, name);
      return st.executeUpdate() > 0;
    }
  }

  /**
   * The account's rules named with {@code prefix} (any when null) after {@code after}, in name order, {@code limit}
   * at most.
   */
  public static List<ScheduleRule> listRules(Connection c, String account, String prefix, String after, int limit)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + RULE_COLUMNS + " FROM schedule_rules"
        + " WHERE account = ?1 AND (?2 IS NULL OR substr(name, 1, length(?2)) = ?2) AND name > ?3"
        + " ORDER BY name LIMIT ?4")) {
      st.setString(1, account);
      st.setString(2, prefix);
      st.setString(3, after);
      st.setInt(4, limit);
      return rules(st);
    }
  }

  public static List<ScheduleRule> allRules(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT " + RULE_COLUMNS + " FROM schedule_rules ORDER BY account, name")) {
      return rules(st);
    }
  }

  private static List<ScheduleRule> rules(PreparedStatement st) throws SQLException {
    List<ScheduleRule> rules = new ArrayList<>();
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        rules.add(new ScheduleRule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
            Instant.ofEpochMilli(rs.getLong(8))));
      }
    }
    return rules;
  }

  // ---- ticks ----

  /** The rule's last fired tick; empty when it never fired or there is no such rule. */
  public static Optional<Instant> lastFired(Connection c, String account, String rule) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT last_fired_ms FROM schedule_rules WHERE account = ? AND name = ?")) {
      st.setString(1, account);
      st.setString(2, rule);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long fired = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(fired));
      }
    }
  }

  /** Sets the rule's last fired tick to {@code tick} if the rule exists and last fired before it. */
  public static boolean claimTick(Connection c, String account, String rule, Instant tick) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE schedule_rules SET last_fired_ms = ?1"
        + " WHERE account = ?2 AND name = ?3 AND (last_fired_ms IS NULL OR last_fired_ms < ?1)")) {
      st.setLong(1, tick.toEpochMilli());
      st.setString(2, account);
      st.setString(3, rule);
      return st.executeUpdate() > 0;
    }
  }

  // ---- targets ----

  public static boolean hasTargets(Connection c, String account, String rule) throws SQLException {
    return !listTargets(c, account, rule, "", 1).isEmpty();
  }

  public static void putTarget(Connection c, ScheduleTarget target) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT OR REPLACE INTO schedule_targets (account, rule, id, arn, input) VALUES (?, ?, ?, ?, ?)")) {
      st.setString(1, target.account());
      st.setString(2, target.rule());
      st.setString(3, target.id());
      st.setString(4, target.arn());
      st.setString(5, target.input());
      st.executeUpdate();
    }
  }

  public static void removeTarget(Connection c, String account, String rule, String id) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "DELETE FROM schedule_targets WHERE account = ? AND rule = ? AND id = ?")) {
      st.setString(1, account);
      st.setString(2, rule);
      st.setString(3, id);
      st.executeUpdate();
    }
  }

  /** The rule's targets with an id after {@code after}, in id order, {@code limit} at most. */
  public static List<ScheduleTarget> listTargets(Connection c, String account, String rule, String after, int limit)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT id, arn, input FROM schedule_targets"
        + " WHERE account = ? AND rule = ? AND id > ? ORDER BY id LIMIT ?")) {
      st.setString(1, account);
      st.setString(2, rule);
      st.setString(3, after);
      st.setInt(4, limit);
      List<ScheduleTarget> targets = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          targets.add(new ScheduleTarget(account, rule, rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      return targets;
    }
  }
}
