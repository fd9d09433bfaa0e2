package io.petrel.persistence.sqlite;

import io.petrel.persistence.Alias;
import io.petrel.persistence.DailyUsage;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.persistence.InvocationQuery;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import io.petrel.persistence.Page;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.QueuedEvents;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import io.petrel.persistence.internal.ConfigJson;
import io.petrel.persistence.internal.Sha256;
import io.petrel.persistence.internal.SqliteEventConfigs;
import io.petrel.persistence.internal.SqliteEventQueue;
import io.petrel.persistence.internal.SqliteFunctionUrls;
import io.petrel.persistence.internal.SqliteSchedules;
import io.petrel.persistence.internal.StoreRules;
import io.petrel.persistence.internal.SqliteDatabase;
import io.petrel.persistence.internal.SqliteInvocationLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The embedded store of a single node: one SQLite file, one owning thread (see {@link SqliteDatabase}).
 * Invocation records and log lines are buffered and written in batched transactions. It also holds the node's
 * queue of asynchronous invocations (see {@link SqliteEventQueue}).
 */
public final class SqliteStore implements PetrelStore, QueuedEvents {
  /** The file beside the database that {@link #open(Path)} keeps its environment key in. */
  public static final String KEY_FILE = "environment.key";
  private final SqliteDatabase db;
  private final SqliteInvocationLog invocations;
  private final SqliteEventQueue events;
  private final EnvironmentKey environmentKey;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteStore(SqliteDatabase db, EnvironmentKey environmentKey) {
    this.db = db;
    this.environmentKey = environmentKey;
    this.invocations = new SqliteInvocationLog(db);
    this.events = new SqliteEventQueue(db);
  }

  /**
   * Opens (creating or migrating as needed) the store in {@code file}, encrypting environment variables with the
   * key in {@value #KEY_FILE} beside it (created at the first open).
   */
  public static SqliteStore open(Path file) {
    Path keyFile = file.toAbsolutePath().resolveSibling(KEY_FILE);
    EnvironmentKey.createFileIfMissing(keyFile);
    return open(file, EnvironmentKey.fromFile(keyFile, "the key file " + keyFile, List.of()));
  }

  /** Opens (creating or migrating as needed) the store in {@code file}, encrypting environments with {@code key}. */
  public static SqliteStore open(Path file, EnvironmentKey key) {
    return new SqliteStore(SqliteDatabase.open(file), key);
  }

  // ---- functions ----

