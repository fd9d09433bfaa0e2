package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Petrel's Cassandra schema as numbered migrations. Applied numbers are recorded in {@code schema_migrations};
 * every statement is idempotent (IF NOT EXISTS), so nodes starting at the same time may both run a migration
 * and the keyspace ends up the same.
 *
 * <p>Layout: everything about one function (its $LATEST as static columns, published versions, aliases,
 * function URLs and asynchronous invocation settings as rows) lives in one partition of {@code functions}, so that
 * every change to a function is one conditional batch on one partition, guarded by the static {@code seq} (see
 * CassandraStore). {@code function_urls} leads from a URL id back to its function and qualifier (see
 * CassandraUrlIds). {@code event_source_mappings} has a row per mapping (see CassandraMappings), and
 * {@code schedule_rules} a row per scheduled rule, its targets a partition of {@code schedule_targets} (see
 * CassandraSchedules). Invocations and log lines are bucketed per function and UTC day; {@code invocation_days}
 * and {@code log_days} say which buckets exist.
 * Log lines are kept in time order, with a storage-attached index on the request id for an invocation's lines.
 * Usage is kept per account and day, one row per function and writer (a store instance), each holding that
 * writer's absolute totals so that rewriting a row after a retry never counts twice.
 */
public final class CassandraSchema {
  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);

  private static final List<List<String>> MIGRATIONS = List.of(List.of(
      """
      CREATE TABLE IF NOT EXISTS %1$s.functions (
        account text, name text, item text,
        present boolean static, seq bigint static, op uuid static,
        latest text static, tags text static, reserved int static, next_version bigint static,
        created_ms bigint static,
        config text, latest_description text,
        alias_version text, alias_description text, routing_version text, routing_weight double,
        alias_revision text,
        PRIMARY KEY ((account, name), item))""",
      "CREATE TABLE IF NOT EXISTS %1$s.account_functions (account text, name text, PRIMARY KEY ((account), name))",
      "CREATE TABLE IF NOT EXISTS %1$s.code (sha256 text PRIMARY KEY, size bigint, chunks int, chunk_size int)",
      """
      CREATE TABLE IF NOT EXISTS %1$s.code_chunks (sha256 text, chunk int, data blob,
        PRIMARY KEY ((sha256, chunk)))""",
      """
      CREATE TABLE IF NOT EXISTS %1$s.invocations (
        account text, name text, day int, start_ms bigint, request_id text,
        qualifier text, executed_version text, duration_ms double, billed_duration_ms bigint,
        memory_size_mb int, max_memory_used_mb int, init_duration_ms double, outcome text, error_type text,
        PRIMARY KEY ((account, name, day), start_ms, request_id))""",
      """
      CREATE TABLE IF NOT EXISTS %1$s.invocation_days (account text, name text, day int,
        PRIMARY KEY ((account, name), day))""",
      """
      CREATE TABLE IF NOT EXISTS %1$s.log_lines (
        account text, name text, day int, ts_ms bigint, seq bigint, request_id text, message text,
        PRIMARY KEY ((account, name, day), ts_ms, seq))""",
      "CREATE INDEX IF NOT EXISTS log_lines_by_request ON %1$s.log_lines (request_id) USING 'sai'",
      """
      CREATE TABLE IF NOT EXISTS %1$s.log_days (account text, name text, day int,
        PRIMARY KEY ((account, name), day))""",
      """
      CREATE TABLE IF NOT EXISTS %1$s.usage (account text, day int, name text, writer uuid,
        requests bigint, billed_mb_ms bigint,
        PRIMARY KEY ((account, day), name, writer))"""),
      // Function URLs: a function's URL per qualifier is a row of its partition (so that creating one is checked
      // against the function and its aliases in the same conditional batch), and function_urls says which
      // function qualifier a URL id belongs to.
      List.of(
          """
          ALTER TABLE %1$s.functions ADD IF NOT EXISTS (url_id text, url_auth_type text, url_cors text,
            url_invoke_mode text, url_created_ms bigint, url_modified_ms bigint)""",
          """
          CREATE TABLE IF NOT EXISTS %1$s.function_urls (url_id text PRIMARY KEY,
            account text, name text, qualifier text)"""),
      // Asynchronous invocation settings: a row per qualifier in the function's partition (so that putting one is
      // checked against the function, its versions and aliases in the same conditional batch, and deleting them
      // takes it along). Event-source mappings: a row each, found by account through an index.
      List.of(
          """
          ALTER TABLE %1$s.functions ADD IF NOT EXISTS (eic_retries int, eic_max_age int, eic_on_success text,
            eic_on_failure text, eic_modified_ms bigint)""",
          """
          CREATE TABLE IF NOT EXISTS %1$s.event_source_mappings (uuid text PRIMARY KEY,
            account text, name text, config text, state text, state_reason text, last_result text)""",
          "CREATE INDEX IF NOT EXISTS event_source_mappings_by_account ON %1$s.event_source_mappings (account)"
              + " USING 'sai'"),
      // Scheduled rules: a row per rule in its account's partition, with the last tick it fired and targets_op
      // (see CassandraSchedules), and a partition of targets per rule.
      List.of(
          """
          CREATE TABLE IF NOT EXISTS %1$s.schedule_rules (account text, name text, schedule_expression text,
            state text, description text, anchor_ms bigint, created_ms bigint, modified_ms bigint,
            last_fired_ms bigint, targets_op uuid,
            PRIMARY KEY ((account), name))""",
          """
          CREATE TABLE IF NOT EXISTS %1$s.schedule_targets (account text, rule text, id text, arn text, input text,
            PRIMARY KEY ((account, rule), id))"""));

  private CassandraSchema() {}

  /** Creates the keyspace when missing and runs the migrations it has not had yet. */
  public static void migrate(CqlSession session, String keyspace, String replicationCql) {
    run(session, "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replicationCql);
    run(session, "CREATE TABLE IF NOT EXISTS " + keyspace
        + ".schema_migrations (id int PRIMARY KEY, applied_at timestamp)");
    Set<Integer> applied = appliedMigrations(session, keyspace);
    int newest = applied.stream().mapToInt(Integer::intValue).max().orElse(0);
    if (newest > MIGRATIONS.size()) {
      throw new IllegalStateException("keyspace " + keyspace + " has schema version " + newest
          + " but this Petrel knows only up to " + MIGRATIONS.size() + "; it was written by a newer Petrel");
    }
    for (int i = 0; i < MIGRATIONS.size(); i++) {
      int id = i + 1;
      if (applied.contains(id)) {
        continue;
      }
      log.info("applying Cassandra schema migration {} to keyspace {}", id, keyspace);
      for (String cql : MIGRATIONS.get(i)) {
        run(session, cql.formatted(keyspace));
      }
      session.execute(SimpleStatement.newInstance(
          "INSERT INTO " + keyspace + ".schema_migrations (id, applied_at) VALUES (?, toTimestamp(now()))", id));
    }
  }

  /**
   * The migrations already applied. Right after another Petrel node created the table, the Cassandra node that
   * coordinates this read may not know it yet: wait for the ring to agree on the schema and read again.
   */
  private static Set<Integer> appliedMigrations(CqlSession session, String keyspace) {
    for (int attempt = 1; ; attempt++) {
      try {
        Set<Integer> applied = new HashSet<>();
        for (Row row : session.execute("SELECT id FROM " + keyspace + ".schema_migrations")) {
          applied.add(row.getInt(0));
        }
        return applied;
      } catch (com.datastax.oss.driver.api.core.servererrors.InvalidQueryException e) {
        if (attempt == 10) {
          throw e;
        }
        log.info("keyspace {} is being created by another node ({}); waiting for the schema to settle", keyspace,
            e.getMessage());
        awaitSchemaAgreement(session);
        sleep(Duration.ofSeconds(2));
      }
    }
  }

  private static void run(CqlSession session, String cql) {
    // Schema changes take longer than queries, above all while several nodes change the schema at once.
    session.execute(SimpleStatement.newInstance(cql).setTimeout(Duration.ofSeconds(60)));
    awaitSchemaAgreement(session);
  }

  /** Waits (up to a minute) until every Cassandra node has the same schema, so the next statement sees it. */
  private static void awaitSchemaAgreement(CqlSession session) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!session.checkSchemaAgreement() && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(500));
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Cassandra schema", e);
    }
  }
}
