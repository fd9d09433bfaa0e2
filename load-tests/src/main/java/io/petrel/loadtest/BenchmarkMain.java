package io.petrel.loadtest;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the benchmarks' main methods share. Help prints the usage; options that do not parse print the error and
 * the usage to stderr and exit with code 2; a dry run prints the plan. A run prints its report to stdout, or
 * its BenchmarkException to stderr and exits with code 1. Messages start with the command's name.
 */
final class BenchmarkMain {

  /** A benchmark's parsed command line, which can tell what a run with it does. */
  interface Options {
    boolean dryRun();

    String plan();
  }

  private BenchmarkMain() {}

  /** The options to run with; empty when there is nothing to run (help or a dry run, printed already). */
  static <O extends Options> Optional<O> options(String command, String usage, Function<String[], O> parse,
                                                 String[] args) {
    if (Arrays.stream(args).anyMatch(a -> List.of("--help", "-h", "help").contains(a))) {
      System.out.print(usage);
      return Optional.empty();
    }
    O options;
    try {
      options = parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println(command + ": " + e.getMessage() + "\n" + usage);
      System.exit(2);
      return Optional.empty();
    }
    if (options.dryRun()) {
      System.out.println(command + ": " + options.plan());
      return Optional.empty();
    }
    return Optional.of(options);
  }

  /**
   * Runs the benchmark and prints its report. {@code cleanUp} also runs from a shutdown hook registered first,
   * so that Ctrl-C too leaves nothing behind; it must be safe to run twice.
   */
  static void report(String command, Supplier<String> run, Runnable cleanUp) {
    Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "bench-cleanup"));
    try {
      String report = run.get();
      System.out.println();
      System.out.print(report);
    } catch (BenchmarkException e) {
      System.err.println(command + ": error: " + e.getMessage());
      System.exit(1);
    }
  }
}
