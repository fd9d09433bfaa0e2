package io.petrel.loadtest;

import static io.petrel.loadtest.CommandLine.list;
import static io.petrel.loadtest.CommandLine.nonNegative;
import static io.petrel.loadtest.CommandLine.positive;

import java.net.URI;
import java.util.List;

/**
 * The command line of {@link AbuseBenchmark}.
 *
 * @param seconds  length of each phase (the baseline and each abuse)
 * @param warmup   unrecorded no-op calls before the baseline
 * @param abuses   the abusive functions to run, by name
 * @param endpoint the node to benchmark (null only in a dry run)
 * @param dryRun   only check the options and print the plan
 */
public record AbuseOptions(int seconds, int warmup, List<String> abuses, URI endpoint, boolean dryRun)
    implements BenchmarkMain.Options {

  private static final List<String> ALL = AbuseBenchmark.ABUSES.stream().map(AbuseBenchmark.Abuse::name).toList();

  public static final String USAGE = """
      usage: bench-abuse [--seconds N] [--warmup N] [--abuses forkbomb,memoryhog,tmpfiller,spinner] [--endpoint URL]
        --seconds N      length of each phase: the baseline, then each abuse (default 20)
        --warmup N       unrecorded no-op calls before the baseline (default 200)
        --abuses L       abusive functions to run, comma separated (default all four)
        --endpoint URL   benchmark this running node instead of starting one (e.g. http://127.0.0.1:9000)
        --dry-run        check the options, print the plan and exit
      """;

  public AbuseOptions {
    abuses = List.copyOf(abuses);
  }

  @Override
  public String plan() {
    return String.format("warm python no-op: %d warm-up calls, then %d s alone and %d s during each of %s;"
        + " endpoint %s", warmup, seconds, seconds, String.join(",", abuses),
        endpoint == null ? "a node started for the run" : endpoint);
  }

  /** Parses the arguments; throws IllegalArgumentException with a message meant for the user. */
  public static AbuseOptions parse(String... args) {
    int seconds = 20;
    int warmup = 200;
    List<String> abuses = ALL;
    URI endpoint = null;
    CommandLine line = new CommandLine(args);
    while (line.next()) {
      String flag = line.flag();
      String value = line.value();
      switch (flag) {
        case "--seconds" -> seconds = positive(flag, value);
        case "--warmup" -> warmup = nonNegative(flag, value);
        case "--abuses" -> abuses = list(flag, value);
        case "--endpoint" -> endpoint = CommandLine.httpUrl(value).orElseThrow(() ->
            new IllegalArgumentException("--endpoint must be an http(s) URL, got '" + value + "'"));
        default -> throw line.unknownOption();
      }
    }
    for (String abuse : abuses) {
      if (!ALL.contains(abuse)) {
        throw new IllegalArgumentException("--abuses: unknown '" + abuse + "', known: " + String.join(",", ALL));
      }
    }
    boolean dryRun = line.dryRun();
    if (endpoint == null && !dryRun) {
      throw new IllegalArgumentException("no --endpoint: run load-tests/bench-abuse, which starts a node,"
          + " or pass the URL of a running node");
    }
    return new AbuseOptions(seconds, warmup, abuses, endpoint, dryRun);
  }
}
