package io.petrel.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Petrel cluster members as separate processes ({@code java -jar node/target/petrel.jar node ...}), all on one
 * Cassandra keyspace: started, stopped with SIGTERM (a graceful leave) or killed with SIGKILL, and observed
 * through their HTTP endpoints. Every process still running when the test JVM exits is killed.
 */
final class ClusterNodes implements AutoCloseable {
  /** How members find each other: listed seed nodes, or Pekko Management Cluster Bootstrap (config discovery). */
  enum Join { SEED_NODES, BOOTSTRAP }

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper json = new ObjectMapper();

  private final Path jar;
  private final Path dir;
  private final List<String> common;
  private final int[] httpPorts;
  private final int[] clusterPorts;
  private final Process[] processes;
  private final List<String> cassandraArgs;
  private final Join join;
  private final int[] managementPorts;
  /** The environment key all members share, as a cluster's nodes must. */
  private final String environmentKey = io.petrel.persistence.EnvironmentKey.generate();

  ClusterNodes(int size, Path dir, String cassandra, String datacenter, String keyspace, List<String> jvmSettings) {
    this(size, Join.SEED_NODES, dir, cassandra, datacenter, keyspace, jvmSettings);
  }

  ClusterNodes(int size, Join join, Path dir, String cassandra, String datacenter, String keyspace,
      List<String> jvmSettings) {
    this.join = join;
    this.managementPorts = new int[size];
    this.jar = Path.of("target", "petrel.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the integration tests run after `mvn package`");
    }
    this.dir = dir;
    this.httpPorts = new int[size];
    this.clusterPorts = new int[size];
    this.processes = new Process[size];
    for (int i = 0; i < size; i++) {
      httpPorts[i] = freePort();
      clusterPorts[i] = freePort();
      managementPorts[i] = join == Join.BOOTSTRAP ? freePort() : 0;
    }
    List<String> args = new ArrayList<>();
    args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    args.add("-Xmx384m");
    args.add("-XX:TieredStopAtLevel=1");
    args.addAll(TestKeys.nodeSettings());
    args.addAll(jvmSettings);
    this.common = List.copyOf(args);
    this.cassandraArgs = List.of("--cassandra", cassandra, "--datacenter", datacenter, "--keyspace", keyspace);
    Runtime.getRuntime().addShutdownHook(new Thread(this::killAll));
  }

  /** Cluster Bootstrap's settings: every member's management endpoint, and that all of them must be found. */
  private Path bootstrapConfig() throws IOException {
    String endpoints = java.util.Arrays.stream(managementPorts).mapToObj(p -> "{host = \"127.0.0.1\", port = " + p + "}")
        .collect(java.util.stream.Collectors.joining(", "));
    Path file = dir.resolve("bootstrap.conf");
    Files.writeString(file, String.join("\n",
        "petrel.cluster.join = \"bootstrap\"",
        "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method = \"config\"",
        "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr = " + size(),
        "pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port = false",
        "pekko.discovery.config.services.petrel.endpoints = [" + endpoints + "]", ""));
    return file;
  }

  /** Starts member {@code i} (0-based); does not wait for it. */
  /**
   * Starts member 1 first (it creates the keyspace's tables; the others find them there), then the rest, and waits
   * until all are ready and member 1 sees every one of them Up.
   */
  void startAll() {
    start(0);
    awaitReady(0, Duration.ofMinutes(3));
    for (int i = 1; i < size(); i++) {
      start(i);
    }
    for (int i = 1; i < size(); i++) {
      awaitReady(i, Duration.ofMinutes(3));
    }
    awaitMembers(0, java.util.stream.IntStream.range(0, size()).mapToObj(this::address)
        .collect(java.util.stream.Collectors.toSet()), Duration.ofMinutes(1));
  }

  void start(int i) {
    start(i, List.of());
  }

  /** Starts member {@code i} with JVM options of its own (after the common ones). */
  void start(int i, List<String> jvmSettings) {
    List<String> cmd = new ArrayList<>(common);
    cmd.addAll(jvmSettings);
    try {
      Files.createDirectories(dir);
      if (join == Join.BOOTSTRAP) {
        cmd.add("-Dpekko.management.http.port=" + managementPorts[i]);
      }
      cmd.addAll(List.of("-jar", jar.toString(), "node", "--host", "127.0.0.1", "--port",
          String.valueOf(httpPorts[i]), "--data-dir", dir.resolve("node" + (i + 1)).toString(), "--cluster-host",
          "127.0.0.1", "--cluster-port", String.valueOf(clusterPorts[i])));
      cmd.addAll(join == Join.BOOTSTRAP ? List.of("--config", bootstrapConfig().toString())
          : List.of("--seed-nodes", seeds()));
      cmd.addAll(cassandraArgs);
      ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
      builder.environment().put("PETREL_ENVIRONMENT_KEY", environmentKey);
      processes[i] = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every member is a seed: a restarted first member then joins the others instead of forming a cluster alone. */
  private String seeds() {
    return java.util.Arrays.stream(clusterPorts).mapToObj(p -> "127.0.0.1:" + p)
        .collect(java.util.stream.Collectors.joining(","));
  }

  Path log(int i) {
    return dir.resolve("node" + (i + 1) + ".log");
  }

  int size() {
    return processes.length;
  }

  int httpPort(int i) {
    return httpPorts[i];
  }

  /** The Pekko address of member {@code i}. */
  String address(int i) {
    return "pekko://petrel@127.0.0.1:" + clusterPorts[i];
  }

  /** SIGKILL: the member vanishes without a word, as on a power cut. */
  void kill(int i) {
    processes[i].destroyForcibly();
    waitFor(i, Duration.ofSeconds(30));
  }

  /** SIGTERM: CoordinatedShutdown runs, the member leaves gracefully; waits until the process ended. */
  void stop(int i, Duration within) {
    processes[i].destroy();
    waitFor(i, within);
  }

  /** Which members' processes are running, for failure messages. */
  java.util.List<Integer> alive() {
    return java.util.stream.IntStream.range(0, size()).filter(this::alive).boxed().toList();
  }

  boolean alive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  private void waitFor(int i, Duration within) {
    try {
      if (!processes[i].waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        processes[i].destroyForcibly();
        throw new AssertionError("member " + (i + 1) + " did not end within " + within);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until member {@code i} answers /petrel/ready with 200 (failing early if its process ended). */
  void awaitReady(int i, Duration within) {
    await(within, "member " + (i + 1) + " ready (log " + log(i) + ")", () -> {
      if (!processes[i].isAlive()) {
        throw new AssertionError("member " + (i + 1) + " exited with " + processes[i].exitValue() + "; see " + log(i));
      }
      return get(i, "/petrel/ready").statusCode() == 200;
    });
  }

  /** Waits until member {@code observer} sees exactly {@code members} as Up. */
  void awaitMembers(int observer, Set<String> members, Duration within) {
    await(within, "members " + members + " seen by member " + (observer + 1), () -> {
      JsonNode view = cluster(observer);
      Set<String> up = new java.util.HashSet<>();
      view.get("members").forEach(m -> {
        if (m.get("status").asText().equals("Up")) {
          up.add(m.get("address").asText());
        }
      });
      return up.equals(members) && view.get("members").size() == members.size();
    });
  }

  /** GET /petrel/v1/cluster of member {@code i}. */
  JsonNode cluster(int i) {
    Answer reply = get(i, "/petrel/v1/cluster");
    if (reply.statusCode() != 200) {
      throw new AssertionError("cluster view of member " + (i + 1) + ": " + reply.statusCode() + " " + reply.body());
    }
    try {
      return json.readTree(reply.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The member hosting entity {@code <account>/<function>:<qualifier>}, or -1 when none does (yet). */
  int host(String entityId) {
    for (int i = 0; i < size(); i++) {
      if (!alive(i)) {
        continue;
      }
      for (JsonNode shard : cluster(i).get("local").get("shards")) {
        for (JsonNode entity : shard.get("entities")) {
          if (entity.asText().equals(entityId)) {
            return i;
          }
        }
      }
    }
    return -1;
  }

  Answer get(int i, String path) {
    try {
      HttpResponse<String> reply = http.send(TestKeys.signed(TestKeys.MAIN, "GET", URI.create("http://127.0.0.1:"
          + httpPorts[i] + path), new byte[0], java.util.Map.of(), "lambda").timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(reply.statusCode(), reply.body());
    } catch (IOException e) {
      return new Answer(0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void await(Duration within, String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + within + " waiting for " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private void killAll() {
    for (Process p : processes) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      if (alive(i)) {
        processes[i].destroy();
      }
    }
    for (int i = 0; i < size(); i++) {
      if (processes[i] != null) {
        try {
          if (!processes[i].waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            processes[i].destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * A port free now, below Linux's ephemeral range (32768 and up): members bind theirs tens of seconds later, and
   * by then an ephemeral port (a runtime's Runtime API, a client connection) could have taken one from that range.
   */
  private static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20000 + random.nextInt(12000);
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port found in 20000-31999");
  }

  /** The python runtime id the members will offer: they run on this machine and detect the same interpreters. */
  static String python() {
    return io.petrel.sharding.RuntimeCatalog.detect(java.util.Map.of()).ids().stream()
        .filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("no python3 runtime on this machine"));
  }

  /** A member's HTTP answer; status 0 when there was none at all (connection refused: the member is down). */
  record Answer(int statusCode, String body) {}
}
