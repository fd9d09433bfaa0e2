package io.petrel.loadtest;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmarks invocation on a running Petrel node: warm latency and throughput of a no-op function per runtime
 * and concurrency level, cold start latency and Init Duration, and the bare interpreter start time as the
 * reference they are compared with. Run it through {@code load-tests/bench-invoke}, which starts a node.
 * Progress goes to stderr, the report to stdout; any failure ends the run with exit code 1.
 */
public final class InvokeBenchmark {
  private static final PrintStream PROGRESS = System.err;

  private final BenchOptions options;
  private final LambdaClient client;
  private final String runId = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
  private final CreatedFunctions created;

  private InvokeBenchmark(BenchOptions options) {
    this.options = options;
    this.client = new LambdaClient(options.endpoint(), Duration.ofSeconds(60));
    this.created = new CreatedFunctions(client, "bench-invoke");
  }

  public static void main(String[] args) {
    BenchmarkMain.options("bench-invoke", BenchOptions.USAGE, BenchOptions::parse, args).ifPresent(options -> {
      InvokeBenchmark benchmark = new InvokeBenchmark(options);
      BenchmarkMain.report("bench-invoke", benchmark::run, benchmark::deleteFunctions); // no functions left behind
    });
  }

  private String run() {
    ZonedDateTime startedAt = ZonedDateTime.now();
    double loadAtStart = Report.loadAverage();
    List<String> runtimes = Runtimes.resolve(options.runtimes(), client.supportedRuntimes());
    progress("node at %s; benchmarking %s", options.endpoint(), String.join(", ", runtimes));

    Map<String, InterpreterBaseline.Result> bare = new LinkedHashMap<>();
    for (String runtime : runtimes) {
      InterpreterBaseline.Interpreter interpreter = InterpreterBaseline.forRuntime(runtime);
      progress("bare interpreter: %s, %d runs", interpreter.commandLine(), options.cold());
      bare.put(runtime, InterpreterBaseline.measure(interpreter, options.cold()));
    }

    List<WarmBenchmark.Result> warm = new ArrayList<>();
    WarmBenchmark warmBenchmark = new WarmBenchmark(client);
    for (String runtime : runtimes) {
      String function = createFunction("warm", runtime);
      for (int concurrency : options.concurrency()) {
        progress("warm: %s at concurrency %d, %d warm-up + %d calls", runtime, concurrency, options.warmup(),
            options.calls());
        WarmBenchmark.Result result =
            warmBenchmark.run(runtime, function, concurrency, options.warmup(), options.calls());
        progress("  p50 %s ms, %.0f calls/s", Report.ms(Latencies.p50(result.latency())), result.callsPerSecond());
        warm.add(result);
      }
    }

    Map<String, ColdStartBenchmark.Result> cold = new LinkedHashMap<>();
    ColdStartBenchmark coldBenchmark = new ColdStartBenchmark(client);
    for (String runtime : runtimes) {
      String function = createFunction("cold", runtime);
      progress("cold: %s, %d cold starts", runtime, options.cold());
      cold.put(runtime, coldBenchmark.run(runtime, function, options.cold()));
    }

    deleteFunctions();
    return new Report(options, startedAt, loadAtStart).render(new Report.Results(runtimes, warm, cold, bare));
  }

  private String createFunction(String purpose, String runtime) {
    String name = "petrel-bench-" + purpose + "-" + runtime.replaceAll("[^A-Za-z0-9]", "") + "-" + runId;
    client.createFunction(name, runtime, NoopFunction.forRuntime(runtime));
    created.add(name);
    return name;
  }

  /** Deletes the functions this run created; best effort, as it also runs from the shutdown hook. */
  private void deleteFunctions() {
    created.deleteAll();
  }

  private static void progress(String format, Object... args) {
    PROGRESS.printf("[bench] " + format + "%n", args);
  }
}
