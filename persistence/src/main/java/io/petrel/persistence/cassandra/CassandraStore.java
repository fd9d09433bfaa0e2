package io.petrel.persistence.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
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
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import io.petrel.persistence.internal.CassandraCode;
import io.petrel.persistence.internal.CassandraInvocationLog;
import io.petrel.persistence.internal.CassandraMappings;
import io.petrel.persistence.internal.CassandraSchedules;
import io.petrel.persistence.internal.CassandraSchema;
import io.petrel.persistence.internal.CassandraUrlIds;
import io.petrel.persistence.internal.ConfigJson;
import io.petrel.persistence.internal.Cql;
import io.petrel.persistence.internal.FunctionPartition;
import io.petrel.persistence.internal.StoreRules;
import io.petrel.persistence.internal.FunctionPartition.PublishedVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster store on Apache Cassandra.
 *
 * <p>Every change to a function, its versions or aliases is a read of the function's partition, a decision in
 * Java (the same checks the embedded engine makes in a transaction), and one conditional batch on that
 * partition that applies only if the partition's {@code seq} is still what was read. A batch that lost the race
 * is retried from a fresh read, so two nodes publishing at once never get the same version number and a
 * RevisionId check cannot be separated from the write it guards. Within one store, changes to one function are
 * also queued one after another, which saves lightweight-transaction rounds that would only conflict.
 *
 * <p>A function URL is a row of its function's partition, created and deleted by such batches like an alias, so a
 * qualifier never gets two URLs, not even from two nodes at once, and deleting a function or alias takes its URL
 * along in the same batch. {@link CassandraUrlIds} leads from a URL id to that row. An event invoke config is
 * such a row too, and goes with its function, version or alias the same way.
 *
 * <p>Event-source mappings live apart from functions, a row each (see {@link CassandraMappings}): they outlive
 * their function, and their state is written by the nodes running them.
 *
 * <p>Scheduled rules and their targets are tables of their own too (see {@link CassandraSchedules}), where a
 * lightweight transaction on a rule's last fired tick lets one node fire each tick.
 *
 * <p>Code is stored in 1 MiB chunks and verified by SHA-256 on read; invocation records and log lines are
 * written in batches by {@link CassandraInvocationLog}, which also buffers them while Cassandra is away.
 */
public final class CassandraStore implements PetrelStore {
  private static final Logger log = LoggerFactory.getLogger(CassandraStore.class);
  private static final int MAX_ATTEMPTS = 200;

  private final CqlSession session;
  private final String ks;
  private final ScheduledExecutorService timer;
  private final CassandraCode code;
  private final CassandraUrlIds urlIds;
  private final CassandraMappings mappings;
  private final CassandraSchedules schedules;
  private final CassandraInvocationLog invocations;
  private final EnvironmentKey environmentKey;
  private final ConcurrentHashMap<FunctionId, CompletableFuture<Void>> changeQueues = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final SimpleStatement ping;

  private final PreparedStatement readPartition;
  private final PreparedStatement readFunction;
  private final PreparedStatement readItem;
  private final PreparedStatement guard;
  private final PreparedStatement writeFunction;
  private final PreparedStatement clearFunction;
  private final PreparedStatement writeLatest;
  private final PreparedStatement writeReserved;
  private final PreparedStatement writeNextVersion;
  private final PreparedStatement writeVersion;
  private final PreparedStatement writeAlias;
  private final PreparedStatement writeUrl;
  private final PreparedStatement writeEventConfig;
  private final PreparedStatement deleteItem;
  private final PreparedStatement listNames;
  private final PreparedStatement addName;
  private final PreparedStatement removeName;

