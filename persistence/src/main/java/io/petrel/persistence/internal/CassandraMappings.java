package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The Cassandra {@code event_source_mappings} table: a row per mapping keyed by its UUID, with what the user
 * configured as JSON in {@code config} and what the nodes running it report in columns of their own, so that
 * neither kind of write overwrites the other. A storage-attached index on the account serves listings.
 *
 * <p>Every write is a lightweight transaction on the mapping's row: a create ({@code IF NOT EXISTS}) never takes
 * a UUID twice, and an update, a reported state or a delete ({@code IF EXISTS}) never brings a deleted mapping
 * back. The checks around them (the function exists, what an update keeps) are the caller's (CassandraStore).
 */
public final class CassandraMappings {
  private static final String COLUMNS = "uuid, account, name, config, state, state_reason, last_result";

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement update;
  private final PreparedStatement updateState;
  private final PreparedStatement delete;
  private final PreparedStatement read;
  private final PreparedStatement readAccount;
  private final PreparedStatement readAll;

  public CassandraMappings(CqlSession session, String keyspace) {
    this.session = session;
    String table = keyspace + ".event_source_mappings";
    insert = session.prepare("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
        + " IF NOT EXISTS");
    update = session.prepare("UPDATE " + table + " SET account = ?, name = ?, config = ?, state = ?,"
        + " state_reason = ? WHERE uuid = ? IF EXISTS");
    updateState = session.prepare("UPDATE " + table + " SET state = ?, state_reason = ?, last_result = ?"
        + " WHERE uuid = ? IF EXISTS");
    delete = session.prepare("DELETE FROM " + table + " WHERE uuid = ? IF EXISTS");
    read = session.prepare("SELECT " + COLUMNS + " FROM " + table + " WHERE uuid = ?");
    readAccount = session.prepare("SELECT " + COLUMNS + " FROM " + table + " WHERE account = ?");
    readAll = session.prepare("SELECT " + COLUMNS + " FROM " + table);
  }

  /** Stores a new mapping; answers false (storing nothing) when its UUID is taken. */
  public CompletionStage<Boolean> create(EventSourceMapping m) {
    return session.executeAsync(insert.bind(m.uuid(), m.function().account(), m.function().name(),
            ConfigJson.writeMappingConfig(m), m.state(), m.stateTransitionReason(), m.lastProcessingResult()))
        .thenApply(AsyncResultSet::wasApplied);
  }

  public CompletionStage<Optional<EventSourceMapping>> get(String uuid) {
    return Cql.one(session, read.bind(uuid)).thenApply(row -> Optional.ofNullable(row).map(CassandraMappings::of));
  }

  /**
   * Replaces the user's configuration, state and reason of {@code m}'s row; the last processing result stays.
   * Answers false (writing nothing) when there is no such mapping.
   */
  public CompletionStage<Boolean> update(EventSourceMapping m) {
    return session.executeAsync(update.bind(m.function().account(), m.function().name(),
            ConfigJson.writeMappingConfig(m), m.state(), m.stateTransitionReason(), m.uuid()))
        .thenApply(AsyncResultSet::wasApplied);
  }

  /** Replaces what nodes report of a mapping; nothing when there is no such mapping. */
  public CompletionStage<Void> updateState(String uuid, String state, String reason, String lastResult) {
    return session.executeAsync(updateState.bind(state, reason, lastResult, uuid)).thenApply(rs -> null);
  }

  /** Deletes a mapping; answers whether there was one. */
  public CompletionStage<Boolean> delete(String uuid) {
    return session.executeAsync(delete.bind(uuid)).thenApply(AsyncResultSet::wasApplied);
  }

  /** The account's mappings, or only {@code function}'s when it is not null, in UUID order. */
  public CompletionStage<List<EventSourceMapping>> ofAccount(String account, FunctionId function) {
    return Cql.all(session, readAccount.bind(account)).thenApply(rows -> rows.stream()
        .map(CassandraMappings::of)
        .filter(Objects::nonNull)
        .filter(m -> function == null || m.function().equals(function))
        .sorted(Comparator.comparing(EventSourceMapping::uuid))
        .toList());
  }

  /** Every mapping, read from the whole table: mappings are few. */
  public CompletionStage<List<EventSourceMapping>> all() {
    return Cql.all(session, readAll.bind()).thenApply(rows -> rows.stream()
        .map(CassandraMappings::of)
        .filter(Objects::nonNull)
        .sorted(Comparator.comparing(EventSourceMapping::uuid))
        .toList());
  }

  /** The mapping of a row, or null for a row without a configuration (none is ever written so). */
  private static EventSourceMapping of(Row row) {
    if (row.isNull("config") || row.isNull("state")) {
      return null;
    }
    return ConfigJson.readMapping(row.getString("uuid"), new FunctionId(row.getString("account"),
        row.getString("name")), row.getString("config"), row.getString("state"), row.getString("state_reason"),
        row.getString("last_result"));
  }
}
