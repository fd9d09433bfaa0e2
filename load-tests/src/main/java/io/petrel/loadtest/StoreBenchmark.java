package io.petrel.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import io.petrel.loadtest.InvocationWorkload.Invocation;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.cassandra.CassandraSettings;
import io.petrel.persistence.cassandra.CassandraStore;
import io.petrel.persistence.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmarks Petrel's Cassandra store on a real node, with the embedded SQLite store and raw CQL round trips as
 * references measured in the same run: durable invocation-record throughput (records alone and with their log
 * lines) against the aim of 20,000 records/s, and PublishVersion latency, alone and contended. Run it through
 * {@code load-tests/bench-store}. It uses a new keyspace and drops it at the end; a Cassandra it started is
 * stopped, on failure and on Ctrl-C too. Progress goes to stderr, the report to stdout; a failure ends the run
 * with exit code 1.
 */
public final class StoreBenchmark {
  private static final PrintStream PROGRESS = System.err;
  private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(2);
  private static final int DEFAULT_BUFFER_LIMIT = 200_000;

  private final StoreBenchOptions options;
  private final Cleanup cleanup = new Cleanup("bench-store");
  /** Both engines encrypt environment variables, as a node does; one key for the run. */
  private final EnvironmentKey environmentKey =
      EnvironmentKey.fromBase64("the benchmark's key", EnvironmentKey.generate(), List.of());

  private StoreBenchmark(StoreBenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    BenchmarkMain.options("bench-store", StoreBenchOptions.USAGE, StoreBenchOptions::parse, args)
        .ifPresent(options -> {
          StoreBenchmark benchmark = new StoreBenchmark(options);
          BenchmarkMain.report("bench-store", benchmark::run, benchmark.cleanup);
        });
  }

  private String run() {
    ZonedDateTime startedAt = ZonedDateTime.now();
    double loadAtStart = Report.loadAverage();
    progress("plan: %s", options.plan());

    BenchCassandra node;
    if (options.cassandra() != null) {
      node = BenchCassandra.running(options.cassandra(), options.datacenter());
    } else {
      progress("starting Cassandra (heap %s)%s", options.cassandraHeap(),
          options.cassandraDir() == null ? "" : " in " + options.cassandraDir());
      long start = System.nanoTime();
      node = BenchCassandra.start(options.cassandraDir(), options.cassandraHeap());
      cleanup.add(node::stop); // a failure keeps Cassandra's log
      progress("Cassandra ready at %s in %.1f s", node.contactPoint(), (System.nanoTime() - start) / 1e9);
    }
    String keyspace = "bench_" + DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").format(startedAt) + "_"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    CqlSession raw = CqlReference.connect(node.contactPoint(), node.localDatacenter());
    cleanup.add(raw::close);
    cleanup.add(() -> {
      progress("dropping keyspace %s", keyspace);
      CqlReference.schema(raw, "DROP KEYSPACE IF EXISTS " + keyspace);
    });
    String version = raw.execute("SELECT release_version FROM system.local").one().getString(0);

    int bufferLimit = Math.max(DEFAULT_BUFFER_LIMIT,
        (int) Math.min(Integer.MAX_VALUE / 2, (long) Math.max(options.records(), options.warmup())
            * (1 + options.lines())));
    CassandraSettings settings = CassandraSettings.local(node.contactPoint(), node.localDatacenter(), keyspace)
        .withBufferLimit(bufferLimit);
    progress("connecting the Cassandra store (keyspace %s)", keyspace);
    CassandraStore cassandra = CassandraStore.connect(settings, environmentKey, CONNECT_TIMEOUT);
    cleanup.add(cassandra::close);
    Path sqliteDir = temporaryDir("petrel-bench-sqlite");
    cleanup.add(() -> BenchCassandra.deleteAllBut(sqliteDir, null));
    SqliteStore sqlite = SqliteStore.open(sqliteDir.resolve("petrel.db"), environmentKey);
    cleanup.add(sqlite::close);

    List<FunctionId> functions = InvocationWorkload.functions(options.functions());
    progress("creating %d functions in each store", functions.size());
    PublishLatency.createFunctions(cassandra, functions);
    PublishLatency.createFunctions(sqlite, functions);
    progress("publish: Cassandra, %d + %d calls", PublishLatency.WARMUP, options.publishes());
    PublishLatency.Sequential cassandraPublish =
        PublishLatency.sequential("Cassandra", cassandra, functions, PublishLatency.WARMUP, options.publishes());
    progress("raw CQL references: %d samples each", options.cqlSamples());
    List<CqlReference.Result> cql = CqlReference.measure(raw, keyspace, functions, options.cqlSamples());
    progress("publish: SQLite, %d + %d calls", PublishLatency.WARMUP, options.publishes());
    PublishLatency.Sequential sqlitePublish =
        PublishLatency.sequential("SQLite", sqlite, functions, PublishLatency.WARMUP, options.publishes());
    List<PublishLatency.Contended> contended = contended(cassandra, settings);

    List<RecordThroughput.Result> throughput = throughput(cassandra, sqlite, node, functions);

    String sqliteFact = "SQLite " + sqliteVersion() + ", embedded, one file in " + sqliteDir
        + " (deleted at the end)";
    return new StoreReport(options, startedAt, loadAtStart).render(new StoreReport.Results(
        node.describe(version), sqliteFact, bufferLimit, throughput, cassandraPublish, sqlitePublish, contended,
        cql));
  }

