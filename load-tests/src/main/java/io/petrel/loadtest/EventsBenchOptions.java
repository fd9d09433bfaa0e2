package io.petrel.loadtest;

import static io.petrel.loadtest.CommandLine.list;
import static io.petrel.loadtest.CommandLine.positiveGrouped;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The command line of {@link EventsBenchmark}.
 *
 * @param records     records pre-produced per topic, read by one mapping and by the plain consumer
 * @param batchSizes  the mappings' BatchSize values, one table row each
 * @param events      Event invocations measured, and RequestResponse calls of the reference
 * @param concurrency client threads sending them, each a closed loop
 * @param rounds      measurements per batch size of the Kafka mapping; the table shows the median
 * @param kafka       a running broker ("host:port", several comma separated) to use; empty: start one
 * @param endpoint    a running node to use (null: start one); it needs {@code kafka} as its
 *                    petrel.kafka.bootstrap-servers
 * @param nodeJar     the petrel.jar a started node runs
 * @param dryRun      only check the options and print the plan
 */
public record EventsBenchOptions(int records, List<Integer> batchSizes, int events, int concurrency, int rounds,
                                 List<String> kafka, URI endpoint, Path nodeJar, boolean dryRun)
    implements BenchmarkMain.Options {

  /** The most records a mapping hands over in one batch (Lambda's limit for Kafka sources, as Petrel's). */
  static final int MAX_BATCH_SIZE = 10_000;

  public static final String USAGE = """
      usage: bench-events [--records N] [--batch-sizes 100,1000] [--events N] [--concurrency C] [--rounds N]
                          [--kafka HOST:PORT] [--endpoint URL] [--node-jar JAR]
        --records N        records pre-produced per topic and round, read by the mapping and by a plain
                           KafkaConsumer as the reference (default 300000, ~100-byte values, 3 partitions)
        --batch-sizes L    the mappings' BatchSize, comma separated, 1 to 10000 (default 100,1000)
        --events N         Event invocations measured once, after the mapping rounds, and RequestResponse
                           calls of the reference; each after min(N/10, 10 x C) unrecorded ones (default 20000)
        --concurrency C    client threads sending them, each a closed loop (default 32)
        --rounds N         Kafka mapping measurements per batch size; the table shows the median (default 3)
        --kafka H:P        use this running broker instead of starting one (its topics named
                           petrel-bench-events-* are deleted at the end)
        --endpoint URL     use this running node instead of starting one; it must send kafka://
                           destinations to --kafka (petrel.kafka.bootstrap-servers), so give that too
        --node-jar JAR     the petrel.jar of the node the benchmark starts (default node/target/petrel.jar)
        --dry-run          check the options, print the plan and exit
      """;

  public EventsBenchOptions {
    batchSizes = List.copyOf(batchSizes);
    kafka = List.copyOf(kafka);
  }

  /** Unrecorded calls before the measured ones, RequestResponse and Event alike: E/10, at most 10 per thread. */
  public int warmup() {
    return Math.min(events / 10, 10 * concurrency);
  }

  /** What a run with these options does, in one line. */
  public String plan() {
    return String.format(Locale.ROOT, "Kafka mapping: %d round(s) of %d records per topic at BatchSize %s, and a"
            + " plain KafkaConsumer as the reference; then once, Event invokes: %d at concurrency %d (after %d"
            + " unrecorded) with an OnSuccess Kafka destination, and as many RequestResponse calls as the"
            + " reference; Kafka %s; node %s", rounds, records,
        batchSizes.stream().map(String::valueOf).collect(Collectors.joining(",")), events, concurrency, warmup(),
        kafka.isEmpty() ? "started for the run" : "at " + String.join(",", kafka),
        endpoint != null ? "at " + endpoint : "started for the run from " + nodeJar);
  }

  /** Parses the arguments; throws IllegalArgumentException with a message meant for the user. */
  public static EventsBenchOptions parse(String... args) {
    int records = 300_000;
    List<Integer> batchSizes = List.of(100, 1000);
    int events = 20_000;
    int concurrency = 32;
    int rounds = 3;
    List<String> kafka = List.of();
    URI endpoint = null;
    Path nodeJar = null;
    CommandLine line = new CommandLine(args);
    while (line.next()) {
      String flag = line.flag();
      String value = line.value();
      switch (flag) {
        case "--records" -> records = positiveGrouped(flag, value);
        case "--batch-sizes" -> batchSizes = list(flag, value).stream().map(v -> batchSize(flag, v)).toList();
        case "--events" -> events = positiveGrouped(flag, value);
        case "--concurrency" -> concurrency = positiveGrouped(flag, value);
        case "--rounds" -> rounds = positiveGrouped(flag, value);
        case "--kafka" -> kafka = list(flag, value).stream().map(v -> bootstrapServer(flag, v)).toList();
        case "--endpoint" -> endpoint = CommandLine.httpUrl(value).orElseThrow(() ->
            new IllegalArgumentException("--endpoint must be an http(s) URL, got '" + value + "'"));
        case "--node-jar" -> nodeJar = Path.of(value.trim()).toAbsolutePath().normalize();
        default -> throw line.unknownOption();
      }
    }
    if (endpoint != null && kafka.isEmpty()) {
      throw new IllegalArgumentException("--endpoint needs --kafka too: the broker that node sends kafka://"
          + " destinations to (its petrel.kafka.bootstrap-servers)");
    }
    if (endpoint != null && nodeJar != null) {
      throw new IllegalArgumentException("--node-jar is for a node the benchmark starts: it does not go with"
          + " --endpoint");
    }
    return new EventsBenchOptions(records, batchSizes, events, concurrency, rounds, kafka, endpoint,
        nodeJar != null ? nodeJar : Path.of("node", "target", "petrel.jar").toAbsolutePath(), line.dryRun());
  }

  private static int batchSize(String flag, String value) {
    int n = positiveGrouped(flag, value);
    if (n > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(flag + " must be at most " + MAX_BATCH_SIZE + ", got " + value.trim());
    }
    return n;
  }

  /** {@code value} as given, once it is known to be host:port. */
  private static String bootstrapServer(String flag, String value) {
    CommandLine.hostAndPort(flag, value, "127.0.0.1:9092");
    return value.trim();
  }
}