  private CassandraStore(CqlSession session, CassandraSettings settings, EnvironmentKey environmentKey) {
    this.session = session;
    this.environmentKey = environmentKey;
    this.ks = settings.keyspace();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "petrel-cassandra-retry");
      t.setDaemon(true);
      return t;
    });
    // The contacted node's own row of system.local: it answers alone, at ONE, within the request timeout.
    ping = SimpleStatement.newInstance("SELECT release_version FROM system.local")
        .setConsistencyLevel(DefaultConsistencyLevel.ONE)
        .setTimeout(settings.requestTimeout())
        .setIdempotent(true);
    String fn = ks + ".functions";
    String where = " WHERE account = ? AND name = ?";
    readPartition = session.prepare("SELECT " + FunctionPartition.COLUMNS + " FROM " + fn + where);
    readFunction = session.prepare("SELECT present, latest, tags, reserved, created_ms FROM " + fn + where
        + " LIMIT 1");
    readItem = session.prepare("SELECT " + FunctionPartition.COLUMNS + " FROM " + fn + where + " AND item = ?");
    guard = session.prepare("UPDATE " + fn + " SET seq = ?, op = ?" + where + " IF seq = ?");
    writeFunction = session.prepare("UPDATE " + fn + " SET present = true, latest = ?, tags = ?, reserved = ?,"
        + " next_version = 1, created_ms = ?" + where);
    clearFunction = session.prepare("UPDATE " + fn + " SET present = false, latest = null, tags = null,"
        + " reserved = null, next_version = null, created_ms = null" + where);
    writeLatest = session.prepare("UPDATE " + fn + " SET latest = ?" + where);
    writeReserved = session.prepare("UPDATE " + fn + " SET reserved = ?" + where);
    writeNextVersion = session.prepare("UPDATE " + fn + " SET next_version = ?" + where);
    writeVersion = session.prepare("INSERT INTO " + fn + " (account, name, item, config, latest_description)"
        + " VALUES (?, ?, ?, ?, ?)");
    writeAlias = session.prepare("INSERT INTO " + fn + " (account, name, item, alias_version, alias_description,"
        + " routing_version, routing_weight, alias_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    writeUrl = session.prepare("INSERT INTO " + fn + " (account, name, item, " + FunctionPartition.URL_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    writeEventConfig = session.prepare("INSERT INTO " + fn + " (account, name, item, "
        + FunctionPartition.EVENT_CONFIG_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    deleteItem = session.prepare("DELETE FROM " + fn + where + " AND item = ?");
    listNames = session.prepare("SELECT name FROM " + ks + ".account_functions WHERE account = ? AND name >= ?"
        + " LIMIT ?");
    addName = session.prepare("INSERT INTO " + ks + ".account_functions (account, name) VALUES (?, ?)");
    removeName = session.prepare("DELETE FROM " + ks + ".account_functions USING TIMESTAMP ?"
        + " WHERE account = ? AND name = ?");
    this.code = new CassandraCode(session, ks);
    this.urlIds = new CassandraUrlIds(session, ks);
    this.mappings = new CassandraMappings(session, ks);
    this.schedules = new CassandraSchedules(session, ks);
    this.invocations = new CassandraInvocationLog(session, ks, settings.logRetention(), settings.bufferLimit());
  }

  /**
   * Connects to Cassandra, creating or migrating Petrel's keyspace. While no contact point answers, says so in
   * one line and tries again with a growing pause, until {@code giveUpAfter} has passed (then it throws
   * {@link StoreException.Unavailable}); a {@code giveUpAfter} beyond 10,000 days means never. Functions'
   * environment variables are encrypted with {@code environmentKey}, which every node of the cluster shares.
   */
  public static CassandraStore connect(CassandraSettings settings, EnvironmentKey environmentKey,
      Duration giveUpAfter) {
    long started = System.nanoTime();
    long giveUpNanos = giveUpAfter.compareTo(Duration.ofDays(10_000)) > 0 ? Long.MAX_VALUE : giveUpAfter.toNanos();
    long pauseMs = 500;
    while (true) {
      try {
        CqlSession session = openSession(settings);
        try {
          CassandraSchema.migrate(session, settings.keyspace(), settings.replication().toCql());
          CassandraStore store = new CassandraStore(session, settings, environmentKey);
          log.info("Cassandra store ready: keyspace {} via {}, consistency {}", settings.keyspace(),
              settings.contactPoints(), settings.consistency());
          return store;
        } catch (RuntimeException e) {
          session.close();
          throw e;
        }
      } catch (AllNodesFailedException | com.datastax.oss.driver.api.core.DriverTimeoutException e) {
        if (System.nanoTime() - started + pauseMs * 1_000_000 > giveUpNanos) {
          throw new StoreException.Unavailable("Cassandra at " + settings.contactPoints()
              + " could not be reached within " + giveUpAfter.toSeconds() + " s: " + Cql.brief(e));
        }
        log.warn("Cassandra at {} is not reachable ({}); trying again in {} s", settings.contactPoints(),
            Cql.brief(e), String.format("%.1f", pauseMs / 1000.0));
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new StoreException.Unavailable("interrupted while waiting for Cassandra");
        }
        pauseMs = Math.min(pauseMs * 2, 15_000);
      }
    }
  }

  private static CqlSession openSession(CassandraSettings settings) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, settings.consistency())
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, settings.serialConsistency())
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.requestTimeout())
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        .withBoolean(DefaultDriverOption.REQUEST_WARN_IF_SET_KEYSPACE, false)
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(4))
        .build();
    CqlSessionBuilder builder = CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoints(settings.contactPoints())
        .withLocalDatacenter(settings.localDatacenter());
    settings.credentials().ifPresent(c -> builder.withAuthCredentials(c.username(), c.password()));
    return builder.build();
  }

  // ---- functions ----

  @Override
  public CompletionStage<FunctionDefinition> createFunction(FunctionDefinition f) {
    FunctionId id = f.id();
    // The name goes into the account's listing first: a listing skips names whose function is absent, so a
    // name without a function is harmless while a function missing from the listing would not be.
    return Cql.translated(session.executeAsync(addName.bind(id.account(), id.name()))
        .thenCompose(ignored -> change(id, p -> {
          if (p.function().isPresent()) {
            throw new StoreException.AlreadyExists("Function already exist: " + id.name());
          }
          return Change.of(f, writeFunction.bind(
              ConfigJson.write(f.latest(), environmentKey, id, VersionedConfig.LATEST), ConfigJson.write(f.tags()),
              reserved(f.reservedConcurrency()), f.created().toEpochMilli(), id.account(), id.name()));
        })));
  }

  @Override
  public CompletionStage<Optional<FunctionDefinition>> getFunction(FunctionId id) {
    return Cql.translated(Cql.one(session, readFunction.bind(id.account(), id.name()))
        .thenApply(row -> row == null || row.isNull("present") || !row.getBoolean("present")
            ? Optional.<FunctionDefinition>empty()
            : Optional.of(FunctionPartition.definition(id, row, environmentKey))));
  }

  @Override
  public CompletionStage<Page<VersionedConfig>> listFunctions(
      String account, boolean includeVersions, String marker, int limit) {
    String afterName = "";
    long afterVersion = -1;
    if (marker != null && !marker.isEmpty()) {
      int colon = marker.lastIndexOf(':');
      afterName = colon < 0 ? marker : marker.substring(0, colon);
      afterVersion = colon < 0 ? Long.MAX_VALUE : StoreRules.parseOr(marker.substring(colon + 1), Long.MAX_VALUE);
    }
    List<VersionedConfig> items = new ArrayList<>();
    return Cql.translated(listFrom(account, includeVersions, afterName, afterVersion, afterName, limit + 1, items)
        .thenApply(ignored -> StoreRules.page(items, limit, last -> last.function().name() + ":"
            + (last.isLatest() ? "0" : last.version()))));
  }

  /** Adds rows after (afterName, afterVersion) to {@code items} until it holds {@code wanted}, reading names from
   * {@code fromName} on. $LATEST counts as version 0 so that a marker resumes after exactly the last row. */
  private CompletionStage<Void> listFrom(String account, boolean includeVersions, String afterName,
      long afterVersion, String fromName, int wanted, List<VersionedConfig> items) {
    int batch = 50;
    return Cql.all(session, listNames.bind(account, fromName, batch)).thenCompose(rows -> {
      List<String> names = rows.stream().map(r -> r.getString(0)).toList();
      List<CompletableFuture<FunctionPartition>> reads = names.stream()
          .map(name -> readPartition(new FunctionId(account, name)).toCompletableFuture())
          .toList();
      return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(ignored -> {
        for (CompletableFuture<FunctionPartition> read : reads) {
          FunctionPartition p = read.join();
          if (p.function().isEmpty()) {
            continue;
          }
          String name = p.id().name();
          List<VersionedConfig> rowsOfFunction = new ArrayList<>();
          rowsOfFunction.add(new VersionedConfig(p.id(), VersionedConfig.LATEST, p.function().get().latest()));
          if (includeVersions) {
            p.versions().values().forEach(v -> rowsOfFunction.add(v.version()));
          }
          for (VersionedConfig row : rowsOfFunction) {
            long v = row.isLatest() ? 0 : Long.parseLong(row.version());
            int byName = name.compareTo(afterName);
            if ((byName > 0 || byName == 0 && v > afterVersion) && items.size() < wanted) {
              items.add(row);
            }
          }
        }
        if (items.size() >= wanted || names.size() < batch) {
          return CompletableFuture.completedFuture(null);
        }
        // The next names start after the last one read ("\0" is the smallest suffix).
        return listFrom(account, includeVersions, afterName, afterVersion, names.get(names.size() - 1) + "\0",
            wanted, items);
      });
    });
  }

  @Override
  public CompletionStage<FunctionDefinition> modifyLatest(
      FunctionId id, String expectedRevisionId, UnaryOperator<FunctionConfig> changeOfLatest) {
    return change(id, p -> {
      FunctionDefinition current = require(p);
      StoreRules.checkRevision(expectedRevisionId, current.latest().revisionId(), "function");
      FunctionConfig latest = changeOfLatest.apply(current.latest());
      return Change.of(current.withLatest(latest),
          writeLatest.bind(ConfigJson.write(latest, environmentKey, id, VersionedConfig.LATEST), id.account(),
              id.name()));
    });
  }

  @Override
  public CompletionStage<FunctionDefinition> putReservedConcurrency(FunctionId id, OptionalInt reserved) {
    return change(id, p -> Change.of(require(p).withReservedConcurrency(reserved),
        writeReserved.bind(reserved(reserved), id.account(), id.name())));
  }

  @Override
  public CompletionStage<Void> deleteFunction(FunctionId id) {
    long micros = Math.multiplyExact(System.currentTimeMillis(), 1000L);
    return change(id, p -> {
      require(p);
      List<BoundStatement> writes = new ArrayList<>();
      p.versions().keySet().forEach(v -> writes.add(
          deleteItem.bind(id.account(), id.name(), FunctionPartition.versionItem(v))));
      p.aliases().keySet().forEach(a -> writes.add(
          deleteItem.bind(id.account(), id.name(), FunctionPartition.aliasItem(a))));
      p.urls().keySet().forEach(q -> writes.add(
          deleteItem.bind(id.account(), id.name(), FunctionPartition.urlItem(q))));
      p.eventConfigs().keySet().forEach(q -> writes.add(
          deleteItem.bind(id.account(), id.name(), FunctionPartition.eventConfigItem(q))));
      writes.add(clearFunction.bind(id.account(), id.name()));
      return new Change<>(urlIdsOf(p.urls().values()), writes);
    }).thenCompose(urlIds::removeAll).thenCompose(ignored -> Cql.translated(
        // Timestamped before the deletion, so that a create of the same name after it keeps its listing entry.
        session.executeAsync(removeName.bind(micros, id.account(), id.name())).thenApply(rs -> (Void) null)));
  }

  // ---- versions ----

  @Override
  public CompletionStage<VersionedConfig> publishVersion(
      FunctionId id, String expectedRevisionId, String description, String versionRevisionId, Instant now) {
    return change(id, p -> {
      FunctionDefinition function = require(p);
      StoreRules.checkRevision(expectedRevisionId, function.latest().revisionId(), "function");
      var newest = p.versions().lastEntry();
      if (newest != null && newest.getValue().publishedFrom().sameContentAs(function.latest())) {
        return new Change<>(newest.getValue().version(), List.of());
      }
      long number = p.nextVersion();
      FunctionConfig config = function.latest().withRevision(versionRevisionId, now);
      if (description != null) {
        config = config.withDescription(description);
      }
      return new Change<>(new VersionedConfig(id, Long.toString(number), config), List.of(
          writeVersion.bind(id.account(), id.name(), FunctionPartition.versionItem(number),
              ConfigJson.write(config, environmentKey, id, Long.toString(number)), function.latest().description()),
          writeNextVersion.bind(number + 1, id.account(), id.name())));
    });
  }

  @Override
  public CompletionStage<Optional<VersionedConfig>> getVersion(FunctionId id, long version) {
    return Cql.translated(Cql.one(session,
            readItem.bind(id.account(), id.name(), FunctionPartition.versionItem(version)))
        .thenApply(row -> row == null || row.isNull("present") || !row.getBoolean("present")
            ? Optional.<VersionedConfig>empty()
            : Optional.of(new VersionedConfig(id, Long.toString(version),
                ConfigJson.readConfig(row.getString("config"), environmentKey, id, Long.toString(version))))));
  }

  @Override
  public CompletionStage<Page<VersionedConfig>> listVersions(FunctionId id, String marker, int limit) {
    long after = marker == null || marker.isEmpty() ? 0 : StoreRules.parseOr(marker, Long.MAX_VALUE);
    return Cql.translated(readPartition(id).thenApply(p -> {
      require(p);
      List<VersionedConfig> items = p.versions().tailMap(after, false).values().stream()
          .limit(limit + 1L)
          .map(PublishedVersion::version)
          .toList();
      return StoreRules.page(items, limit, VersionedConfig::version);
    }));
  }

  @Override
  public CompletionStage<Void> deleteVersion(FunctionId id, long version) {
    return change(id, p -> {
      require(p);
      if (!p.versions().containsKey(version)) {
        throw StoreRules.notFound(id, Long.toString(version));
      }
      String v = Long.toString(version);
      for (Alias alias : p.aliases().values()) {
        if (alias.references(v)) {
          throw new StoreException.InUse("Unable to delete version " + v + " of function " + id.name()
              + " because alias " + alias.name() + " routes to it");
        }
      }
      List<BoundStatement> writes = new ArrayList<>();
      writes.add(deleteItem.bind(id.account(), id.name(), FunctionPartition.versionItem(version)));
      if (p.eventConfigs().containsKey(v)) {
        writes.add(deleteItem.bind(id.account(), id.name(), FunctionPartition.eventConfigItem(v)));
      }
      return new Change<Void>(null, writes);
    });
  }

  // ---- aliases ----

  @Override
  public CompletionStage<Alias> createAlias(Alias alias) {
    FunctionId id = alias.function();
    return change(id, p -> {
      require(p);
      if (p.aliases().containsKey(alias.name())) {
        throw new StoreException.AlreadyExists("Alias already exists: " + alias.name());
      }
      requireVersions(p, alias);
      return Change.of(alias, bindAlias(alias));
    });
  }

  @Override
  public CompletionStage<Optional<Alias>> getAlias(FunctionId id, String name) {
    return Cql.translated(Cql.one(session, readItem.bind(id.account(), id.name(), FunctionPartition.aliasItem(name)))
        .thenApply(row -> row == null || row.isNull("present") || !row.getBoolean("present")
            || row.isNull("alias_version")
            ? Optional.<Alias>empty()
            : Optional.of(FunctionPartition.alias(id, name, row))));
  }

  @Override
  public CompletionStage<Page<Alias>> listAliases(FunctionId id, String functionVersion, String marker, int limit) {
    String after = marker == null ? "" : marker;
    return Cql.translated(readPartition(id).thenApply(p -> {
      require(p);
      List<Alias> items = p.aliases().tailMap(after, false).values().stream()
          .filter(a -> functionVersion == null || a.references(functionVersion))
          .limit(limit + 1L)
          .toList();
      return StoreRules.page(items, limit, Alias::name);
    }));
  }

  @Override
  public CompletionStage<Alias> updateAlias(Alias alias, String expectedRevisionId) {
    FunctionId id = alias.function();
    return change(id, p -> {
      require(p);
      Alias current = p.aliases().get(alias.name());
      if (current == null) {
        throw StoreRules.aliasNotFound(id, alias.name());
      }
      StoreRules.checkRevision(expectedRevisionId, current.revisionId(), "alias");
      requireVersions(p, alias);
      return Change.of(alias, bindAlias(alias));
    });
  }

  @Override
  public CompletionStage<Void> deleteAlias(FunctionId id, String name) {
    return change(id, p -> {
      require(p);
      if (!p.aliases().containsKey(name)) {
        throw StoreRules.aliasNotFound(id, name);
      }
      List<BoundStatement> writes = new ArrayList<>();
      writes.add(deleteItem.bind(id.account(), id.name(), FunctionPartition.aliasItem(name)));
      FunctionUrlConfig url = p.urls().get(name);
      if (url != null) {
        writes.add(deleteItem.bind(id.account(), id.name(), FunctionPartition.urlItem(name)));
      }
      if (p.eventConfigs().containsKey(name)) {
        writes.add(deleteItem.bind(id.account(), id.name(), FunctionPartition.eventConfigItem(name)));
      }
      return new Change<>(url == null ? List.<String>of() : List.of(url.urlId()), writes);
    }).thenCompose(urlIds::removeAll);
  }

  // ---- function URLs ----

  @Override
  public CompletionStage<FunctionUrlConfig> createUrlConfig(FunctionUrlConfig config) {
    FunctionId id = config.function();
    String qualifier = config.qualifier();
    // The URL id's pointer goes first: it leads nowhere until the partition row names the id, so a create that
    // loses the race or fails leaves at most a pointer nobody follows, and a created URL is always found.
    return Cql.translated(urlIds.put(config.urlId(), id, qualifier))
        .thenCompose(ignored -> change(id, p -> {
          require(p);
          if (!VersionedConfig.LATEST.equals(qualifier) && !p.aliases().containsKey(qualifier)) {
            throw StoreRules.aliasNotFound(id, qualifier);
          }
          if (p.urls().containsKey(qualifier)) {
            throw StoreRules.urlExists(id, qualifier);
          }
          return Change.of(config, bindUrl(config));
        }))
        .exceptionallyCompose(error -> {
          Throwable cause = Cql.translate(error);
          boolean notCreated = cause instanceof StoreException.NotFound
              || cause instanceof StoreException.AlreadyExists;
          CompletionStage<Void> cleanUp = notCreated
              ? urlIds.removeAll(List.of(config.urlId()))
              : CompletableFuture.completedFuture(null);
          return cleanUp.thenCompose(done -> CompletableFuture.failedStage(cause));
        });
  }

  @Override
  public CompletionStage<Optional<FunctionUrlConfig>> getUrlConfig(FunctionId function, String qualifier) {
    return Cql.translated(Cql.one(session,
            readItem.bind(function.account(), function.name(), FunctionPartition.urlItem(qualifier)))
        .thenApply(row -> url(function, qualifier, row)));
  }

  @Override
  public CompletionStage<Optional<FunctionUrlConfig>> findUrlConfig(String urlId) {
    return Cql.translated(urlIds.lookup(urlId).thenCompose(target -> target.isEmpty()
        ? CompletableFuture.completedFuture(Optional.<FunctionUrlConfig>empty())
        : Cql.one(session, readItem.bind(target.get().function().account(), target.get().function().name(),
                FunctionPartition.urlItem(target.get().qualifier())))
            // the pointer counts only while the URL it points at has its id (see CassandraUrlIds)
            .thenApply(row -> url(target.get().function(), target.get().qualifier(), row)
                .filter(url -> url.urlId().equals(urlId)))));
  }

  @Override
  public CompletionStage<FunctionUrlConfig> updateUrlConfig(FunctionUrlConfig config) {
    FunctionId id = config.function();
    return change(id, p -> {
      require(p);
      FunctionUrlConfig current = p.urls().get(config.qualifier());
      if (current == null) {
        throw StoreRules.urlNotFound(id, config.qualifier());
      }
      FunctionUrlConfig updated = StoreRules.updatedUrl(current, config);
      return Change.of(updated, bindUrl(updated));
    });
  }

  @Override
  public CompletionStage<Void> deleteUrlConfig(FunctionId function, String qualifier) {
    return change(function, p -> {
      require(p);
      FunctionUrlConfig current = p.urls().get(qualifier);
      if (current == null) {
        throw StoreRules.urlNotFound(function, qualifier);
      }
      return Change.of(List.of(current.urlId()),
          deleteItem.bind(function.account(), function.name(), FunctionPartition.urlItem(qualifier)));
    }).thenCompose(urlIds::removeAll);
  }

  @Override
  public CompletionStage<Page<FunctionUrlConfig>> listUrlConfigs(FunctionId function, String marker, int limit) {
    String after = marker == null ? "" : marker;
    return Cql.translated(readPartition(function).thenApply(p -> {
      require(p);
      List<FunctionUrlConfig> items = p.urls().tailMap(after, false).values().stream()
          .limit(limit + 1L)
          .toList();
      return StoreRules.page(items, limit, FunctionUrlConfig::qualifier);
    }));
  }

  // ---- event invoke configs ----

  @Override
  public CompletionStage<EventInvokeConfig> putEventInvokeConfig(EventInvokeConfig config) {
    FunctionId id = config.function();
    return change(id, p -> {
      require(p);
      requireQualifier(p, config.qualifier());
      return Change.of(config, writeEventConfig.bind(id.account(), id.name(),
          FunctionPartition.eventConfigItem(config.qualifier()), config.maximumRetryAttempts(),
          config.maximumEventAgeSeconds(), config.onSuccess(), config.onFailure(),
          config.modified().toEpochMilli()));
    });
  }

  @Override
  public CompletionStage<Optional<EventInvokeConfig>> getEventInvokeConfig(FunctionId function, String qualifier) {
    return Cql.translated(Cql.one(session,
            readItem.bind(function.account(), function.name(), FunctionPartition.eventConfigItem(qualifier)))
        .thenApply(row -> row == null || row.isNull("present") || !row.getBoolean("present")
            || row.isNull("eic_modified_ms")
            ? Optional.<EventInvokeConfig>empty()
            : Optional.of(FunctionPartition.eventConfig(function, qualifier, row))));
  }

  @Override
  public CompletionStage<Void> deleteEventInvokeConfig(FunctionId function, String qualifier) {
    return change(function, p -> {
      require(p);
      if (!p.eventConfigs().containsKey(qualifier)) {
        throw StoreRules.eventConfigNotFound(function, qualifier);
      }
      return new Change<Void>(null, List.of(
          deleteItem.bind(function.account(), function.name(), FunctionPartition.eventConfigItem(qualifier))));
    });
  }

  @Override
  public CompletionStage<Page<EventInvokeConfig>> listEventInvokeConfigs(FunctionId function, String marker,
      int limit) {
    String after = marker == null ? "" : marker;
    return Cql.translated(readPartition(function).thenApply(p -> {
      require(p);
      List<EventInvokeConfig> items = p.eventConfigs().tailMap(after, false).values().stream()
          .limit(limit + 1L)
          .toList();
      return StoreRules.page(items, limit, EventInvokeConfig::qualifier);
    }));
  }

  // ---- event source mappings ----

  @Override
  public CompletionStage<EventSourceMapping> createMapping(EventSourceMapping mapping) {
    return Cql.translated(requireFunction(mapping.function())
        .thenCompose(ignored -> mappings.create(mapping))
        .thenApply(created -> {
          if (!created) {
            throw StoreRules.mappingExists(mapping.uuid());
          }
          return mapping;
        }));
  }

  @Override
  public CompletionStage<Optional<EventSourceMapping>> getMapping(String uuid) {
    return Cql.translated(mappings.get(uuid));
  }

  @Override
  public CompletionStage<EventSourceMapping> updateMapping(EventSourceMapping mapping) {
    // What an update keeps (the Kafka source) never changes, so the copy read here is as good as a later one.
    return Cql.translated(mappings.get(mapping.uuid()).thenCompose(current -> {
      if (current.isEmpty()) {
        throw StoreRules.mappingNotFound(mapping.uuid());
      }
      EventSourceMapping updated = StoreRules.updatedMapping(current.get(), mapping);
      CompletionStage<Void> checked = current.get().function().equals(mapping.function())
          ? CompletableFuture.completedFuture(null)
          : requireFunction(mapping.function());
      return checked.thenCompose(ignored -> mappings.update(updated)).thenApply(applied -> {
        if (!applied) {
          throw StoreRules.mappingNotFound(mapping.uuid());
        }
        return updated;
      });
    }));
  }

  @Override
  public CompletionStage<Void> updateMappingState(String uuid, String state, String stateTransitionReason,
      String lastProcessingResult) {
    Objects.requireNonNull(state, "state");
    return Cql.translated(mappings.updateState(uuid, state, stateTransitionReason, lastProcessingResult));
  }

  @Override
  public CompletionStage<Void> deleteMapping(String uuid) {
    return Cql.translated(mappings.delete(uuid).thenApply(deleted -> {
      if (!deleted) {
        throw StoreRules.mappingNotFound(uuid);
      }
      return null;
    }));
  }

  @Override
  public CompletionStage<Page<EventSourceMapping>> listMappings(String account, FunctionId function, String marker,
      int limit) {
    String after = marker == null ? "" : marker;
    return Cql.translated(mappings.ofAccount(account, function).thenApply(all -> StoreRules.page(
        all.stream().filter(m -> m.uuid().compareTo(after) > 0).limit(limit + 1L).toList(), limit,
        EventSourceMapping::uuid)));
  }

  @Override
  public CompletionStage<List<EventSourceMapping>> allMappings() {
    return Cql.translated(mappings.all());
  }

  // ---- scheduled rules ----

  @Override
  public CompletionStage<ScheduleRule> putRule(ScheduleRule rule) {
    return Cql.translated(schedules.put(rule));
  }

  @Override
  public CompletionStage<Optional<ScheduleRule>> getRule(String account, String name) {
    return Cql.translated(schedules.get(account, name));
  }

  @Override
  public CompletionStage<Void> deleteRule(String account, String name) {
    return Cql.translated(schedules.delete(account, name));
  }

  @Override
  public CompletionStage<Page<ScheduleRule>> listRules(String account, String namePrefix, String marker, int limit) {
    return Cql.translated(schedules.list(account, namePrefix, marker, limit));
  }

  @Override
  public CompletionStage<List<ScheduleRule>> allRules() {
    return Cql.translated(schedules.all());
  }

  @Override
  public CompletionStage<Void> putTargets(String account, String rule, Collection<ScheduleTarget> targets) {
    StoreRules.checkTargetsOf(account, rule, targets);
    return Cql.translated(schedules.putTargets(account, rule, targets));
  }

  @Override
  public CompletionStage<Void> removeTargets(String account, String rule, Collection<String> ids) {
    return Cql.translated(schedules.removeTargets(account, rule, ids));
  }

  @Override
  public CompletionStage<Page<ScheduleTarget>> listTargets(String account, String rule, String marker, int limit) {
    return Cql.translated(schedules.listTargets(account, rule, marker, limit));
  }

  @Override
  public CompletionStage<Optional<Instant>> lastFired(String account, String rule) {
    return Cql.translated(schedules.lastFired(account, rule));
  }

  @Override
  public CompletionStage<Boolean> claimTick(String account, String rule, Instant tick) {
    return Cql.translated(schedules.claim(account, rule, tick));
  }

  // ---- code ----

  @Override
  public CompletionStage<Void> putCode(String sha256Hex, byte[] zip) {
    return Cql.translated(code.put(sha256Hex, zip));
  }

  @Override
  public CompletionStage<Optional<byte[]>> getCode(String sha256Hex) {
    return Cql.translated(code.get(sha256Hex));
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
    return Cql.translated(invocations.findInvocations(function, query));
  }

  @Override
  public CompletionStage<List<LogLine>> logsBetween(FunctionId function, Instant from, Instant to, int limit) {
    return Cql.translated(invocations.logsBetween(function, from, to, limit));
  }

  @Override
  public CompletionStage<List<LogLine>> logsOf(FunctionId function, String requestId) {
    return Cql.translated(invocations.logsOf(function, requestId));
  }

  @Override
  public CompletionStage<List<DailyUsage>> usage(String account, LocalDate from, LocalDate to) {
    return Cql.translated(invocations.usage(account, from, to));
  }

  @Override
  public int bufferedItems() {
    return invocations.buffered();
  }

  @Override
  public long refusedItems() {
    return invocations.refused();
  }

  // ---- the store itself ----

  @Override
  public CompletionStage<Void> ping() {
    return Cql.translated(session.executeAsync(ping).thenApply(rs -> (Void) null));
  }

  @Override
  public CompletionStage<Void> checkEnvironmentKey(int sample) {
    SimpleStatement rows = SimpleStatement.newInstance("SELECT account, name, item, latest, config FROM " + ks
        + ".functions LIMIT " + Math.max(1, sample)).setIdempotent(true);
    return Cql.translated(Cql.all(session, rows).thenApply(found -> {
      for (Row row : found) {
        FunctionId id = new FunctionId(row.getString("account"), row.getString("name"));
        String latest = row.getString("latest");
        if (latest != null && latest.contains(ConfigJson.SEALED_ENVIRONMENT)) {
          ConfigJson.readConfig(latest, environmentKey, id, VersionedConfig.LATEST);
        }
        String item = row.getString("item");
        String config = row.getString("config");
        if (item != null && item.startsWith("v:") && config != null) {
          ConfigJson.readConfig(config, environmentKey, id, Long.toString(Long.parseLong(item.substring(2))));
        }
      }
      return (Void) null;
    }));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    invocations.close(Duration.ofSeconds(30));
    timer.shutdownNow();
    session.close();
  }

  // ---- changing a function partition ----

  /** What one change writes and what the call then answers. No writes means nothing changed. */
  private record Change<T>(T result, List<BoundStatement> writes) {
    static <T> Change<T> of(T result, BoundStatement write) {
      return new Change<>(result, List.of(write));
    }
  }

  /**
   * Applies a change to a function's partition: reads it, lets {@code decide} check it and say what to write
   * (or throw a StoreException), and writes all of it in one batch conditioned on the partition's {@code seq}.
   * Retries from a fresh read when another writer came between.
   */
  private <T> CompletionStage<T> change(FunctionId id, Function<FunctionPartition, Change<T>> decide) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Void> done = result.handle((v, e) -> (Void) null);
    CompletableFuture<Void> previous = changeQueues.put(id, done);
    Runnable start = () -> attempt(id, decide, 1, result);
    if (previous == null) {
      start.run();
    } else {
      previous.whenComplete((v, e) -> start.run());
    }
    done.whenComplete((v, e) -> changeQueues.remove(id, done));
    return result;
  }

  private <T> void attempt(FunctionId id, Function<FunctionPartition, Change<T>> decide, int attempt,
      CompletableFuture<T> result) {
    readPartition(id).whenComplete((partition, readError) -> {
      if (readError != null) {
        result.completeExceptionally(Cql.translate(readError));
        return;
      }
      Change<T> change;
      try {
        change = decide.apply(partition);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      if (change.writes().isEmpty()) {
        result.complete(change.result());
        return;
      }
      UUID op = UUID.randomUUID();
      long nextSeq = partition.seq() == null ? 1 : partition.seq() + 1;
      BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED)
          .add(guard.bind(nextSeq, op, id.account(), id.name(), partition.seq()))
          .addAll(change.writes());
      session.executeAsync(batch).whenComplete((rs, writeError) -> {
        if (writeError == null) {
          if (rs.wasApplied()) {
            result.complete(change.result());
          } else {
            retry(id, decide, attempt, result);
          }
        } else if (Cql.unwrap(writeError) instanceof WriteTimeoutException timeout
            && timeout.getWriteType() == WriteType.CAS) {
          settleUnknown(id, decide, attempt, result, partition.seq(), op, change.result());
        } else {
          result.completeExceptionally(Cql.translate(writeError));
        }
      });
    });
  }

  /** After a conditional batch timed out: whether it applied shows in the partition's last op and seq. */
  private <T> void settleUnknown(FunctionId id, Function<FunctionPartition, Change<T>> decide, int attempt,
      CompletableFuture<T> result, Long seqRead, UUID op, T answer) {
    readPartition(id).whenComplete((p, error) -> {
      if (error != null) {
        result.completeExceptionally(new StoreException.Unavailable("The function store (Cassandra) did not"
            + " confirm the change in time and cannot be read now; the change was applied whole or not at all"));
      } else if (op.equals(p.lastOp())) {
        result.complete(answer);
      } else if (java.util.Objects.equals(p.seq(), seqRead)) {
        retry(id, decide, attempt, result);
      } else {
        result.completeExceptionally(new StoreException.Unavailable("The function store (Cassandra) did not"
            + " confirm the change in time; it was applied whole or not at all, read the function to see which"));
      }
    });
  }

  private <T> void retry(FunctionId id, Function<FunctionPartition, Change<T>> decide, int attempt,
      CompletableFuture<T> result) {
    if (attempt >= MAX_ATTEMPTS) {
      result.completeExceptionally(new StoreException.Unavailable("Too many concurrent changes to function "
          + id.name() + "; nothing was changed, try again"));
      return;
    }
    long pauseMs = ThreadLocalRandom.current().nextLong(1, 2 + Math.min(attempt, 20) * 5L);
    timer.schedule(() -> attempt(id, decide, attempt + 1, result), pauseMs, TimeUnit.MILLISECONDS);
  }

  private CompletionStage<FunctionPartition> readPartition(FunctionId id) {
    return Cql.all(session, readPartition.bind(id.account(), id.name()))
        .thenApply(rows -> FunctionPartition.of(id, rows, environmentKey));
  }

  private BoundStatement bindAlias(Alias alias) {
    FunctionId id = alias.function();
    return writeAlias.bind(id.account(), id.name(), FunctionPartition.aliasItem(alias.name()),
        alias.functionVersion(), alias.description(),
        alias.routing().map(Alias.Routing::version).orElse(null),
        alias.routing().map(Alias.Routing::weight).orElse(null),
        alias.revisionId());
  }

  private BoundStatement bindUrl(FunctionUrlConfig url) {
    FunctionId id = url.function();
    return writeUrl.bind(id.account(), id.name(), FunctionPartition.urlItem(url.qualifier()), url.urlId(),
        url.authType(), url.corsJson(), url.invokeMode(), url.created().toEpochMilli(),
        url.modified().toEpochMilli());
  }

  private static Optional<FunctionUrlConfig> url(FunctionId id, String qualifier, Row row) {
    return row == null || row.isNull("present") || !row.getBoolean("present") || row.isNull("url_id")
        ? Optional.empty()
        : Optional.of(FunctionPartition.url(id, qualifier, row));
  }

  private static List<String> urlIdsOf(Collection<FunctionUrlConfig> urls) {
    return urls.stream().map(FunctionUrlConfig::urlId).toList();
  }

  // ---- checks, shared with the embedded engine in meaning ----

  private static FunctionDefinition require(FunctionPartition p) {
    return p.function().orElseThrow(() -> StoreRules.notFound(p.id(), null));
  }

  /** Fails with NotFound unless {@code qualifier} is $LATEST or names a version or alias the function has. */
  private static void requireQualifier(FunctionPartition p, String qualifier) {
    if (VersionedConfig.LATEST.equals(qualifier)) {
      return;
    }
    if (StoreRules.isVersion(qualifier)) {
      long number = StoreRules.versionNumber(qualifier);
      if (number < 1 || !p.versions().containsKey(number)) {
        throw StoreRules.notFound(p.id(), qualifier);
      }
    } else if (!p.aliases().containsKey(qualifier)) {
      throw StoreRules.aliasNotFound(p.id(), qualifier);
    }
  }

  private CompletionStage<Void> requireFunction(FunctionId id) {
    return getFunction(id).thenApply(function -> {
      if (function.isEmpty()) {
        throw StoreRules.notFound(id, null);
      }
      return null;
    });
  }

  private static void requireVersions(FunctionPartition p, Alias alias) {
    List<String> versions = new ArrayList<>();
    versions.add(alias.functionVersion());
    alias.routing().ifPresent(r -> versions.add(r.version()));
    for (String v : versions) {
      if (VersionedConfig.LATEST.equals(v)) {
        continue;
      }
      long number = StoreRules.parseOr(v, -1);
      if (number < 1 || !p.versions().containsKey(number)) {
        throw StoreRules.notFound(alias.function(), v);
      }
    }
  }

  private static Integer reserved(OptionalInt reserved) {
    return reserved.isPresent() ? reserved.getAsInt() : null;
  }
}
