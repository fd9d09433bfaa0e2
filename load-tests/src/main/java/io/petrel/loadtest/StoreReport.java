package io.petrel.loadtest;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** The printed result of a store benchmark: machine facts, throughput with the aim, publish latency, references. */
final class StoreReport {
  static final double AIM_RECORDS_PER_SECOND = 20_000;

  /**
   * Everything one run measured. {@code throughput} holds, in this order, Cassandra records, Cassandra records
   * with log lines, SQLite records, SQLite records with log lines.
   */
  record Results(String cassandra, String sqlite, int bufferLimit, List<RecordThroughput.Result> throughput,
                 PublishLatency.Sequential cassandraPublish, PublishLatency.Sequential sqlitePublish,
                 List<PublishLatency.Contended> contended, List<CqlReference.Result> cql) {}

  private final StoreBenchOptions options;
  private final ZonedDateTime startedAt;
  private final double loadAtStart;

  StoreReport(StoreBenchOptions options, ZonedDateTime startedAt, double loadAtStart) {
    this.options = options;
    this.startedAt = startedAt;
    this.loadAtStart = loadAtStart;
  }

  String render(Results results) {
    return header(results) + "\n"
        + throughput(results) + "\n"
        + publish(results) + "\n"
        + contended(results) + "\n"
        + references(results) + "\n"
        + ratios(results);
  }

  private String header(Results results) {
    return "Petrel store benchmark\n"
        + fact("date", startedAt.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")))
        + fact("cores", Integer.toString(Runtime.getRuntime().availableProcessors()))
        + fact("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")")
        + fact("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"))
        + fact("load", "1-minute load average " + load(loadAtStart) + " at start, " + load(Report.loadAverage())
            + " at end (other processes on the machine skew the results)")
        + fact("cassandra", results.cassandra())
        + fact("sqlite", results.sqlite())
        + fact("units", "latencies in ms at microsecond resolution (HdrHistogram, 3 significant digits)");
  }

  private static String fact(String name, String value) {
    return String.format(Locale.ROOT, "  %-9s %s%n", name, value);
  }

  private String throughput(Results results) {
    Table table = new Table(2, "engine", "workload", "records/s", "min", "max", "items/s", "hand-over s",
        "total s", "client cores", "Cassandra cores");
    for (RecordThroughput.Result r : results.throughput()) {
      RecordThroughput.Run median = r.median();
      table.row(r.engine(), r.workload(), rate(median.recordsPerSecond()), rate(r.minRecordsPerSecond()),
          rate(r.maxRecordsPerSecond()), rate(median.itemsPerSecond()), seconds(median.handOverSeconds()),
          seconds(median.seconds()), cores(median.clientCpu(), median.seconds()),
          cores(median.serverCpu(), median.seconds()));
    }
    RecordThroughput.Result alone = results.throughput().get(0);
    RecordThroughput.Result withLines = results.throughput().get(1);
    return String.format(Locale.ROOT, "Invocation records written, end to end (%,d records over %d functions, all"
            + " today; %d threads hand them to record() as fast as they can, then one flush(); records/s from the"
            + " first hand-over until the flush completed; median of %d runs, min and max; %,d unrecorded"
            + " warm-up records per engine first)%n", options.records(), options.functions(), options.producers(),
        options.runs(), options.warmup())
        + table.render("  ")
        + "  items/s counts records and log lines; hand-over s: until the last record was handed over; cores: CPU"
        + " time used during\n  the median run / its duration (client: this JVM; Cassandra: its JVM, also during"
        + " the SQLite runs, n/a when the\n  benchmark did not start it)\n"
        + String.format(Locale.ROOT, "  the Cassandra store's buffer limit was set to %,d items (default 200,000)"
            + " so that no burst of this size is refused%n", results.bufferLimit())
        + String.format(Locale.ROOT, "%nAim: at least %,.0f invocation records/s on one local node (Cassandra)%n",
            AIM_RECORDS_PER_SECOND)
        + aim(withLines) + aim(alone);
  }

  private static String aim(RecordThroughput.Result r) {
    double median = r.median().recordsPerSecond();
    String verdict = median >= AIM_RECORDS_PER_SECOND ? "MET" : "NOT MET";
    String spread = r.minRecordsPerSecond() >= AIM_RECORDS_PER_SECOND ? "every run met it"
        : r.maxRecordsPerSecond() < AIM_RECORDS_PER_SECOND ? "no run met it"
        : "some runs met it";
    return String.format(Locale.ROOT, "  %-7s %-24s median %s records/s = %.2fx the aim (%s)%n", verdict,
        r.workload() + ":", rate(median), median / AIM_RECORDS_PER_SECOND, spread);
  }

