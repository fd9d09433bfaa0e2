package io.petrel.loadtest;

import static io.petrel.loadtest.CommandLine.list;
import static io.petrel.loadtest.CommandLine.nonNegative;
import static io.petrel.loadtest.CommandLine.positive;

import java.net.URI;
import java.util.List;

/**
 * The command line of {@link InvokeBenchmark}.
 *
 * @param calls       measured calls per (runtime, concurrency) row
 * @param concurrency client thread counts, one warm row per value
 * @param runtimes    runtime families ("python", "nodejs") or exact runtime ids ("python3.11")
 * @param cold        cold starts sampled per runtime, and bare interpreter starts timed per runtime
 * @param warmup      unrecorded calls before each warm row
 * @param endpoint    the node to benchmark (null only in a dry run)
 * @param dryRun      only check the options and print the plan
 */
public record BenchOptions(int calls, List<Integer> concurrency, List<String> runtimes, int cold, int warmup,
                           URI endpoint, boolean dryRun) implements BenchmarkMain.Options {

  public static final String USAGE = """
      usage: bench-invoke [--calls N] [--concurrency C1,C2,...] [--runtimes python,nodejs] [--cold N]
                          [--warmup N] [--endpoint URL]
        --calls N          measured warm calls per runtime and concurrency level (default 10000)
        --concurrency L    client thread counts, comma separated (default 1,8)
        --runtimes L       runtime families (python, nodejs) or exact ids (python3.11), comma separated
                           (default python,nodejs)
        --cold N           cold starts to sample per runtime, and bare interpreter starts to time (default 20)
        --warmup N         unrecorded calls before each warm measurement (default 500)
        --endpoint URL     benchmark this running node instead of starting one (e.g. http://127.0.0.1:9000)
        --dry-run          check the options, print the plan and exit
      """;

  public BenchOptions {
    concurrency = List.copyOf(concurrency);
    runtimes = List.copyOf(runtimes);
  }

  /** What a run with these options does, in one line. */
  public String plan() {
    return String.format("runtimes %s; warm: %d warm-up + %d calls at concurrency %s; %d cold starts and %d bare"
            + " interpreter starts per runtime; endpoint %s", String.join(",", runtimes), warmup, calls,
        concurrency.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")), cold, cold,
        endpoint == null ? "a node started for the run" : endpoint);
  }

  /** Parses the arguments; throws IllegalArgumentException with a message meant for the user. */
  public static BenchOptions parse(String... args) {
    int calls = 10_000;
    List<Integer> concurrency = List.of(1, 8);
    List<String> runtimes = List.of("python", "nodejs");
    int cold = 20;
    int warmup = 500;
    URI endpoint = null;
    CommandLine line = new CommandLine(args);
    while (line.next()) {
      String flag = line.flag();
      String value = line.value();
      switch (flag) {
        case "--calls" -> calls = positive(flag, value);
        case "--concurrency" -> concurrency = list(flag, value).stream().map(v -> positive(flag, v)).toList();
        case "--runtimes" -> runtimes = list(flag, value);
        case "--cold" -> cold = positive(flag, value);
        case "--warmup" -> warmup = nonNegative(flag, value);
        case "--endpoint" -> endpoint = endpoint(value);
        default -> throw line.unknownOption();
      }
    }
    boolean dryRun = line.dryRun();
    if (endpoint == null && !dryRun) {
      throw new IllegalArgumentException("no --endpoint: run load-tests/bench-invoke, which starts a node,"
          + " or pass the URL of a running node");
    }
    return new BenchOptions(calls, concurrency, runtimes, cold, warmup, endpoint, dryRun);
  }

  private static URI endpoint(String value) {
    return CommandLine.httpUrl(value).orElseThrow(() ->
        new IllegalArgumentException("--endpoint must be an http(s) URL, got '" + value + "'"));
  }
}
