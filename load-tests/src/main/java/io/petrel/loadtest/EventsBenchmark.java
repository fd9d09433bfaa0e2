package io.petrel.loadtest;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmarks what feeds a Petrel node events besides direct calls: the end-to-end throughput of a Kafka
 * event-source mapping into a no-op function at each batch size, against a plain KafkaConsumer reading the same
 * records; and asynchronous (Event) invocations, accepted and completed (to an OnSuccess Kafka destination) per
 * second, against synchronous invokes at the same concurrency. Each round measures every batch size (in turn
 * forwards and backwards); the asynchronous invocations are measured once, after the rounds. Run it through
 * {@code load-tests/bench-events}; unless given a broker and a node it starts a Kafka broker and a
 * {@code petrel dev} node, and stops them at the end, on failure and on Ctrl-C too. Progress goes to stderr,
 * the Markdown report to stdout; a failure ends the run with exit code 1.
 */
public final class EventsBenchmark {
  private static final PrintStream PROGRESS = System.err;
  private static final Duration PRIME_TIMEOUT = Duration.ofSeconds(60);
  private static final String PREFIX = "petrel-bench-events-";
  private static final int KAFKA_WARMUP_RECORDS = 20_000;

  private final EventsBenchOptions options;
  private final Cleanup cleanup = new Cleanup("bench-events");
  private final String runId = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
  private final List<String> functions = new ArrayList<>();
  private final List<String> mappings = new ArrayList<>();
  private final List<String> topics = new ArrayList<>();

  private EventsBenchmark(EventsBenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    BenchmarkMain.options("bench-events", EventsBenchOptions.USAGE, EventsBenchOptions::parse, args)
        .ifPresent(options -> {
          EventsBenchmark benchmark = new EventsBenchmark(options);
          BenchmarkMain.report("bench-events", benchmark::run, benchmark.cleanup);
        });
  }

  private String run() {
    ZonedDateTime startedAt = ZonedDateTime.now();
    double loadAtStart = Report.loadAverage();
    progress("plan: %s", options.plan());

    if (options.endpoint() == null) {
      BenchNode.checkJar(options.nodeJar());
    }
    BenchKafka kafka;
    if (options.kafka().isEmpty()) {
      progress("starting a Kafka broker");
      kafka = BenchKafka.start();
      progress("Kafka ready at %s", String.join(",", kafka.bootstrapServers()));
    } else {
      kafka = BenchKafka.running(options.kafka());
    }
    cleanup.add(kafka::stop); // a failure keeps the log of a broker it started
    BenchNode node = null;
    URI endpoint = options.endpoint();
    String nodeFact;
    if (endpoint == null) {
      progress("starting a node: petrel dev from %s", options.nodeJar());
      node = BenchNode.start(options.nodeJar(),
          List.of("petrel.kafka.bootstrap-servers=" + String.join(",", kafka.bootstrapServers())));
      cleanup.add(node::stop); // and the node's
      endpoint = node.endpoint();
      progress("node ready at %s (pid %d, log %s)", endpoint, node.pid(), node.log());
      nodeFact = "`petrel dev` (embedded SQLite store) started for the run at " + endpoint
          + ", -Dpetrel.kafka.bootstrap-servers=" + String.join(",", kafka.bootstrapServers())
          + ", other settings default (petrel.async.max-in-flight 512, petrel.mappings.refresh-interval 2 s)";
    } else {
      nodeFact = endpoint + ", already running";
    }
    // What the run creates in a broker or node it started goes with them; in running ones it is deleted.
    if (!options.kafka().isEmpty()) {
      cleanup.add(() -> kafka.deleteTopics(drain(topics)));
    }
    LambdaClient client = new LambdaClient(endpoint, Duration.ofSeconds(60));
    if (options.endpoint() != null) {
      cleanup.add(() -> deleteAll(client)); // runs first: the mappings stop reading before their topics go
    }
    BenchNode started = node;
    Runnable checkRunning = () -> {
      kafka.checkRunning();
      if (started != null) {
        started.checkRunning();
      }
    };

    try {
      return measure(client, kafka, checkRunning, new EventsReport.Setup(startedAt, loadAtStart, null, nodeFact,
          kafka.describe()));
    } catch (BenchmarkException e) {
      checkRunning.run(); // a server that died is the better explanation
      throw e;
    }
  }