  @Override
  public CompletionStage<FunctionDefinition> createFunction(FunctionDefinition f) {
    return db.transaction(c -> {
      if (readFunction(c, f.id()).isPresent()) {
        throw new StoreException.AlreadyExists("Function already exist: " + f.id().name());
      }
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO functions (account, name, latest, tags, reserved_concurrency, next_version, created_ms)"
              + " VALUES (?, ?, ?, ?, ?, 1, ?)")) {
        st.setString(1, f.id().account());
        st.setString(2, f.id().name());
        st.setString(3, ConfigJson.write(f.latest(), environmentKey, f.id(), VersionedConfig.LATEST));
        st.setString(4, ConfigJson.write(f.tags()));
        setReserved(st, 5, f.reservedConcurrency());
        st.setLong(6, f.created().toEpochMilli());
        st.executeUpdate();
      }
      return f;
    });
  }

  @Override
  public CompletionStage<Optional<FunctionDefinition>> getFunction(FunctionId id) {
    return db.read(c -> readFunction(c, id));
  }

  @Override
  public CompletionStage<Page<VersionedConfig>> listFunctions(
      String account, boolean includeVersions, String marker, int limit) {
    // Rows are ordered by (name, version) with $LATEST as version 0, so a marker "name:version" resumes after
    // exactly the last row returned.
    String afterName = "";
    long afterVersion = -1;
    if (marker != null && !marker.isEmpty()) {
      int colon = marker.lastIndexOf(':');
      afterName = colon < 0 ? marker : marker.substring(0, colon);
      afterVersion = colon < 0 ? Long.MAX_VALUE : StoreRules.parseOr(marker.substring(colon + 1), Long.MAX_VALUE);
    }
    String sql = includeVersions
        ? "SELECT name, 0 AS v, latest AS config FROM functions WHERE account = ?1"
            + " UNION ALL SELECT name, version AS v, config FROM versions WHERE account = ?1"
        : "SELECT name, 0 AS v, latest AS config FROM functions WHERE account = ?1";
    String paged = "SELECT name, v, config FROM (" + sql + ") WHERE (name, v) > (?2, ?3) ORDER BY name, v LIMIT ?4";
    String fromName = afterName;
    long fromVersion = afterVersion;
    return db.read(c -> {
      List<VersionedConfig> items = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(paged)) {
        st.setString(1, account);
        st.setString(2, fromName);
        st.setLong(3, fromVersion);
        st.setInt(4, limit + 1);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            long v = rs.getLong(2);
            FunctionId id = new FunctionId(account, rs.getString(1));
            String version = v == 0 ? VersionedConfig.LATEST : Long.toString(v);
            items.add(new VersionedConfig(id, version,
                ConfigJson.readConfig(rs.getString(3), environmentKey, id, version)));
          }
        }
      }
      return StoreRules.page(items, limit, last -> last.function().name() + ":"
          + (last.isLatest() ? "0" : last.version()));
    });
  }

  @Override
  public CompletionStage<FunctionDefinition> modifyLatest(
      FunctionId id, String expectedRevisionId, UnaryOperator<FunctionConfig> change) {
    return db.transaction(c -> {
      FunctionDefinition current = requireFunction(c, id);
      StoreRules.checkRevision(expectedRevisionId, current.latest().revisionId(), "function");
      FunctionConfig latest = change.apply(current.latest());
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE functions SET latest = ? WHERE account = ? AND name = ?")) {
        st.setString(1, ConfigJson.write(latest, environmentKey, id, VersionedConfig.LATEST));
        st.setString(2, id.account());
        st.setString(3, id.name());
        st.executeUpdate();
      }
      return current.withLatest(latest);
    });
  }

  @Override
  public CompletionStage<FunctionDefinition> putReservedConcurrency(FunctionId id, OptionalInt reserved) {
    return db.transaction(c -> {
      FunctionDefinition current = requireFunction(c, id);
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE functions SET reserved_concurrency = ? WHERE account = ? AND name = ?")) {
        setReserved(st, 1, reserved);
        st.setString(2, id.account());
        st.setString(3, id.name());
        st.executeUpdate();
      }
      return current.withReservedConcurrency(reserved);
    });
  }

  @Override
  public CompletionStage<Void> deleteFunction(FunctionId id) {
    return db.transaction(c -> {
      requireFunction(c, id);
      for (String table : List.of("functions", "versions", "aliases", "function_urls", "event_invoke_configs")) {
        try (PreparedStatement st = c.prepareStatement(
            "DELETE FROM " + table + " WHERE account = ? AND name = ?")) {
          st.setString(1, id.account());
          st.setString(2, id.name());
          st.executeUpdate();
        }
      }
      return null;
    });
  }

  // ---- versions ----

  @Override
  public CompletionStage<VersionedConfig> publishVersion(
      FunctionId id, String expectedRevisionId, String description, String versionRevisionId, Instant now) {
    return db.transaction(c -> {
      FunctionDefinition function = requireFunction(c, id);
      StoreRules.checkRevision(expectedRevisionId, function.latest().revisionId(), "function");
      Optional<VersionedConfig> newest = newestVersion(c, id);
      if (newest.isPresent() && publishedFrom(c, newest.get()).sameContentAs(function.latest())) {
        return newest.get();
      }
      long number;
      try (PreparedStatement st = c.prepareStatement(
          "SELECT next_version FROM functions WHERE account = ? AND name = ?")) {
        st.setString(1, id.account());
        st.setString(2, id.name());
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          number = rs.getLong(1);
        }
      }
      FunctionConfig config = function.latest().withRevision(versionRevisionId, now);
      if (description != null) {
        config = config.withDescription(description);
      }
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO versions (account, name, version, config, latest_description) VALUES (?, ?, ?, ?, ?)")) {
        st.setString(1, id.account());
        st.setString(2, id.name());
        st.setLong(3, number);
        st.setString(4, ConfigJson.write(config, environmentKey, id, Long.toString(number)));
        st.setString(5, function.latest().description());
        st.executeUpdate();
      }
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE functions SET next_version = ? WHERE account = ? AND name = ?")) {
        st.setLong(1, number + 1);
        st.setString(2, id.account());
        st.setString(3, id.name());
        st.executeUpdate();
      }
      return new VersionedConfig(id, Long.toString(number), config);
    });
  }

  @Override
  public CompletionStage<Optional<VersionedConfig>> getVersion(FunctionId id, long version) {
    return db.read(c -> readVersion(c, id, version));
  }

  @Override
  public CompletionStage<Page<VersionedConfig>> listVersions(FunctionId id, String marker, int limit) {
    long after = marker == null || marker.isEmpty() ? 0 : StoreRules.parseOr(marker, Long.MAX_VALUE);
    return db.read(c -> {
      requireFunction(c, id);
      List<VersionedConfig> items = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement("SELECT version, config FROM versions"
          + " WHERE account = ? AND name = ? AND version > ? ORDER BY version LIMIT ?")) {
        st.setString(1, id.account());
        st.setString(2, id.name());
        st.setLong(3, after);
        st.setInt(4, limit + 1);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            String version = Long.toString(rs.getLong(1));
            items.add(new VersionedConfig(id, version, ConfigJson.readConfig(rs.getString(2), environmentKey, id,
                version)));
          }
        }
      }
      return StoreRules.page(items, limit, VersionedConfig::version);
    });
  }

  @Override
  public CompletionStage<Void> deleteVersion(FunctionId id, long version) {
    return db.transaction(c -> {
      requireFunction(c, id);
      if (readVersion(c, id, version).isEmpty()) {
        throw StoreRules.notFound(id, Long.toString(version));
      }
      String v = Long.toString(version);
      for (Alias alias : readAliases(c, id, null, "", Integer.MAX_VALUE)) {
        if (alias.references(v)) {
          throw new StoreException.InUse("Unable to delete version " + v + " of function " + id.name()
              + " because alias " + alias.name() + " routes to it");
        }
      }
      try (PreparedStatement st = c.prepareStatement(
          "DELETE FROM versions WHERE account = ? AND name = ? AND version = ?")) {
        st.setString(1, id.account());
        st.setString(2, id.name());
        st.setLong(3, version);
        st.executeUpdate();
      }
      SqliteEventConfigs.deleteConfig(c, id, v);
      return null;
    });
  }

  // ---- aliases ----

  @Override
  public CompletionStage<Alias> createAlias(Alias alias) {
    return db.transaction(c -> {
      requireFunction(c, alias.function());
      if (readAlias(c, alias.function(), alias.name()).isPresent()) {
        throw new StoreException.AlreadyExists("Alias already exists: " + alias.name());
      }
      requireVersions(c, alias);
      writeAlias(c, alias, "INSERT INTO aliases (function_version, description, routing_version, routing_weight,"
          + " revision_id, account, name, alias) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      return alias;
    });
  }

  @Override
  public CompletionStage<Optional<Alias>> getAlias(FunctionId id, String name) {
    return db.read(c -> readAlias(c, id, name));
  }

  @Override
  public CompletionStage<Page<Alias>> listAliases(FunctionId id, String functionVersion, String marker, int limit) {
    return db.read(c -> {
      requireFunction(c, id);
      List<Alias> items = readAliases(c, id, functionVersion, marker == null ? "" : marker, limit + 1);
      return StoreRules.page(items, limit, Alias::name);
    });
  }

  @Override
  public CompletionStage<Alias> updateAlias(Alias alias, String expectedRevisionId) {
    return db.transaction(c -> {
      requireFunction(c, alias.function());
      Alias current = readAlias(c, alias.function(), alias.name())
          .orElseThrow(() -> StoreRules.aliasNotFound(alias.function(), alias.name()));
      StoreRules.checkRevision(expectedRevisionId, current.revisionId(), "alias");
      requireVersions(c, alias);
      writeAlias(c, alias, "UPDATE aliases SET function_version = ?, description = ?, routing_version = ?,"
          + " routing_weight = ?, revision_id = ? WHERE account = ? AND name = ? AND alias = ?");
      return alias;
    });
  }

  @Override
  public CompletionStage<Void> deleteAlias(FunctionId id, String name) {
    return db.transaction(c -> {
      requireFunction(c, id);
      try (PreparedStatement st = c.prepareStatement(
          "DELETE FROM aliases WHERE account = ? AND name = ? AND alias = ?")) {
        st.setString(1, id.account());
        st.setString(2, id.name());
        st.setString(3, name);
        if (st.executeUpdate() == 0) {
          throw StoreRules.aliasNotFound(id, name);
        }
      }
      SqliteFunctionUrls.delete(c, id, name);
      SqliteEventConfigs.deleteConfig(c, id, name);
      return null;
    });
  }

  // ---- function URLs ----

  @Override
  public CompletionStage<FunctionUrlConfig> createUrlConfig(FunctionUrlConfig config) {
    FunctionId id = config.function();
    String qualifier = config.qualifier();
    return db.transaction(c -> {
      requireFunction(c, id);
      if (!VersionedConfig.LATEST.equals(qualifier) && readAlias(c, id, qualifier).isEmpty()) {
        throw StoreRules.aliasNotFound(id, qualifier);
      }
      if (SqliteFunctionUrls.get(c, id, qualifier).isPresent()) {
        throw StoreRules.urlExists(id, qualifier);
      }
      SqliteFunctionUrls.insert(c, config);
      return config;
    });
  }

  @Override
  public CompletionStage<Optional<FunctionUrlConfig>> getUrlConfig(FunctionId function, String qualifier) {
    return db.read(c -> SqliteFunctionUrls.get(c, function, qualifier));
  }

  @Override
  public CompletionStage<Optional<FunctionUrlConfig>> findUrlConfig(String urlId) {
    return db.read(c -> SqliteFunctionUrls.find(c, urlId));
  }

  @Override
  public CompletionStage<FunctionUrlConfig> updateUrlConfig(FunctionUrlConfig config) {
    FunctionId id = config.function();
    return db.transaction(c -> {
      requireFunction(c, id);
      FunctionUrlConfig current = SqliteFunctionUrls.get(c, id, config.qualifier())
          .orElseThrow(() -> StoreRules.urlNotFound(id, config.qualifier()));
      FunctionUrlConfig updated = StoreRules.updatedUrl(current, config);
      SqliteFunctionUrls.update(c, updated);
      return updated;
    });
  }

  @Override
  public CompletionStage<Void> deleteUrlConfig(FunctionId function, String qualifier) {
    return db.transaction(c -> {
      requireFunction(c, function);
      if (!SqliteFunctionUrls.delete(c, function, qualifier)) {
        throw StoreRules.urlNotFound(function, qualifier);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Page<FunctionUrlConfig>> listUrlConfigs(FunctionId function, String marker, int limit) {
    return db.read(c -> {
      requireFunction(c, function);
      List<FunctionUrlConfig> items = SqliteFunctionUrls.list(c, function, marker == null ? "" : marker, limit + 1);
      return StoreRules.page(items, limit, FunctionUrlConfig::qualifier);
    });
  }

  // ---- event invoke configs ----

  @Override
  public CompletionStage<EventInvokeConfig> putEventInvokeConfig(EventInvokeConfig config) {
    return db.transaction(c -> {
      requireFunction(c, config.function());
      requireQualifier(c, config.function(), config.qualifier());
      SqliteEventConfigs.putConfig(c, config);
      return config;
    });
  }

  @Override
  public CompletionStage<Optional<EventInvokeConfig>> getEventInvokeConfig(FunctionId function, String qualifier) {
    return db.read(c -> SqliteEventConfigs.getConfig(c, function, qualifier));
  }

  @Override
  public CompletionStage<Void> deleteEventInvokeConfig(FunctionId function, String qualifier) {
    return db.transaction(c -> {
      requireFunction(c, function);
      if (!SqliteEventConfigs.deleteConfig(c, function, qualifier)) {
        throw StoreRules.eventConfigNotFound(function, qualifier);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Page<EventInvokeConfig>> listEventInvokeConfigs(FunctionId function, String marker,
      int limit) {
    return db.read(c -> {
      requireFunction(c, function);
      List<EventInvokeConfig> items =
          SqliteEventConfigs.listConfigs(c, function, marker == null ? "" : marker, limit + 1);
      return StoreRules.page(items, limit, EventInvokeConfig::qualifier);
    });
  }

  // ---- event source mappings ----

  @Override
  public CompletionStage<EventSourceMapping> createMapping(EventSourceMapping mapping) {
    return db.transaction(c -> {
      requireFunction(c, mapping.function());
      if (SqliteEventConfigs.getMapping(c, mapping.uuid()).isPresent()) {
        throw StoreRules.mappingExists(mapping.uuid());
      }
      SqliteEventConfigs.insertMapping(c, mapping);
      return mapping;
    });
  }

  @Override
  public CompletionStage<Optional<EventSourceMapping>> getMapping(String uuid) {
    return db.read(c -> SqliteEventConfigs.getMapping(c, uuid));
  }

  @Override
  public CompletionStage<EventSourceMapping> updateMapping(EventSourceMapping mapping) {
    return db.transaction(c -> {
      EventSourceMapping current = SqliteEventConfigs.getMapping(c, mapping.uuid())
          .orElseThrow(() -> StoreRules.mappingNotFound(mapping.uuid()));
      if (!current.function().equals(mapping.function())) {
        requireFunction(c, mapping.function());
      }
      EventSourceMapping updated = StoreRules.updatedMapping(current, mapping);
      SqliteEventConfigs.updateMapping(c, updated);
      return updated;
    });
  }

  @Override
  public CompletionStage<Void> updateMappingState(String uuid, String state, String stateTransitionReason,
      String lastProcessingResult) {
    Objects.requireNonNull(state, "state");
    return db.read(c -> {
      SqliteEventConfigs.updateMappingState(c, uuid, state, stateTransitionReason, lastProcessingResult);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> deleteMapping(String uuid) {
    return db.read(c -> {
      if (!SqliteEventConfigs.deleteMapping(c, uuid)) {
        throw StoreRules.mappingNotFound(uuid);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Page<EventSourceMapping>> listMappings(String account, FunctionId function, String marker,
      int limit) {
    return db.read(c -> StoreRules.page(
        SqliteEventConfigs.listMappings(c, account, function, marker == null ? "" : marker, limit + 1), limit,
        EventSourceMapping::uuid));
  }

  @Override
  public CompletionStage<List<EventSourceMapping>> allMappings() {
    return db.read(SqliteEventConfigs::allMappings);
  }

  // ---- scheduled rules ----

  @Override
  public CompletionStage<ScheduleRule> putRule(ScheduleRule rule) {
    return db.transaction(c -> {
      Optional<ScheduleRule> current = SqliteSchedules.getRule(c, rule.account(), rule.name());
      if (current.isEmpty()) {
        SqliteSchedules.insertRule(c, rule);
        return rule;
      }
      ScheduleRule updated = StoreRules.updatedRule(current.get(), rule);
      SqliteSchedules.updateRule(c, updated);
      return updated;
    });
  }

  @Override
  public CompletionStage<Optional<ScheduleRule>> getRule(String account, String name) {
    return db.read(c -> SqliteSchedules.getRule(c, account, name));
  }

  @Override
  public CompletionStage<Void> deleteRule(String account, String name) {
    return db.transaction(c -> {
      requireRule(c, account, name);
      if (SqliteSchedules.hasTargets(c, account, name)) {
        throw StoreRules.ruleHasTargets();
      }
      SqliteSchedules.deleteRule(c, account, name);
      return null;
    });
  }

  @Override
  public CompletionStage<Page<ScheduleRule>> listRules(String account, String namePrefix, String marker, int limit) {
    return db.read(c -> StoreRules.page(
        SqliteSchedules.listRules(c, account, namePrefix, marker == null ? "" : marker, limit + 1), limit,
        ScheduleRule::name));
  }

  @Override
  public CompletionStage<List<ScheduleRule>> allRules() {
    return db.read(SqliteSchedules::allRules);
  }

  @Override
  public CompletionStage<Void> putTargets(String account, String rule, Collection<ScheduleTarget> targets) {
    StoreRules.checkTargetsOf(account, rule, targets);
    List<ScheduleTarget> copy = List.copyOf(targets);
    return db.transaction(c -> {
      requireRule(c, account, rule);
      for (ScheduleTarget target : copy) {
        SqliteSchedules.putTarget(c, target);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Void> removeTargets(String account, String rule, Collection<String> ids) {
    List<String> copy = List.copyOf(ids);
    return db.transaction(c -> {
      requireRule(c, account, rule);
      for (String id : copy) {
        SqliteSchedules.removeTarget(c, account, rule, id);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Page<ScheduleTarget>> listTargets(String account, String rule, String marker, int limit) {
    return db.read(c -> {
      requireRule(c, account, rule);
      return StoreRules.page(SqliteSchedules.listTargets(c, account, rule, marker == null ? "" : marker, limit + 1),
          limit, ScheduleTarget::id);
    });
  }

  @Override
  public CompletionStage<Optional<Instant>> lastFired(String account, String rule) {
    return db.read(c -> SqliteSchedules.lastFired(c, account, rule));
  }

  @Override
  public CompletionStage<Boolean> claimTick(String account, String rule, Instant tick) {
    // One conditional UPDATE on the only writer thread: claims are applied one after another.
    return db.read(c -> SqliteSchedules.claimTick(c, account, rule, tick));
  }

  // ---- queued asynchronous invocations ----

  @Override
  public CompletionStage<Long> enqueue(byte[] body, Instant enqueued) {
    return events.enqueue(body, enqueued);
  }

  @Override
  public CompletionStage<List<QueuedEvent>> queuedAfter(long afterSeq, int limit) {
    return events.queuedAfter(afterSeq, limit);
  }

  @Override
  public CompletionStage<Void> remove(long seq) {
    return events.remove(seq);
  }

  @Override
  public CompletionStage<Long> queuedCount() {
    return events.queuedCount();
  }

  // ---- code ----

  @Override
  public CompletionStage<Void> putCode(String sha256Hex, byte[] zip) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "INSERT OR IGNORE INTO code (sha256, zip, size) VALUES (?, ?, ?)")) {
        st.setString(1, sha256Hex);
        st.setBytes(2, zip);
        st.setLong(3, zip.length);
        st.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Optional<byte[]>> getCode(String sha256Hex) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT zip FROM code WHERE sha256 = ?")) {
        st.setString(1, sha256Hex);
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          byte[] zip = rs.getBytes(1);
          if (!Sha256.hex(zip).equals(sha256Hex)) {
            throw new SQLException("stored code " + sha256Hex + " is damaged: its SHA-256 does not match");
          }
          return Optional.of(zip);
        }
      }
    });
  }

  // ---- invocations and logs ----

  @Override
  public void record(InvocationRecord record) {
    invocations.record(record);
  }

  @Override
  public void appendLogs(List<LogLine> lines) {
    invocations.appendLogs(lines);
  }

  @Override
  public CompletionStage<Void> flush() {
    return invocations.flush();
  }

  @Override
  public CompletionStage<List<InvocationRecord>> findInvocations(FunctionId function, InvocationQuery query) {
    return invocations.findInvocations(function, query);
  }

  @Override
  public CompletionStage<List<LogLine>> logsBetween(FunctionId function, Instant from, Instant to, int limit) {
    return invocations.logsBetween(function, from, to, limit);
  }

  @Override
  public CompletionStage<List<LogLine>> logsOf(FunctionId function, String requestId) {
    return invocations.logsOf(function, requestId);
  }

  @Override
  public CompletionStage<List<DailyUsage>> usage(String account, LocalDate from, LocalDate to) {
    return invocations.usage(account, from, to);
  }

  @Override
  public int bufferedItems() {
    return invocations.buffered();
  }

  @Override
  public long refusedItems() {
    return 0; // the embedded store buffers without a bound: its writes fail only with the disk
  }

  // ---- the store itself ----

  @Override
  public CompletionStage<Void> ping() {
    return db.read(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM functions LIMIT 1")) {
        rs.next();
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Void> checkEnvironmentKey(int sample) {
    String sealed = "%\"" + ConfigJson.SEALED_ENVIRONMENT + "\"%";
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT account, name, 0, latest FROM functions WHERE latest LIKE ?1"
              + " UNION ALL SELECT account, name, version, config FROM versions WHERE config LIKE ?1 LIMIT ?2")) {
        st.setString(1, sealed);
        st.setInt(2, sample);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            long v = rs.getLong(3);
            ConfigJson.readConfig(rs.getString(4), environmentKey, new FunctionId(rs.getString(1), rs.getString(2)),
                v == 0 ? VersionedConfig.LATEST : Long.toString(v));
          }
        }
      }
      return null;
    });
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    invocations.flush().toCompletableFuture().join();
    db.close();
  }

  // ---- helpers, all on the database thread ----

  private Optional<FunctionDefinition> readFunction(Connection c, FunctionId id) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT latest, tags, reserved_concurrency, created_ms"
        + " FROM functions WHERE account = ? AND name = ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        int reserved = rs.getInt(3);
        OptionalInt reservedConcurrency = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(reserved);
        return Optional.of(new FunctionDefinition(id,
            ConfigJson.readConfig(rs.getString(1), environmentKey, id, VersionedConfig.LATEST),
            ConfigJson.readMap(rs.getString(2)), reservedConcurrency, Instant.ofEpochMilli(rs.getLong(4))));
      }
    }
  }

  private FunctionDefinition requireFunction(Connection c, FunctionId id) throws SQLException {
    return readFunction(c, id).orElseThrow(() -> StoreRules.notFound(id, null));
  }

  private static void requireRule(Connection c, String account, String name) throws SQLException {
    if (SqliteSchedules.getRule(c, account, name).isEmpty()) {
      throw StoreRules.ruleNotFound(name);
    }
  }

  private Optional<VersionedConfig> readVersion(Connection c, FunctionId id, long version)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT config FROM versions WHERE account = ? AND name = ? AND version = ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setLong(3, version);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next()
            ? Optional.of(new VersionedConfig(id, Long.toString(version),
                ConfigJson.readConfig(rs.getString(1), environmentKey, id, Long.toString(version))))
            : Optional.empty();
      }
    }
  }

  private Optional<VersionedConfig> newestVersion(Connection c, FunctionId id) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT version, config FROM versions"
        + " WHERE account = ? AND name = ? ORDER BY version DESC LIMIT 1")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String version = Long.toString(rs.getLong(1));
        return Optional.of(new VersionedConfig(id, version,
            ConfigJson.readConfig(rs.getString(2), environmentKey, id, version)));
      }
    }
  }

  /** The $LATEST a version was published from: its configuration with the description $LATEST had then. */
  private FunctionConfig publishedFrom(Connection c, VersionedConfig version) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT latest_description FROM versions WHERE account = ? AND name = ? AND version = ?")) {
      st.setString(1, version.function().account());
      st.setString(2, version.function().name());
      st.setLong(3, Long.parseLong(version.version()));
      try (ResultSet rs = st.executeQuery()) {
        String description = rs.next() ? rs.getString(1) : null;
        return description == null ? version.config() : version.config().withDescription(description);
      }
    }
  }

  /** Fails with NotFound unless {@code qualifier} is $LATEST or names a version or alias the function has. */
  private void requireQualifier(Connection c, FunctionId id, String qualifier) throws SQLException {
    if (VersionedConfig.LATEST.equals(qualifier)) {
      return;
    }
    if (StoreRules.isVersion(qualifier)) {
      long number = StoreRules.versionNumber(qualifier);
      if (number < 1 || readVersion(c, id, number).isEmpty()) {
        throw StoreRules.notFound(id, qualifier);
      }
    } else if (readAlias(c, id, qualifier).isEmpty()) {
      throw StoreRules.aliasNotFound(id, qualifier);
    }
  }

  private void requireVersions(Connection c, Alias alias) throws SQLException {
    List<String> versions = new ArrayList<>();
    versions.add(alias.functionVersion());
    alias.routing().ifPresent(r -> versions.add(r.version()));
    for (String v : versions) {
      if (VersionedConfig.LATEST.equals(v)) {
        continue;
      }
      long number = StoreRules.parseOr(v, -1);
      if (number < 1 || readVersion(c, alias.function(), number).isEmpty()) {
        throw StoreRules.notFound(alias.function(), v);
      }
    }
  }

  private static Optional<Alias> readAlias(Connection c, FunctionId id, String name) throws SQLException {
    List<Alias> found = selectAliases(c, id, "alias = ?", name, 1);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private static List<Alias> readAliases(Connection c, FunctionId id, String functionVersion, String after,
      int limit) throws SQLException {
    List<Alias> all = selectAliases(c, id, "alias > ?", after, Integer.MAX_VALUE);
    return all.stream()
        .filter(a -> functionVersion == null || a.references(functionVersion))
        .limit(limit)
        .toList();
  }

  private static List<Alias> selectAliases(Connection c, FunctionId id, String condition, String value, int limit)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT alias, function_version, description, routing_version,"
        + " routing_weight, revision_id FROM aliases WHERE account = ? AND name = ? AND " + condition
        + " ORDER BY alias LIMIT ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setString(3, value);
      st.setInt(4, limit);
      List<Alias> aliases = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String routingVersion = rs.getString(4);
          Optional<Alias.Routing> routing = routingVersion == null
              ? Optional.empty()
              : Optional.of(new Alias.Routing(routingVersion, rs.getDouble(5)));
          aliases.add(new Alias(id, rs.getString(1), rs.getString(2), rs.getString(3), routing, rs.getString(6)));
        }
      }
      return aliases;
    }
  }

  private static void writeAlias(Connection c, Alias alias, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, alias.functionVersion());
      st.setString(2, alias.description());
      if (alias.routing().isPresent()) {
        st.setString(3, alias.routing().get().version());
        st.setDouble(4, alias.routing().get().weight());
      } else {
        st.setNull(3, Types.VARCHAR);
        st.setNull(4, Types.REAL);
      }
      st.setString(5, alias.revisionId());
      st.setString(6, alias.function().account());
      st.setString(7, alias.function().name());
      st.setString(8, alias.name());
      st.executeUpdate();
    }
  }

  private static void setReserved(PreparedStatement st, int index, OptionalInt reserved) throws SQLException {
    if (reserved.isPresent()) {
      st.setInt(index, reserved.getAsInt());
    } else {
      st.setNull(index, Types.INTEGER);
    }
  }
}
