package io.petrel.loadtest;

import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The Markdown report of {@link ClusterBenchmark}: the setup, then one table row per target and concurrency.
 * Throughput is the median over the rounds (with the range); percentiles are those of all rounds' calls.
 */
final class ClusterReport {

  /** The facts of a run that are not options. */
  record Setup(ZonedDateTime startedAt, double loadAtStart, String runtime, String members, List<URI> endpoints,
               URI single) {}

  private final ClusterBenchOptions options;
  private final Setup setup;

  ClusterReport(ClusterBenchOptions options, Setup setup) {
    this.options = options;
    this.setup = setup;
  }

  static String key(String target, int concurrency) {
    return target + "@" + concurrency;
  }

  String render(Map<String, List<ClusterLoad.Result>> rounds) {
    StringBuilder out = new StringBuilder();
    out.append("### Petrel cluster benchmark\n\n")
        .append(fact("date", setup.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z"))))
        .append(fact("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty(
            "os.name") + " " + System.getProperty("os.version") + ", Java " + System.getProperty(
            "java.runtime.version")))
        .append(fact("load", "1-minute load average " + Report.load(setup.loadAtStart()) + " at start, "
            + Report.load(Report.loadAverage()) + " at end; generator, nodes and Cassandra share the machine"))
        .append(fact("cluster", setup.endpoints().stream().map(URI::toString).collect(Collectors.joining(", "))
            + " (" + setup.members() + "), calls round-robin over the gateways"))
        .append(fact("single node", setup.single() + ", alone in its own Pekko cluster and keyspace"))
        .append(fact("workload", "no-op " + setup.runtime() + " function" + (options.functions() == 1 ? ""
            : "s (" + options.functions() + " per target)") + ", warm; C client threads, each a synchronous"
            + " loop; " + options.rounds() + " round(s) of " + ClusterBenchOptions.text(options.warmup())
            + " warm-up + " + ClusterBenchOptions.text(options.duration()) + " per row, alternating targets"))
        .append(fact("numbers", "invocations/s: median of the rounds (range in brackets); latency percentiles"
            + " in ms over all rounds' calls (HdrHistogram)"))
        .append('\n');

    out.append("| target | concurrency | invocations/s | vs single | p50 ms | p90 ms | p99 ms | max ms | calls"
        + " | failed |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int concurrency : options.concurrency()) {
      double reference = median(rounds.get(key("single node", concurrency)));
      for (String target : List.of("cluster", "single node")) {
        List<ClusterLoad.Result> results = rounds.get(key(target, concurrency));
        if (results == null || results.isEmpty()) {
          continue;
        }
        Histogram all = Latencies.newHistogram();
        long calls = 0;
        long failed = 0;
        for (ClusterLoad.Result r : results) {
          all.add(r.latency());
          calls += r.calls();
          failed += r.errors();
        }
        List<Double> perSecond = results.stream().map(ClusterLoad.Result::callsPerSecond).toList();
        double median = Report.median(perSecond);
        String name = target.equals("cluster") ? setup.endpoints().size() + "-node cluster" : "single node";
        out.append("| ").append(name)
            .append(" | ").append(concurrency)
            .append(" | ").append(Report.medianAndRange(perSecond))
            .append(" | ").append(target.equals("cluster") ? ratio(median, reference) : "1.00x")
            .append(" | ").append(Report.ms(all.getValueAtPercentile(50)))
            .append(" | ").append(Report.ms(all.getValueAtPercentile(90)))
            .append(" | ").append(Report.ms(all.getValueAtPercentile(99)))
            .append(" | ").append(Report.ms(all.getMaxValue()))
            .append(" | ").append(calls)
            .append(" | ").append(failed)
            .append(" |\n");
      }
    }
    return out.toString();
  }

  /** The median throughput of the rounds (the mean of the middle two for an even count); 0 when none. */
  static double median(List<ClusterLoad.Result> results) {
    return results == null ? 0 : Report.median(results.stream().map(ClusterLoad.Result::callsPerSecond).toList());
  }

  private static String ratio(double value, double reference) {
    return reference <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", value / reference);
  }

  private static String fact(String name, String value) {
    return "- " + name + ": " + value + "\n";
  }
}
