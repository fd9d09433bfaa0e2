package io.petrel.loadtest;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The Markdown report of {@link EventsBenchmark}: the setup, the Kafka mapping table (one row per batch size) and
 * the asynchronous invocation table. Mapping rates are medians over the rounds (with the range), batch latency
 * percentiles those of all rounds' batches; the asynchronous invocations are one measurement.
 */
final class EventsReport {
  /** The aim the mapping table is held against: records/s through one node at this batch size. */
  static final int AIM_BATCH_SIZE = 1000;
  static final int AIM_RECORDS_PER_SECOND = 50_000;

  /** The facts of a run that are not options. */
  record Setup(ZonedDateTime startedAt, double loadAtStart, String runtime, String node, String kafka) {
    Setup withRuntime(String id) {
      return new Setup(startedAt, loadAtStart, id, node, kafka);
    }
  }

  private final EventsBenchOptions options;
  private final Setup setup;

  EventsReport(EventsBenchOptions options, Setup setup) {
    this.options = options;
    this.setup = setup;
  }

  String render(Map<Integer, List<MappingThroughput.Round>> mappings, AsyncThroughput.Result async) {
    return header() + "\n" + mappings(mappings) + "\n" + async(async);
  }

  private String header() {
    return "### Petrel events benchmark\n\n"
        + fact("date", setup.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")))
        + fact("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
            + " " + System.getProperty("os.version") + ", Java " + System.getProperty("java.runtime.version"))
        + fact("load", "1-minute load average " + Report.load(setup.loadAtStart()) + " at start, "
            + Report.load(Report.loadAverage()) + " at end; generator, node, runtimes and Kafka share the machine")
        + fact("node", setup.node())
        + fact("kafka", setup.kafka())
        + fact("function", "no-op " + setup.runtime() + " (`def handler(e, c): return None`), 128 MB")
        + fact("numbers", "Kafka mapping: median of " + options.rounds() + " round(s) (range in brackets),"
            + " batch latency percentiles over all rounds' batches; asynchronous invocations: measured once, after"
            + " the mapping rounds; latencies in ms (HdrHistogram)");
  }

  private String mappings(Map<Integer, List<MappingThroughput.Round>> rounds) {
    StringBuilder out = new StringBuilder();
    out.append("#### Kafka event-source mapping, end to end\n\n")
        .append(String.format(Locale.ROOT, "%,d records of %d bytes per round in a fresh topic of %d partitions,"
                + " produced before the mapping is created (StartingPosition TRIM_HORIZON). *records/s* = records /"
                + " time from the CreateEventSourceMapping request until the group's committed offsets reach the"
                + " end of every partition (polled every %d ms), so it includes the node noticing the mapping"
                + " (petrel.mappings.refresh-interval, 2 s by default) and its consumer joining the group;"
                + " *after 1st commit* leaves out the time until the first commit was seen. *plain consumer*: a"
                + " KafkaConsumer in a fresh group reading and committing the same records, with no function, in"
                + " the same round. *batches*, *batch ms*: the function's invocations and their DurationMs, from"
                + " the node's query API (at most 10,000 per round).\n\n",
            options.records(), TopicLoad.VALUE_BYTES, MappingThroughput.PARTITIONS, CountWatch.POLL.toMillis()))
        .append("| BatchSize | records/s | after 1st commit | to 1st commit s | plain consumer records/s"
            + " | mapping / plain | batches | batch p50 ms | batch p99 ms |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int batchSize : options.batchSizes()) {
      List<MappingThroughput.Round> results = rounds.getOrDefault(batchSize, List.of());
      if (results.isEmpty()) {
        continue;
      }
      Histogram batches = Latencies.newHistogram();
      results.forEach(r -> batches.add(r.batchMicros()));
      double mapping = median(results, MappingThroughput.Round::recordsPerSecond);
      double plain = median(results, MappingThroughput.Round::referencePerSecond);
      out.append("| ").append(String.format(Locale.ROOT, "%,d", batchSize))
          .append(" | ").append(rates(results, MappingThroughput.Round::recordsPerSecond))
          .append(" | ").append(rates(results, MappingThroughput.Round::afterFirstCommitPerSecond))
          .append(" | ").append(String.format(Locale.ROOT, "%.1f",
              median(results, MappingThroughput.Round::firstCommitSeconds)))
          .append(" | ").append(rates(results, MappingThroughput.Round::referencePerSecond))
          .append(" | ").append(String.format(Locale.ROOT, "%.2fx", plain <= 0 ? 0 : mapping / plain))
          .append(" | ").append(batches.getTotalCount())
          .append(" | ").append(batches.getTotalCount() == 0 ? "n/a" : Report.ms(batches.getValueAtPercentile(50)))
          .append(" | ").append(batches.getTotalCount() == 0 ? "n/a" : Report.ms(batches.getValueAtPercentile(99)))
          .append(" |\n");
    }
    List<MappingThroughput.Round> aimed = rounds.getOrDefault(AIM_BATCH_SIZE, List.of());
    if (!aimed.isEmpty()) {
      double median = median(aimed, MappingThroughput.Round::recordsPerSecond);
      out.append(String.format(Locale.ROOT, "%nAim: at least %,d records/s through one node at BatchSize %,d:"
              + " %,.0f records/s from creation (%s), %,.0f after the first commit.%n", AIM_RECORDS_PER_SECOND,
          AIM_BATCH_SIZE, median, median >= AIM_RECORDS_PER_SECOND ? "met" : "not met",
          median(aimed, MappingThroughput.Round::afterFirstCommitPerSecond)));
    }
    return out.toString();
  }

  private String async(AsyncThroughput.Result result) {
    String events = String.format(Locale.ROOT, "%,d", options.events());
    return "#### Asynchronous invocations (InvocationType Event)\n\n"
        + String.format(Locale.ROOT, "%s events from %d client threads, each a closed loop that waits for the 202"
            + " before the next, after %,d unrecorded events waited for to the end. *accepted*: events / time"
            + " until the last 202. *completed*: events / time from the first send until the function's OnSuccess"
            + " destination (a Kafka topic) holds a record for every event (end offsets polled every %d ms)."
            + " Reference, just before: as many RequestResponse invokes of the same function at the same"
            + " concurrency, after %,d unrecorded ones.%n%n", events, options.concurrency(), options.warmup(),
            CountWatch.POLL.toMillis(), options.warmup())
        + "| invocation | count | concurrency | per second | p50 ms | p99 ms |\n"
        + "|---|---:|---:|---:|---:|---:|\n"
        + row("Event, accepted (202)", events, result.acceptedPerSecond(), result.acceptLatency())
        + row("Event, completed (OnSuccess record in Kafka)", events, result.completedPerSecond(), null)
        + row("RequestResponse (reference)", events, result.sync().callsPerSecond(), result.sync().latency());
  }

  private String row(String name, String count, double perSecond, Histogram latency) {
    return "| " + name + " | " + count + " | " + options.concurrency() + " | "
        + String.format(Locale.ROOT, "%.0f", perSecond) + " | "
        + (latency == null ? "-" : Report.ms(latency.getValueAtPercentile(50))) + " | "
        + (latency == null ? "-" : Report.ms(latency.getValueAtPercentile(99))) + " |\n";
  }

  private static <R> String rates(List<R> rounds, ToDoubleFunction<R> rate) {
    return Report.medianAndRange(rounds.stream().map(rate::applyAsDouble).toList());
  }

  private static <R> double median(List<R> rounds, ToDoubleFunction<R> value) {
    return Report.median(rounds.stream().map(value::applyAsDouble).toList());
  }

  private static String fact(String name, String value) {
    return "- " + name + ": " + value + "\n";
  }
}
