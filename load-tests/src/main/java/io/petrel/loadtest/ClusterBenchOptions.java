package io.petrel.loadtest;

import static io.petrel.loadtest.CommandLine.list;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command line of {@link ClusterBenchmark}.
 *
 * @param endpoints      the gateways of the cluster, called round-robin (empty only in a dry run)
 * @param single         the gateway of the single node measured as the reference (null only in a dry run)
 * @param concurrency    client thread counts, one row per value and target
 * @param duration       measured time per row and round
 * @param warmup         unrecorded load before each measurement, at the same concurrency
 * @param rounds         measurements per row; the table shows the median throughput
 * @param runtime        a runtime family ("python") or an exact id ("python3.11")
 * @param functions      no-op functions per target the calls are spread over
 * @param dryRun         only check the options and print the plan
 */
public record ClusterBenchOptions(List<URI> endpoints, URI single, List<Integer> concurrency, Duration duration,
                                  Duration warmup, int rounds, String runtime, int functions, boolean dryRun)
    implements BenchmarkMain.Options {

  public static final String USAGE = """
      usage: bench-cluster [--endpoints URL,URL,URL] [--single-endpoint URL] [--concurrency C1,C2,...]
                           [--duration 20s] [--warmup 5s] [--rounds N] [--runtime python] [--functions N]
        --endpoints L        the gateways of a running cluster, called round-robin (default: start one with
                             deploy/cluster and stop it at the end)
        --single-endpoint U  a running single node to compare with (default: start one for the run)
        --concurrency L      client thread counts, comma separated (default 8,32)
        --duration D         measured time per row and round, e.g. 20s or 1m (default 20s)
        --warmup D           unrecorded load before each measurement (default 5s)
        --rounds N           measurements per row, alternating cluster and single node; the table shows the
                             median throughput and percentiles over all rounds (default 3)
        --runtime R          runtime family (python, nodejs) or exact id (default python)
        --functions N        no-op functions per target that the calls are spread over (default 1)
        --dry-run            check the options, print the plan and exit
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

  public ClusterBenchOptions {
    endpoints = List.copyOf(endpoints);
    concurrency = List.copyOf(concurrency);
  }

  /** What a run with these options does, in one line. */
  public String plan() {
    return String.format(Locale.ROOT, "runtime %s, %d function(s) per target; concurrency %s; %d round(s) of %s"
            + " warm-up + %s measured per row; cluster %s; single node %s", runtime, functions,
        concurrency.stream().map(String::valueOf).collect(Collectors.joining(",")), rounds, text(warmup),
        text(duration), endpoints.isEmpty() ? "started for the run" : endpoints,
        single == null ? "started for the run" : single);
  }

  static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Parses the arguments; throws IllegalArgumentException with a message meant for the user. */
  public static ClusterBenchOptions parse(String... args) {
    List<URI> endpoints = List.of();
    URI single = null;
    List<Integer> concurrency = List.of(8, 32);
    Duration duration = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(5);
    int rounds = 3;
    String runtime = "python";
    int functions = 1;
    CommandLine line = new CommandLine(args);
    while (line.next()) {
      String flag = line.flag();
      String value = line.value();
      switch (flag) {
        case "--endpoints" -> endpoints = list(flag, value).stream().map(v -> endpoint(flag, v)).toList();
        case "--single-endpoint" -> single = endpoint(flag, value);
        case "--concurrency" -> concurrency = list(flag, value).stream().map(v -> positive(flag, v)).toList();
        case "--duration" -> duration = duration(flag, value, false);
        case "--warmup" -> warmup = duration(flag, value, true);
        case "--rounds" -> rounds = positive(flag, value);
        case "--runtime" -> runtime = value.trim();
        case "--functions" -> functions = positive(flag, value);
        default -> throw line.unknownOption();
      }
    }
    boolean dryRun = line.dryRun();
    if (!dryRun && (endpoints.isEmpty() || single == null)) {
      throw new IllegalArgumentException("--endpoints and --single-endpoint are both needed: run"
          + " load-tests/bench-cluster, which starts what is missing");
    }
    return new ClusterBenchOptions(endpoints, single, concurrency, duration, warmup, rounds, runtime, functions,
        dryRun);
  }

  private static int positive(String flag, String value) {
    OptionalInt n = CommandLine.wholeNumber(value.trim());
    if (n.isPresent() && n.getAsInt() >= 1) {
      return n.getAsInt();
    }
    throw new IllegalArgumentException(flag + " must be a whole number of at least 1, got '" + value + "'");
  }

  /** {@code 20s}, {@code 1m}, {@code 500ms}, or a number of seconds. */
  static Duration duration(String flag, String value, boolean zeroAllowed) {
    Matcher m = DURATION.matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      };
      if (zeroAllowed || !d.isZero()) {
        return d;
      }
    }
    throw new IllegalArgumentException(flag + " must be a duration such as 20s, 1m or 500ms"
        + (zeroAllowed ? "" : " (more than zero)") + ", got '" + value + "'");
  }

  private static URI endpoint(String flag, String value) {
    return CommandLine.httpUrl(value).orElseThrow(() ->
        new IllegalArgumentException(flag + " needs http(s) URLs, got '" + value + "'"));
  }
}
