package io.petrel.loadtest;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * What one abusive function does to another's warm latency. A warm no-op Python function is invoked by one
 * closed-loop client for a fixed time, first alone (the baseline), then while a second client invokes an abusive
 * function over and over: a fork bomb, a memory hog, a /tmp filler, a CPU spinner (four spinning processes).
 * Each phase reports the no-op's median and p99 and how the abusive calls ended (their error types). Run it
 * through {@code load-tests/bench-abuse}, which starts a node. Progress goes to stderr, the report to stdout.
 */
public final class AbuseBenchmark {
  private static final PrintStream PROGRESS = System.err;

  /** One abusive function: its source, MemorySize and Timeout. */
  record Abuse(String name, String description, String source, int memoryMb, int timeoutSeconds) {}

  static final List<Abuse> ABUSES = List.of(
      new Abuse("forkbomb", "forks until the pid limit, every copy forking too", """
          import os, time
          def handler(e, c):
              forks = 0
              while True:
                  try:
                      pid = os.fork()
                  except OSError as err:
                      raise RuntimeError("stopped after %d forks: %s" % (forks, err))
                  if pid == 0:
                      while True:
                          try:
                              os.fork()
                          except OSError:
                              time.sleep(0.01)
                  forks += 1
          """, 2048, 20),
      new Abuse("memoryhog", "allocates 16 MB blocks past its 128 MB", """
          def handler(e, c):
              hoard = []
              while True:
                  hoard.append(bytearray(16 << 20))
          """, 128, 20),
      new Abuse("tmpfiller", "writes /tmp full (1024 MB function, /tmp of tmp-size)", """
          def handler(e, c):
              block = b"x" * (1 << 20)
              with open("/tmp/fill", "wb") as f:
                  while True:
                      f.write(block)
          """, 1024, 20),
      new Abuse("spinner", "four processes spinning until the 3 s timeout", """
          import os
          def handler(e, c):
              for _ in range(3):
                  if os.fork() == 0:
                      break
              while True:
                  pass
          """, 128, 3));

  /** One phase: the no-op's latencies, and the abusive calls' outcomes (error type, or "ok", to count). */
  record Phase(String name, String description, Histogram latency, Map<String, Integer> abusiveOutcomes) {}

  private final AbuseOptions options;
  private final LambdaClient client;
  private final String runId = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
  private final CreatedFunctions created;

  private AbuseBenchmark(AbuseOptions options) {
    this.options = options;
    this.client = new LambdaClient(options.endpoint(), Duration.ofSeconds(120));
    this.created = new CreatedFunctions(client, "bench-abuse");
  }

  public static void main(String[] args) {
    BenchmarkMain.options("bench-abuse", AbuseOptions.USAGE, AbuseOptions::parse, args).ifPresent(options -> {
      AbuseBenchmark benchmark = new AbuseBenchmark(options);
      BenchmarkMain.report("bench-abuse", benchmark::run, benchmark::deleteFunctions);
    });
  }

  private String run() {
    ZonedDateTime startedAt = ZonedDateTime.now();
    double loadAtStart = Report.loadAverage();
    String runtime = Runtimes.resolve(List.of("python"), client.supportedRuntimes()).get(0);
    String noop = create("noop", runtime, NoopFunction.forRuntime(runtime), 128, 30);
    progress("node at %s; %s; warm-up %d calls", options.endpoint(), runtime, options.warmup());
    for (int i = 0; i < options.warmup(); i++) {
      client.invoke(noop, false);
    }
    List<Phase> phases = new ArrayList<>();
    phases.add(measure("baseline", "the no-op alone", noop, null));
    for (Abuse abuse : ABUSES) {
      if (options.abuses().contains(abuse.name())) {
        String function = create(abuse.name(), runtime, new NoopFunction("lambda_function.handler",
            NoopFunction.zip("lambda_function.py", abuse.source())), abuse.memoryMb(), abuse.timeoutSeconds());
        phases.add(measure(abuse.name(), abuse.description(), noop, function));
      }
    }
    deleteFunctions();
    return render(runtime, startedAt, loadAtStart, phases);
  }

  /** The no-op's latency over one phase, while {@code abusive} (if any) is invoked back to back. */
  private Phase measure(String name, String description, String noop, String abusive) {
    progress("%s: %d s", name, options.seconds());
    Map<String, Integer> outcomes = new TreeMap<>();
    AtomicBoolean over = new AtomicBoolean();
    ExecutorService pool = ClientThreads.daemonPool(1, "bench-abuser");
    Future<?> abuser = pool.submit(() -> {
      while (abusive != null && !over.get()) {
        LambdaClient.Ended ended = client.invokeExpectingErrors(abusive);
        String outcome = ended.errorType() == null ? "ok" : ended.errorType();
        synchronized (outcomes) {
          outcomes.merge(outcome, 1, Integer::sum);
        }
      }
      return null;
    });
    Histogram latency = Latencies.newHistogram();
    long end = System.nanoTime() + options.seconds() * 1_000_000_000L;
    try {
      while (System.nanoTime() < end) {
        Latencies.recordNanos(latency, client.invoke(noop, false).nanos());
      }
    } finally {
      over.set(true);
    }
    try {
      abuser.get(); // the abusive call in flight ends by its own timeout at the latest
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof BenchmarkException b ? b : new BenchmarkException(name + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    } finally {
      pool.shutdownNow();
    }
    progress("  p50 %s ms, p99 %s ms; abusive calls: %s", Report.ms(Latencies.p50(latency)),
        Report.ms(latency.getValueAtPercentile(99)), outcomes);
    return new Phase(name, description, latency, Map.copyOf(outcomes));
  }

  private String render(String runtime, ZonedDateTime startedAt, double loadAtStart, List<Phase> phases) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("# Warm %s no-op latency during abuse%n%n", runtime));
    out.append(String.format("%s, node %s, %d s per phase, one client for the no-op (concurrency 1), one for the"
            + " abusive function; load average at start %.2f, %d CPUs%n%n", startedAt.withNano(0),
        options.endpoint(), options.seconds(), loadAtStart, Runtime.getRuntime().availableProcessors()));
    Table table = new Table(2, "phase", "abusive function", "no-op calls", "p50 ms", "p99 ms", "max ms",
        "abusive calls ended");
    for (Phase phase : phases) {
      table.row(phase.name(), phase.description(), Long.toString(phase.latency().getTotalCount()),
          Report.ms(Latencies.p50(phase.latency())), Report.ms(phase.latency().getValueAtPercentile(99)),
          Report.ms(phase.latency().getMaxValue()), phase.abusiveOutcomes().isEmpty() ? "-"
              : new TreeMap<>(phase.abusiveOutcomes()).toString());
    }
    out.append(table.render(""));
    return out.toString();
  }

  private String create(String purpose, String runtime, NoopFunction code, int memoryMb, int timeoutSeconds) {
    String name = "petrel-bench-" + purpose + "-" + runId;
    client.createFunction(name, runtime, code, memoryMb, timeoutSeconds);
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
