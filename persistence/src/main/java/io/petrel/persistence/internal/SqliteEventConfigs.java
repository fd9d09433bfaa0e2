package io.petrel.persistence.internal;

import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQLite {@code event_invoke_configs} table (one row per function qualifier) and {@code event_source_mappings}
 * table (one row per mapping: the user's configuration as JSON, what nodes report in columns of its own, so that
 * neither kind of write overwrites the other). Only statements: the checks around them, and the transaction, are
 * the caller's (SqliteStore), and every method runs on the database thread.
 */
public final class SqliteEventConfigs {
  private static final String CONFIG_COLUMNS = "account, name, qualifier, maximum_retry_attempts,"
      + " maximum_event_age_seconds, on_success, on_failure, modified_ms";
  private static final String MAPPING_COLUMNS = "uuid, account, name, config, state, state_reason, last_result";

  private SqliteEventConfigs() {}

  // ---- event invoke configs ----

  public static void putConfig(Connection c, EventInvokeConfig config) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT OR REPLACE INTO event_invoke_configs (" + CONFIG_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, config.function().account());
      st.setString(2, config.function().name());
      st.setString(3, config.qualifier());
      st.setInt(4, config.maximumRetryAttempts());
      st.setInt(5, config.maximumEventAgeSeconds());
      st.setString(6, config.onSuccess());
      st.setString(7, config.onFailure());
      st.setLong(8, config.modified().toEpochMilli());
      st.executeUpdate();
    }
  }

  public static Optional<EventInvokeConfig> getConfig(Connection c, FunctionId id, String qualifier)
      throws SQLException {
    List<EventInvokeConfig> found = selectConfigs(c, id, "qualifier = ?", qualifier, 1);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The function's configurations with a qualifier after {@code after}, in qualifier order, {@code limit} at most. */
  public static List<EventInvokeConfig> listConfigs(Connection c, FunctionId id, String after, int limit)
      throws SQLException {
    return selectConfigs(c, id, "qualifier > ?", after, limit);
  }

  /** Deletes the configuration of one qualifier; answers whether there was one. */
  public static boolean deleteConfig(Connection c, FunctionId id, String qualifier) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "DELETE FROM event_invoke_configs WHERE account = ? AND name = ? AND qualifier = ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setString(3, qualifier);
      return st.executeUpdate() > 0;
    }
  }

  private static List<EventInvokeConfig> selectConfigs(Connection c, FunctionId id, String condition, String value,
      int limit) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + CONFIG_COLUMNS + " FROM event_invoke_configs"
        + " WHERE account = ? AND name = ? AND " + condition + " ORDER BY qualifier LIMIT ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setString(3, value);
      st.setInt(4, limit);
      List<EventInvokeConfig> configs = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          configs.add(new EventInvokeConfig(id, rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getString(6),
              rs.getString(7), Instant.ofEpochMilli(rs.getLong(8))));
        }
      }
      return configs;
    }
  }

  // ---- event source mappings ----

  public static void insertMapping(Connection c, EventSourceMapping m) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO event_source_mappings (" + MAPPING_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, m.uuid());
      st.setString(2, m.function().account());
      st.setString(3, m.function().name());
      st.setString(4, ConfigJson.writeMappingConfig(m));
      st.setString(5, m.state());
      st.setString(6, m.stateTransitionReason());
      st.setString(7, m.lastProcessingResult());
      st.executeUpdate();
    }
  }

  /** Replaces the user's configuration, state and reason of {@code m}'s row; the last processing result stays. */
  public static void updateMapping(Connection c, EventSourceMapping m) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE event_source_mappings SET account = ?, name = ?,"
        + " config = ?, state = ?, state_reason = ? WHERE uuid = ?")) {
      st.setString(1, m.function().account());
      st.setString(2, m.function().name());
      st.setString(3, ConfigJson.writeMappingConfig(m));
      st.setString(4, m.state());
      st.setString(5, m.stateTransitionReason());
      st.setString(6, m.uuid());
      st.executeUpdate();
    }
  }

  /** Replaces what nodes report of a mapping; nothing when there is no such mapping. */
  public static void updateMappingState(Connection c, String uuid, String state, String reason, String lastResult)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE event_source_mappings SET state = ?, state_reason = ?,"
        + " last_result = ? WHERE uuid = ?")) {
      st.setString(1, state);
      st.setString(2, reason);
      st.setString(3, lastResult);
      st.setString(4, uuid);
      st.executeUpdate();
    }
  }

  public static Optional<EventSourceMapping> getMapping(Connection c, String uuid) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT " + MAPPING_COLUMNS + " FROM event_source_mappings WHERE uuid = ?")) {
      st.setString(1, uuid);
      List<EventSourceMapping> found = mappings(st);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /**
   * The account's mappings (only {@code function}'s when it is not null) with a UUID after {@code after}, in UUID
   * order, {@code limit} at most.
   */
  public static List<EventSourceMapping> listMappings(Connection c, String account, FunctionId function,
      String after, int limit) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + MAPPING_COLUMNS + " FROM event_source_mappings"
        + " WHERE account = ?1 AND (?2 IS NULL OR name = ?2) AND uuid > ?3 ORDER BY uuid LIMIT ?4")) {
      st.setString(1, account);
      st.setString(2, function == null ? null : function.name());
      st.setString(3, after);
      st.setInt(4, limit);
      return mappings(st);
    }
  }

  public static List<EventSourceMapping> allMappings(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT " + MAPPING_COLUMNS + " FROM event_source_mappings ORDER BY uuid")) {
      return mappings(st);
    }
  }

  /** Deletes a mapping; answers whether there was one. */
  public static boolean deleteMapping(Connection c, String uuid) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("DELETE FROM event_source_mappings WHERE uuid = ?")) {
      st.setString(1, uuid);
      return st.executeUpdate() > 0;
    }
  }

  private static List<EventSourceMapping> mappings(PreparedStatement st) throws SQLException {
    List<EventSourceMapping> mappings = new ArrayList<>();
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        mappings.add(ConfigJson.readMapping(rs.getString(1), new FunctionId(rs.getString(2), rs.getString(3)),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
      }
    }
    return mappings;
  }
}
