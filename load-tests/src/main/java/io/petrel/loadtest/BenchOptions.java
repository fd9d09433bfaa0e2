package io.petrel.loadtest;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
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
                           URI endpoint, boolean dryRun) {

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
    boolean dryRun = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--dry-run")) {
        dryRun = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--calls" -> calls = positive(flag, value);
        case "--concurrency" -> concurrency = list(flag, value).stream().map(v -> positive(flag, v)).toList();
        case "--runtimes" -> runtimes = list(flag, value);
        case "--cold" -> cold = positive(flag, value);
        case "--warmup" -> warmup = nonNegative(flag, value);
        case "--endpoint" -> endpoint = endpoint(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (endpoint == null && !dryRun) {
      throw new IllegalArgumentException("no --endpoint: run load-tests/bench-invoke, which starts a node,"
          + " or pass the URL of a running node");
    }
    return new BenchOptions(calls, concurrency, runtimes, cold, warmup, endpoint, dryRun);
  }

  private static List<String> list(String flag, String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs at least one value");
    }
    return items.stream().distinct().toList();
  }

  private static int positive(String flag, String value) {
    int n = nonNegative(flag, value);
    if (n == 0) {
      throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
    }
    return n;
  }

  private static int nonNegative(String flag, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new IllegalArgumentException(flag + " must be a whole number, got '" + value + "'");
  }

  private static URI endpoint(String value) {
    String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    try {
      URI uri = URI.create(trimmed);
      if (Arrays.asList("http", "https").contains(uri.getScheme()) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException ignored) {
      // answered below
    }
    throw new IllegalArgumentException("--endpoint must be an http(s) URL, got '" + value + "'");
  }
}