  /** Creates the functions and topics, runs the mapping rounds, then the asynchronous invocations; the report. */
  private String measure(LambdaClient client, BenchKafka kafka, Runnable checkRunning, EventsReport.Setup facts) {
    String runtime = Runtimes.resolve(List.of("python"), client.supportedRuntimes()).get(0);
    Map<Integer, String> mappingFunctions = new LinkedHashMap<>();
    for (int batchSize : options.batchSizes()) {
      mappingFunctions.put(batchSize, createFunction(client, runtime, "b" + batchSize));
    }
    String asyncFunction = createFunction(client, runtime, "async");
    String onSuccessTopic = topic("on-success");
    kafka.createTopic(onSuccessTopic, MappingThroughput.PARTITIONS);
    client.putOnSuccessDestination(asyncFunction, "kafka://" + onSuccessTopic);
    progress("created %d %s functions; OnSuccess of %s: kafka://%s", functions.size(), runtime, asyncFunction,
        onSuccessTopic);

    MappingThroughput mapping = new MappingThroughput(client, kafka, checkRunning, EventsBenchmark::progress);
    int warmupRecords = Math.min(options.records(), KAFKA_WARMUP_RECORDS);
    progress("Kafka clients warm-up: %,d records produced and read, unrecorded", warmupRecords);
    mapping.warmUp(topic("warmup"), warmupRecords);
    Map<Integer, List<MappingThroughput.Round>> mappingRounds = mappingRounds(mapping, mappingFunctions, client);

    progress("asynchronous: %,d RequestResponse invokes, then %,d Event invokes, at concurrency %d, each after %,d"
        + " unrecorded", options.events(), options.events(), options.concurrency(), options.warmup());
    AsyncThroughput.Result async = new AsyncThroughput(client, kafka, checkRunning, EventsBenchmark::progress)
        .run(runtime, asyncFunction, onSuccessTopic, options.events(), options.concurrency(), options.warmup());

    return new EventsReport(options, facts.withRuntime(runtime)).render(mappingRounds, async);
  }

  /** Every round measures each batch size, in turn forwards and backwards; the rounds per batch size. */
  private Map<Integer, List<MappingThroughput.Round>> mappingRounds(MappingThroughput mapping,
      Map<Integer, String> mappingFunctions, LambdaClient client) {
    Map<Integer, List<MappingThroughput.Round>> mappingRounds = new LinkedHashMap<>();
    for (int round = 1; round <= options.rounds(); round++) {
      List<Integer> order = new ArrayList<>(options.batchSizes());
      if (round % 2 == 0) {
        Collections.reverse(order);
      }
      for (int batchSize : order) {
        progress("round %d/%d: Kafka mapping at BatchSize %,d, %,d records", round, options.rounds(), batchSize,
            options.records());
        String topic = topic("b" + batchSize + "-r" + round);
        MappingThroughput.Round result = mapping.run(mappingFunctions.get(batchSize), batchSize, topic,
            topic + "-group", options.records(), uuid -> remember(mappings, uuid));
        progress("  mapping: %,.0f records/s from creation (first commit after %.1f s), %,.0f after it;"
                + " %d batches, p50 %s ms", result.recordsPerSecond(), result.firstCommitSeconds(),
            result.afterFirstCommitPerSecond(), result.batchMicros().getTotalCount(),
            Report.ms(Latencies.p50(result.batchMicros())));
        for (String uuid : drain(mappings)) {
          client.deleteMapping(uuid);
        }
        mappingRounds.computeIfAbsent(batchSize, b -> new ArrayList<>()).add(result);
      }
    }
    return mappingRounds;
  }

  /** Creates a no-op function and calls it once, so its first environment is not started within a measurement. */
  private String createFunction(LambdaClient client, String runtime, String purpose) {
    String name = PREFIX + purpose + "-" + runId;
    client.createFunction(name, runtime, NoopFunction.forRuntime(runtime));
    remember(functions, name);
    client.invokeFirst(name, PRIME_TIMEOUT);
    return name;
  }

  private String topic(String purpose) {
    String name = PREFIX + purpose + "-" + runId;
    remember(topics, name);
    return name;
  }

  /** Deletes the mappings and functions this run created on a running node; best effort. */
  private void deleteAll(LambdaClient client) {
    for (String uuid : drain(mappings)) {
      try {
        client.deleteMapping(uuid);
      } catch (RuntimeException e) {
        PROGRESS.println("bench-events: could not delete mapping " + uuid + ": " + e.getMessage());
      }
    }
    for (String name : drain(functions)) {
      try {
        client.deleteFunction(name);
      } catch (RuntimeException e) {
        PROGRESS.println("bench-events: could not delete function " + name + ": " + e.getMessage());
      }
    }
  }

  /** Adds to a list the cleanup also reads, from the shutdown hook. */
  private static void remember(List<String> list, String item) {
    synchronized (list) {
      list.add(item);
    }
  }

  /** Empties a list the cleanup also reads; what it held. */
  private static List<String> drain(List<String> list) {
    synchronized (list) {
      List<String> items = List.copyOf(list);
      list.clear();
      return items;
    }
  }

  private static void progress(String format, Object... args) {
    PROGRESS.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }

  private static void progress(String line) {
    PROGRESS.println("[bench] " + line);
  }
}