  private String publish(Results results) {
    Table table = new Table(2, "engine", "operation", "calls", "p50 ms", "p90 ms", "p99 ms", "max ms");
    for (PublishLatency.Sequential s : List.of(results.cassandraPublish(), results.sqlitePublish())) {
      latencyRow(table, s.engine(), "publishVersion", s.publish());
      latencyRow(table, s.engine(), "modifyLatest + publishVersion", s.pair());
      latencyRow(table, s.engine(), "modifyLatest alone", s.modify());
    }
    return "PublishVersion, one call at a time (" + options.publishes() + " calls over " + options.functions()
        + " functions in turn, after " + PublishLatency.WARMUP + " unrecorded; a call is modifyLatest with a new"
        + " description, then publishVersion)\n" + table.render("  ");
  }

  private static void latencyRow(Table table, String engine, String operation, Histogram h) {
    table.row(engine, operation, Long.toString(h.getTotalCount()), Report.ms(h.getValueAtPercentile(50)),
        Report.ms(h.getValueAtPercentile(90)), Report.ms(h.getValueAtPercentile(99)), Report.ms(h.getMaxValue()));
  }

  private String contended(Results results) {
    Table table = new Table(1, "Cassandra, one function", "calls", "failed", "publish p50", "publish p99",
        "pair p50", "pair p99", "numbers returned", "versions stored", "numbers distinct");
    StringBuilder failures = new StringBuilder();
    for (PublishLatency.Contended c : results.contended()) {
      table.row(c.label(), Integer.toString(c.calls()), Integer.toString(c.failed()),
          Report.ms(c.publish().getValueAtPercentile(50)), Report.ms(c.publish().getValueAtPercentile(99)),
          Report.ms(c.pair().getValueAtPercentile(50)), Report.ms(c.pair().getValueAtPercentile(99)),
          Integer.toString(c.distinctNumbers()), Integer.toString(c.versionsStored()),
          c.mismatches() == 0 ? "yes" : "NO: " + c.mismatches() + " numbers name other content");
      if (c.failed() > 0) {
        failures.append("  ").append(c.label()).append(": first failure: ").append(c.firstFailure()).append('\n');
      }
    }
    return "PublishVersion contended (" + options.contenders() + " threads on one function at once, "
        + options.contended() + " calls of modifyLatest + publishVersion in all; latencies in ms)\n"
        + table.render("  ") + failures
        + "  a publish that finds $LATEST already published gets that version, as Lambda does, so numbers returned"
        + " can be\n  fewer than calls; \"numbers distinct\": every number a call got names, in the store, the"
        + " content that call published\n";
  }

  private String references(Results results) {
    Table table = new Table(1, "statement", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms");
    for (CqlReference.Result r : results.cql()) {
      Histogram h = r.latency();
      table.row(r.statement(), Long.toString(h.getTotalCount()), Report.ms(h.getValueAtPercentile(50)),
          Report.ms(h.getValueAtPercentile(90)), Report.ms(h.getValueAtPercentile(99)), Report.ms(h.getMaxValue()));
    }
    return "Reference: raw CQL round trips on the same Cassandra (a plain CqlSession, LOCAL_QUORUM and"
        + " LOCAL_SERIAL, one at a time)\n" + table.render("  ");
  }

  private String ratios(Results results) {
    long insert = Latencies.p50(results.cql().get(0).latency());
    long readThenConditional = Latencies.p50(results.cql().get(3).latency());
    PublishLatency.Sequential c = results.cassandraPublish();
    PublishLatency.Sequential s = results.sqlitePublish();
    Table table = new Table(1, "ratio (of p50s)", "value");
    table.row("Cassandra publishVersion / plain INSERT", Report.ratio(Latencies.p50(c.publish()), insert));
    table.row("Cassandra publishVersion / raw SELECT partition, then conditional batch",
        Report.ratio(Latencies.p50(c.publish()), readThenConditional));
    table.row("Cassandra modifyLatest + publishVersion / plain INSERT", Report.ratio(Latencies.p50(c.pair()), insert));
    table.row("Cassandra publishVersion / SQLite publishVersion",
        Report.ratio(Latencies.p50(c.publish()), Latencies.p50(s.publish())));
    RecordThroughput.Result cassandraLines = results.throughput().get(1);
    RecordThroughput.Result sqliteLines = results.throughput().get(3);
    table.row("Cassandra records/s / SQLite records/s, records alone", String.format(Locale.ROOT, "%.2fx",
        results.throughput().get(0).median().recordsPerSecond()
            / results.throughput().get(2).median().recordsPerSecond()));
    table.row("Cassandra records/s / SQLite records/s, with log lines", String.format(Locale.ROOT, "%.2fx",
        cassandraLines.median().recordsPerSecond() / sqliteLines.median().recordsPerSecond()));
    return "Against the references (a publish is a read of the function's partition and a conditional batch)\n"
        + table.render("  ");
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds);
  }

  private static String cores(Optional<Duration> cpu, double seconds) {
    return cpu.map(d -> String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9 / seconds)).orElse("n/a");
  }

  private static String load(double average) {
    return average < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", average);
  }
}