  /** The contended variants: all threads through the one store, then one store per thread (as nodes). */
  private List<PublishLatency.Contended> contended(CassandraStore cassandra, CassandraSettings settings) {
    int threads = options.contenders();
    FunctionId oneStore = new FunctionId(InvocationWorkload.ACCOUNT, "bench-contended-one-store");
    FunctionId manyStores = new FunctionId(InvocationWorkload.ACCOUNT, "bench-contended-" + threads + "-stores");
    PublishLatency.createFunctions(cassandra, List.of(oneStore, manyStores));
    progress("publish contended: %d threads through one store, %d calls", threads, options.contended());
    List<PublishLatency.Contended> results = new ArrayList<>();
    results.add(PublishLatency.contended("one store shared by " + threads + " threads",
        Collections.nCopies(threads, cassandra), oneStore, options.contended()));
    progress("publish contended: %d threads with a store each, %d calls", threads, options.contended());
    List<CassandraStore> stores = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        stores.add(CassandraStore.connect(settings, environmentKey, CONNECT_TIMEOUT));
      }
      results.add(PublishLatency.contended(threads + " stores, one per thread (as " + threads + " nodes)",
          List.copyOf(stores), manyStores, options.contended()));
    } finally {
      stores.forEach(CassandraStore::close);
    }
    return results;
  }

  /** Warm-up, then the timed runs, interleaved: each run does both workloads on both engines. */
  private List<RecordThroughput.Result> throughput(CassandraStore cassandra, SqliteStore sqlite,
      BenchCassandra node, List<FunctionId> functions) {
    List<String> engines = List.of("Cassandra", "SQLite");
    List<RecordThroughput> writers = List.of(
        new RecordThroughput(cassandra, options.producers(), node.pid(), node::checkRunning),
        new RecordThroughput(sqlite, options.producers(), node.pid(), () -> { }));
    long seed = 1;
    if (options.warmup() > 0) {
      for (int e = 0; e < engines.size(); e++) {
        progress("throughput warm-up: %s, %,d records with log lines", engines.get(e), options.warmup());
        writers.get(e).run(workload(functions, options.warmup(), seed++), true);
      }
    }
    String withLines = "records + " + options.lines() + " log line" + (options.lines() == 1 ? "" : "s");
    List<List<RecordThroughput.Run>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(new ArrayList<>());
    }
    for (int run = 1; run <= options.runs(); run++) {
      for (int w = 0; w < 2; w++) {
        for (int e = 0; e < engines.size(); e++) {
          List<Invocation> invocations = workload(functions, options.records(), seed++);
          System.gc(); // the garbage of generating it is not the store's
          RecordThroughput.Run result = writers.get(e).run(invocations, w == 1);
          runs.get(e * 2 + w).add(result);
          progress("throughput run %d/%d: %-9s %-22s %,8.0f records/s (%,.0f items/s; %.2f s, hand-over %.2f s)",
              run, options.runs(), engines.get(e), w == 0 ? "records" : withLines, result.recordsPerSecond(),
              result.itemsPerSecond(), result.seconds(), result.handOverSeconds());
        }
      }
    }
    List<RecordThroughput.Result> results = new ArrayList<>();
    for (int e = 0; e < engines.size(); e++) {
      results.add(new RecordThroughput.Result(engines.get(e), "records", runs.get(e * 2)));
      results.add(new RecordThroughput.Result(engines.get(e), withLines, runs.get(e * 2 + 1)));
    }
    return results;
  }

  private List<Invocation> workload(List<FunctionId> functions, int records, long seed) {
    return InvocationWorkload.generate(functions, records, options.lines(), Instant.now(), seed);
  }

  private static Path temporaryDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new BenchmarkException("cannot create a temporary directory: " + e.getMessage());
    }
  }

  private static String sqliteVersion() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      return c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      return "(version unknown)";
    }
  }

  private static void progress(String format, Object... args) {
    PROGRESS.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }
}
