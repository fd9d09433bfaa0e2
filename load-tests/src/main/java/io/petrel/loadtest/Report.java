package io.petrel.loadtest;

import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** The printed result of a run: machine facts, then one table per measurement, then the ratios. */
final class Report {

  /** Everything one run measured, per runtime id. */
  record Results(List<String> runtimes, List<WarmBenchmark.Result> warm,
                 Map<String, ColdStartBenchmark.Result> cold, Map<String, InterpreterBaseline.Result> bare) {}

  private final BenchOptions options;
  private final ZonedDateTime startedAt;
  private final double loadAtStart;

  /** {@code loadAtStart} is the 1-minute load average when the run began (negative if unknown). */
  Report(BenchOptions options, ZonedDateTime startedAt, double loadAtStart) {
    this.options = options;
    this.startedAt = startedAt;
    this.loadAtStart = loadAtStart;
  }

  String render(Results results) {
    return header(results.runtimes()) + "\n"
        + warm(results.warm()) + "\n"
        + cold(results) + "\n"
        + bare(results) + "\n"
        + ratios(results);
  }

  private String header(List<String> runtimes) {
    return "Petrel invoke benchmark\n"
        + fact("date", startedAt.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")))
        + fact("cores", Integer.toString(Runtime.getRuntime().availableProcessors()))
        + fact("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
            + ", " + System.getProperty("java.vendor") + ")")
        + fact("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"))
        + fact("load", "1-minute load average " + load(loadAtStart) + " at start, " + load(loadAverage())
            + " at end (other processes on the machine skew the results)")
        + fact("endpoint", options.endpoint().toString())
        + fact("runtimes", String.join(", ", runtimes))
        + fact("units", "latencies in ms at microsecond resolution (HdrHistogram, 3 significant digits)");
  }

  private static String fact(String name, String value) {
    return String.format(Locale.ROOT, "  %-9s %s%n", name, value);
  }

  private String warm(List<WarmBenchmark.Result> rows) {
    Table table = new Table(1, "runtime", "concurrency", "calls", "p50 ms", "p90 ms", "p99 ms", "max ms",
        "calls/s");
    for (WarmBenchmark.Result r : rows) {
      Histogram h = r.latency();
      table.row(r.runtime(), Integer.toString(r.concurrency()), Long.toString(r.calls()),
          ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
          ms(h.getMaxValue()), String.format(Locale.ROOT, "%.0f", r.callsPerSecond()));
    }
    return "Warm invoke, no-op function (" + options.warmup() + " unrecorded warm-up calls, then "
        + options.calls() + " calls per row; C client threads, each a synchronous loop)\n" + table.render("  ");
  }

  private String cold(Results results) {
    Table table = new Table(1, "runtime", "samples", "client p50 ms", "client p99 ms", "Init Duration p50 ms",
        "Init Duration p99 ms");
    StringBuilder notes = new StringBuilder();
    for (String runtime : results.runtimes()) {
      ColdStartBenchmark.Result r = results.cold().get(runtime);
      table.row(runtime, Long.toString(r.clientLatency().getTotalCount()),
          ms(r.clientLatency().getValueAtPercentile(50)), ms(r.clientLatency().getValueAtPercentile(99)),
          ms(r.initDuration().getValueAtPercentile(50)), ms(r.initDuration().getValueAtPercentile(99)));
      if (r.notCold() > 0) {
        notes.append("  note: ").append(r.notCold()).append(" call(s) of ").append(runtime)
            .append(" had no Init Duration after the configuration change (no new environment); left out\n");
      }
    }
    return "Cold start (UpdateFunctionConfiguration with a new variable value, then one invoke with the log tail;"
        + " " + options.cold() + " per runtime)\n" + table.render("  ") + notes;
  }

  private String bare(Results results) {
    Table table = new Table(2, "runtime", "command", "p50 ms", "p99 ms");
    for (String runtime : results.runtimes()) {
      InterpreterBaseline.Result r = results.bare().get(runtime);
      table.row(runtime, r.interpreter().commandLine() + "  (" + r.interpreter().version() + ")",
          ms(r.startup().getValueAtPercentile(50)), ms(r.startup().getValueAtPercentile(99)));
    }
    return "Bare interpreter start, reference (ProcessBuilder start to exit; " + options.cold()
        + " runs after one unrecorded)\n" + table.render("  ");
  }

  private String ratios(Results results) {
    Table table = new Table(1, "runtime", "cold client p50 / bare p50", "Init Duration p50 / bare p50",
        "warm p50 at concurrency 1 (per-invoke overhead)");
    for (String runtime : results.runtimes()) {
      long bare = Latencies.p50(results.bare().get(runtime).startup());
      ColdStartBenchmark.Result cold = results.cold().get(runtime);
      Optional<Histogram> warm1 = results.warm().stream()
          .filter(r -> r.runtime().equals(runtime) && r.concurrency() == 1)
          .map(WarmBenchmark.Result::latency).findFirst();
      table.row(runtime, ratio(Latencies.p50(cold.clientLatency()), bare),
          ratio(Latencies.p50(cold.initDuration()), bare),
          warm1.map(h -> ms(Latencies.p50(h)) + " ms").orElse("n/a (concurrency 1 not run)"));
    }
    return "Petrel against the bare interpreter\n" + table.render("  ");
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static String load(double average) {
    return average < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", average);
  }

  static String ms(long micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
  }

  /** The median of {@code values} (the mean of the middle two for an even count); 0 when there are none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The median of {@code values} as a whole number, and their range in brackets when there are several. */
  static String medianAndRange(List<Double> values) {
    String median = String.format(Locale.ROOT, "%.0f", median(values));
    if (values.size() <= 1) {
      return median;
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format(Locale.ROOT, "%s (%.0f-%.0f)", median, min, max);
  }

  static String ratio(long numerator, long denominator) {
    return denominator <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", (double) numerator / denominator);
  }
}
