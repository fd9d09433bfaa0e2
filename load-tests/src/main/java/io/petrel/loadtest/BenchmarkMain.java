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

  /**
   * Runs the benchmark with servers or other state to undo: the cleanup runs before the report is printed, after
   * a failure, and from a shutdown hook on Ctrl-C and SIGTERM. A failure other than a BenchmarkException (a bug,
   * or modules built apart) prints its stack trace. Exits with code 1 on failure.
   */
  static void report(String command, Supplier<String> run, Cleanup cleanup) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cleanup.interrupted(); // when the run finished, the steps are done and this does nothing
      cleanup.run();
    }, "bench-cleanup"));
    try {
      String report = run.get();
      cleanup.finished();
      cleanup.run();
      System.out.println();
      System.out.print(report);
    } catch (RuntimeException | Error e) {
      if (!cleanup.wasInterrupted()) { // else the shutdown hook is cleaning up, stopping what the run uses
        System.err.print(command + ": error: ");
        if (e instanceof BenchmarkException) {
          System.err.println(e.getMessage());
        } else {
          e.printStackTrace();
        }
        cleanup.run();
      }
      System.exit(1);
    }
  }
}
