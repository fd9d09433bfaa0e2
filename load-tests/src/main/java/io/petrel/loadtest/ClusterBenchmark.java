package io.petrel.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmarks a Petrel cluster against a single node: warm invocations of a no-op function under closed-loop
 * load, spread round-robin over the cluster's gateways, and the same load on one node alone (its own Pekko
 * cluster and keyspace, the same Cassandra) as the reference. Each round measures every concurrency level on
 * both targets, alternating which goes first; the other target idles meanwhile. Run it through
 * {@code load-tests/bench-cluster}, which starts what is missing. Progress goes to stderr, the Markdown report
 * to stdout; a failure ends the run with exit code 1.
 */
public final class ClusterBenchmark {
  private static final PrintStream PROGRESS = System.err;
  private static final Duration PRIME_TIMEOUT = Duration.ofSeconds(120);

  /** What is measured: a name, its gateways and the functions created on it for this run. */
  record Target(String name, List<LambdaClient> gateways, List<String> functions) {}

  private final ClusterBenchOptions options;
  private final Target cluster;
  private final Target single;
  private final String runId = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));

  private ClusterBenchmark(ClusterBenchOptions options) {
    this.options = options;
    Duration timeout = Duration.ofSeconds(60);
    this.cluster = new Target("cluster", options.endpoints().stream().map(e -> new LambdaClient(e, timeout))
        .toList(), new ArrayList<>());
    this.single = new Target("single node", List.of(new LambdaClient(options.single(), timeout)),
        new ArrayList<>());
  }

  public static void main(String[] args) {
    BenchmarkMain.options("bench-cluster", ClusterBenchOptions.USAGE, ClusterBenchOptions::parse, args)
        .ifPresent(options -> {
          ClusterBenchmark benchmark = new ClusterBenchmark(options);
          BenchmarkMain.report("bench-cluster", benchmark::run, benchmark::deleteFunctions);
        });
  }

  private String run() {
    ZonedDateTime startedAt = ZonedDateTime.now();
    double loadAtStart = Report.loadAverage();
    LambdaClient first = cluster.gateways().get(0);
    String runtime = Runtimes.resolve(List.of(options.runtime()), first.supportedRuntimes()).get(0);
    String members = clusterMembers(first.endpoint());
    progress("cluster %s (%s); single node %s; runtime %s", options.endpoints(), members, options.single(),
        runtime);

    for (Target target : List.of(cluster, single)) {
      createFunctions(target, runtime);
      prime(target);
    }

    Map<String, List<ClusterLoad.Result>> rounds = new LinkedHashMap<>();
    for (int round = 1; round <= options.rounds(); round++) {
      List<Target> order = round % 2 == 1 ? List.of(cluster, single) : List.of(single, cluster);
      for (int concurrency : options.concurrency()) {
        for (Target target : order) {
          progress("round %d/%d: %s at concurrency %d, %s warm-up + %s", round, options.rounds(), target.name(),
              concurrency, ClusterBenchOptions.text(options.warmup()),
              ClusterBenchOptions.text(options.duration()));
          ClusterLoad.Result result = new ClusterLoad(target.gateways())
              .run(functionsOf(target), concurrency, options.warmup(), options.duration());
          progress("  %.0f calls/s, p50 %s ms, p99 %s ms%s", result.callsPerSecond(),
              Report.ms(Latencies.p50(result.latency())), Report.ms(result.latency().getValueAtPercentile(99)),
              result.errors() == 0 ? "" : ", " + result.errors() + " failed (first: " + result.firstError() + ")");
          rounds.computeIfAbsent(ClusterReport.key(target.name(), concurrency), k -> new ArrayList<>()).add(result);
        }
      }
    }

    deleteFunctions();
    ClusterReport.Setup setup = new ClusterReport.Setup(startedAt, loadAtStart, runtime, members,
        options.endpoints(), options.single());
    return new ClusterReport(options, setup).render(rounds);
  }

  private void createFunctions(Target target, String runtime) {
    for (int i = 1; i <= options.functions(); i++) {
      String name = "petrel-bench-cluster-" + runtime.replaceAll("[^A-Za-z0-9]", "") + "-" + runId + "-" + i;
      target.gateways().get(0).createFunction(name, runtime, NoopFunction.forRuntime(runtime));
      synchronized (target.functions()) {
        target.functions().add(name);
      }
    }
    progress("created %d function(s) on the %s through %s", options.functions(), target.name(),
        target.gateways().get(0).endpoint());
  }

  /** A copy: the shutdown hook empties the list while the load may still run. */
  private static List<String> functionsOf(Target target) {
    synchronized (target.functions()) {
      return List.copyOf(target.functions());
    }
  }

  /**
   * Calls every function once through every gateway, so each gateway is known to see it and the first
   * environments exist; a gateway that does not see a function yet is asked again until PRIME_TIMEOUT.
   */
  private void prime(Target target) {
    for (LambdaClient gateway : target.gateways()) {
      for (String function : functionsOf(target)) {
        gateway.invokeFirst(function, PRIME_TIMEOUT);
      }
    }
  }

  /** The members {@code GET /petrel/v1/cluster} lists, in a few words, or why it could not tell. */
  private static String clusterMembers(URI endpoint) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/petrel/v1/cluster"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return "members unknown: GET /petrel/v1/cluster answered HTTP " + response.statusCode();
      }
      JsonNode members = new ObjectMapper().readTree(response.body()).path("members");
      if (!members.isArray()) {
        members = new ObjectMapper().readTree(response.body()).path("Members");
      }
      if (!members.isArray()) {
        return "members unknown: no members list in GET /petrel/v1/cluster";
      }
      long up = 0;
      for (JsonNode member : members) {
        String status = member.path("status").asText(member.path("Status").asText(""));
        if (status.equalsIgnoreCase("up")) {
          up++;
        }
      }
      return members.size() + " members, " + up + " up";
    } catch (IOException e) {
      return "members unknown: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }

  /** Deletes the functions this run created; best effort, as it also runs from the shutdown hook. */
  private void deleteFunctions() {
    for (Target target : List.of(cluster, single)) {
      List<String> names;
      synchronized (target.functions()) {
        names = new ArrayList<>(target.functions());
        target.functions().clear();
      }
      for (String name : names) {
        try {
          target.gateways().get(0).deleteFunction(name);
        } catch (RuntimeException e) {
          PROGRESS.println("bench-cluster: could not delete function " + name + " on the " + target.name() + ": "
              + e.getMessage());
        }
      }
    }
  }

  private static void progress(String format, Object... args) {
    PROGRESS.printf("[bench] " + format + "%n", args);
  }
}
