package io.petrel.persistence.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite schema as numbered migrations. {@code PRAGMA user_version} records how many have run; each runs
 * once, in its own transaction, so a database of any earlier version is brought up to date at start.
 */
public final class SqliteSchema {
  private static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          """
          CREATE TABLE functions (
            account TEXT NOT NULL, name TEXT NOT NULL, latest TEXT NOT NULL, tags TEXT NOT NULL,
            reserved_concurrency INTEGER, next_version INTEGER NOT NULL, created_ms INTEGER NOT NULL,
            PRIMARY KEY (account, name)) WITHOUT ROWID""",
          """
          CREATE TABLE versions (
            account TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, config TEXT NOT NULL,
            PRIMARY KEY (account, name, version)) WITHOUT ROWID""",
          """
          CREATE TABLE aliases (
            account TEXT NOT NULL, name TEXT NOT NULL, alias TEXT NOT NULL, function_version TEXT NOT NULL,
            description TEXT NOT NULL, routing_version TEXT, routing_weight REAL, revision_id TEXT NOT NULL,
            PRIMARY KEY (account, name, alias)) WITHOUT ROWID""",
          """
          CREATE TABLE code (sha256 TEXT PRIMARY KEY, zip BLOB NOT NULL, size INTEGER NOT NULL)""",
          """
          CREATE TABLE invocations (
            account TEXT NOT NULL, name TEXT NOT NULL, start_ms INTEGER NOT NULL, request_id TEXT NOT NULL,
            qualifier TEXT NOT NULL, executed_version TEXT NOT NULL, duration_ms REAL NOT NULL,
            billed_duration_ms INTEGER NOT NULL, memory_size_mb INTEGER NOT NULL, max_memory_used_mb INTEGER NOT NULL,
            init_duration_ms REAL, outcome TEXT NOT NULL, error_type TEXT,
            PRIMARY KEY (account, name, start_ms, request_id)) WITHOUT ROWID""",
          """
          CREATE TABLE log_lines (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, name TEXT NOT NULL,
            request_id TEXT NOT NULL, ts_ms INTEGER NOT NULL, message TEXT NOT NULL)""",
          "CREATE INDEX log_lines_by_request ON log_lines (account, name, request_id, seq)"),
      // The description $LATEST had when each version was published (a version may be given its own), so that
      // PublishVersion can tell whether $LATEST changed since.
      List.of("ALTER TABLE versions ADD COLUMN latest_description TEXT"),
      // Log queries by time range.
      List.of("CREATE INDEX log_lines_by_time ON log_lines (account, name, ts_ms, seq)"),
      // Function URLs: one per function qualifier, found again by URL id.
      List.of(
          """
          CREATE TABLE function_urls (
            account TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL, url_id TEXT NOT NULL,
            auth_type TEXT NOT NULL, cors TEXT NOT NULL, invoke_mode TEXT NOT NULL, created_ms INTEGER NOT NULL,
            modified_ms INTEGER NOT NULL,
            PRIMARY KEY (account, name, qualifier)) WITHOUT ROWID""",
          "CREATE UNIQUE INDEX function_urls_by_id ON function_urls (url_id)"),
      // Asynchronous invocation settings per function qualifier, and Kafka event-source mappings: what the user
      // configured as one JSON document, what the nodes running a mapping report in columns of their own.
      List.of(
          """
          CREATE TABLE event_invoke_configs (
            account TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
            maximum_retry_attempts INTEGER NOT NULL, maximum_event_age_seconds INTEGER NOT NULL,
            on_success TEXT, on_failure TEXT, modified_ms INTEGER NOT NULL,
            PRIMARY KEY (account, name, qualifier)) WITHOUT ROWID""",
          """
          CREATE TABLE event_source_mappings (
            uuid TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL,
            state TEXT NOT NULL, state_reason TEXT, last_result TEXT) WITHOUT ROWID""",
          "CREATE INDEX event_source_mappings_by_account ON event_source_mappings (account, uuid)"),
      // The queue of asynchronous invocations; AUTOINCREMENT so that a removed event's number is never given again.
      List.of(
          """
          CREATE TABLE queued_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB NOT NULL, enqueued_ms INTEGER NOT NULL)"""),
      // Scheduled rules, with the last tick each fired (null until it first fires), and their targets.
      List.of(
          """
          CREATE TABLE schedule_rules (
            account TEXT NOT NULL, name TEXT NOT NULL, schedule_expression TEXT NOT NULL, state TEXT NOT NULL,
            description TEXT, anchor_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, modified_ms INTEGER NOT NULL,
            last_fired_ms INTEGER,
            PRIMARY KEY (account, name)) WITHOUT ROWID""",
          """
          CREATE TABLE schedule_targets (
            account TEXT NOT NULL, rule TEXT NOT NULL, id TEXT NOT NULL, arn TEXT NOT NULL, input TEXT,
            PRIMARY KEY (account, rule, id)) WITHOUT ROWID"""));

  private SqliteSchema() {}

  public static void migrate(Connection connection) throws SQLException {
    int current;
    try (Statement st = connection.createStatement(); var rs = st.executeQuery("PRAGMA user_version")) {
      current = rs.next() ? rs.getInt(1) : 0;
    }
    if (current > MIGRATIONS.size()) {
      throw new SQLException("the database has schema version " + current + " but this Petrel knows only up to "
          + MIGRATIONS.size() + "; it was written by a newer Petrel");
    }
    for (int i = current; i < MIGRATIONS.size(); i++) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (Statement st = connection.createStatement()) {
        for (String sql : MIGRATIONS.get(i)) {
          st.execute(sql);
        }
        st.execute("PRAGMA user_version = " + (i + 1));
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    }
  }
}
