package io.petrel.loadtest;

import static io.petrel.loadtest.CommandLine.nonNegativeGrouped;
import static io.petrel.loadtest.CommandLine.positiveGrouped;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The command line of {@link StoreBenchmark}.
 *
 * @param records      invocation records per throughput run
 * @param functions    functions the records are spread over, and functions that publish in turn
 * @param lines        log lines per record in the second throughput workload
 * @param producers    threads handing records over
 * @param runs         throughput runs per engine and workload (the report quotes the median)
 * @param warmup       unrecorded records (with their log lines) written to each engine first
 * @param publishes    sequential modifyLatest + publishVersion calls per engine
 * @param contended    calls of the contended variant, shared by {@code contenders} threads
 * @param contenders   threads publishing the same function at once
 * @param cqlSamples   round trips per raw CQL reference
 * @param cassandra    a running Cassandra to use (null: start one for the run)
 * @param datacenter   the local datacenter of {@code cassandra}
 * @param cassandraDir where to start Cassandra and keep its data and log afterwards (null: a temporary dir)
 * @param cassandraHeap the maximum heap of a Cassandra the benchmark starts ("2g")
 * @param dryRun       only check the options and print the plan
 */
public record StoreBenchOptions(int records, int functions, int lines, int producers, int runs, int warmup,
                                int publishes, int contended, int contenders, int cqlSamples,
                                InetSocketAddress cassandra, String datacenter, Path cassandraDir, String cassandraHeap,
                                boolean dryRun) implements BenchmarkMain.Options {

  public static final String USAGE = """
      usage: bench-store [--records N] [--functions N] [--lines N] [--producers N] [--runs N] [--warmup N]
                         [--publishes N] [--contended N] [--contenders N] [--cql-samples N]
                         [--cassandra HOST:PORT [--datacenter DC]] [--cassandra-dir DIR] [--cassandra-heap SIZE]
        --records N        invocation records per throughput run (default 200000)
        --functions N      functions the records are spread over; also the functions that publish (default 20)
        --lines N          log lines per record in the second throughput workload (default 3)
        --producers N      threads handing records over (default 4)
        --runs N           throughput runs per engine and workload; the median is quoted (default 3)
        --warmup N         unrecorded records written to each engine before the runs (default 20000)
        --publishes N      sequential modifyLatest + publishVersion calls per engine (default 300)
        --contended N      publish calls on one function by several threads at once (default 200)
        --contenders N     threads of the contended variant (default 4)
        --cql-samples N    round trips per raw CQL reference (default 1000)
        --cassandra H:P    use this running Cassandra (e.g. 127.0.0.1:9042 from `deploy/servers start
                           cassandra`) instead of starting one; the benchmark's keyspace is dropped at the end
        --datacenter DC    the local datacenter of --cassandra (default datacenter1)
        --cassandra-dir D  start Cassandra in D and keep its data and logs/system.log afterwards
        --cassandra-heap S the maximum heap of the Cassandra it starts (default 2g: with LocalCassandra's 1g, the
                           node runs out of heap building the log_lines SAI index during compaction)
        --dry-run          check the options, print the plan and exit
      """;

  /** What a run with these options does, in one line. */
  public String plan() {
    return String.format("%d runs of %d records (alone, then with %d log lines each) over %d functions from %d"
            + " producers after %d warm-up records; %d publishes per engine, %d contended by %d threads; %d round"
            + " trips per CQL reference; Cassandra %s", runs, records, lines, functions, producers, warmup,
        publishes, contended, contenders, cqlSamples,
        cassandra != null ? "at " + cassandra.getHostString() + ":" + cassandra.getPort() + " (" + datacenter + ")"
            : "started for the run" + (cassandraDir != null ? " in " + cassandraDir : "") + " with a heap of "
                + cassandraHeap);
  }

  /** Parses the arguments; throws IllegalArgumentException with a message meant for the user. */
  public static StoreBenchOptions parse(String... args) {
    int records = 200_000;
    int functions = 20;
    int lines = 3;
    int producers = 4;
    int runs = 3;
    int warmup = 20_000;
    int publishes = 300;
    int contended = 200;
    int contenders = 4;
    int cqlSamples = 1000;
    InetSocketAddress cassandra = null;
    String datacenter = null;
    Path cassandraDir = null;
    String cassandraHeap = null;
    CommandLine line = new CommandLine(args);
    while (line.next()) {
      String flag = line.flag();
      String value = line.value();
      switch (flag) {
        case "--records" -> records = positiveGrouped(flag, value);
        case "--functions" -> functions = positiveGrouped(flag, value);
        case "--lines" -> lines = positiveGrouped(flag, value);
        case "--producers" -> producers = positiveGrouped(flag, value);
        case "--runs" -> runs = positiveGrouped(flag, value);
        case "--warmup" -> warmup = nonNegativeGrouped(flag, value);
        case "--publishes" -> publishes = positiveGrouped(flag, value);
        case "--contended" -> contended = positiveGrouped(flag, value);
        case "--contenders" -> contenders = positiveGrouped(flag, value);
        case "--cql-samples" -> cqlSamples = positiveGrouped(flag, value);
        case "--cassandra" -> cassandra = CommandLine.hostAndPort(flag, value, "127.0.0.1:9042");
        case "--datacenter" -> datacenter = nonBlank(flag, value);
        case "--cassandra-dir" -> cassandraDir = Path.of(nonBlank(flag, value)).toAbsolutePath().normalize();
        case "--cassandra-heap" -> cassandraHeap = heap(flag, value);
        default -> throw line.unknownOption();
      }
    }
    if (cassandra != null && (cassandraDir != null || cassandraHeap != null)) {
      throw new IllegalArgumentException((cassandraDir != null ? "--cassandra-dir" : "--cassandra-heap")
          + " is for a Cassandra the benchmark starts: it does not go with --cassandra");
    }
    if (datacenter != null && cassandra == null) {
      throw new IllegalArgumentException("--datacenter names the datacenter of --cassandra; give that too");
    }
    if (contended < contenders) {
      throw new IllegalArgumentException("--contended must be at least --contenders (" + contenders + "), got "
          + contended);
    }
    return new StoreBenchOptions(records, functions, lines, producers, runs, warmup, publishes, contended,
        contenders, cqlSamples, cassandra, datacenter == null ? "datacenter1" : datacenter, cassandraDir,
        cassandraHeap == null ? "2g" : cassandraHeap, line.dryRun());
  }

  private static String heap(String flag, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.matches("[1-9][0-9]*[mg]")) {
      throw new IllegalArgumentException(flag + " must look like 1536m or 2g, got '" + value + "'");
    }
    return v;
  }

  private static String nonBlank(String flag, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value.trim();
  }
}
