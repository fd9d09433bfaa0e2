package io.petrel.deploy;

import io.petrel.deploy.internal.Ports;
import io.petrel.deploy.internal.ServerPids;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The command behind {@code deploy/servers}: starts, stops and shows local Cassandra and Kafka servers that keep
 * running after it exits. Node N of a kind lives in {@code DIR/<kind>/nodeN} and listens on 127.0.0.N on the
 * standard ports (Cassandra 9042, storage 7000, JMX 7199+N-1; Kafka 9092, controller 9093):
 *
 * <pre>
 *   servers start  [cassandra|kafka|all] [--dir DIR] [--nodes N]   returns once every node is ready
 *   servers stop   [cassandra|kafka|all] [--dir DIR]               SIGTERM, SIGKILL after 30 s
 *   servers status [cassandra|kafka|all] [--dir DIR]
 * </pre>
 *
 * A new Cassandra ring starts one node after the other, the seed (node 1) first, the others without
 * bootstrapping; an existing ring restarts all at once (a node coming back looks for its peers, for 30 s if none
 * answers). Kafka nodes, all voters of one quorum, start together since none is ready before a majority.
 * A directory keeps the number of nodes it was first started with; later starts may leave out --nodes.
 */
public final class Servers {
  static final String USAGE = """
      usage: servers start|stop|status [cassandra|kafka|all] [--dir DIR] [--nodes N]
        --dir DIR   where the servers keep their data and logs (default .petrel/servers)
        --nodes N   start N nodes of each, on 127.0.0.1 to 127.0.0.N (default: as DIR was first started, or 1)""";
  private static final int MAX_NODES = 9;

  private enum Kind {
    CASSANDRA(LocalCassandra.PID_FILE, 9042),
    KAFKA(LocalKafka.PID_FILE, 9092);

    final String pidFile;
    final int clientPort;

    Kind(String pidFile, int clientPort) {
      this.pidFile = pidFile;
      this.clientPort = clientPort;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Node {@code index} of a kind: its dir, address and pid file. */
  private record Node(Kind kind, int index, Path dir) {
    String host() {
      return "127.0.0." + index;
    }

    InetSocketAddress clientAddress() {
      return new InetSocketAddress(host(), kind.clientPort);
    }

    String label() {
      return kind.label() + " node" + index;
    }

    Optional<ProcessHandle> running() {
      return ServerPids.running(dir.resolve(kind.pidFile), dir);
    }
  }

  private final PrintStream out;
  private final Path dir;
  private final List<Kind> kinds;

  private Servers(PrintStream out, Path dir, List<Kind> kinds) {
    this.out = out;
    this.dir = dir;
    this.kinds = kinds;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the exit status (0 done, 1 a server failed, 2 bad usage). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      (args.length == 0 ? err : out).println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    List<Kind> kinds = List.of(Kind.values());
    Path dir = Path.of(System.getProperty("petrel.servers.dir", ".petrel/servers"));
    Integer nodes = null; // the count the dir was first started with, or 1
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if ((arg.equals("--dir") || arg.equals("--nodes")) && i + 1 == args.length) {
        return usage(err, arg + " needs a value");
      }
      switch (arg) {
        case "cassandra" -> kinds = List.of(Kind.CASSANDRA);
        case "kafka" -> kinds = List.of(Kind.KAFKA);
        case "all" -> kinds = List.of(Kind.values());
        case "--dir" -> dir = Path.of(args[++i]);
        case "--nodes" -> {
          String value = args[++i];
          if (!value.matches("[1-9]")) {
            return usage(err, "--nodes must be 1 to " + MAX_NODES + ", was " + value);
          }
          nodes = Integer.valueOf(value);
        }
        default -> {
          return usage(err, "unknown argument: " + arg);
        }
      }
    }
    Servers servers = new Servers(out, dir.toAbsolutePath().normalize(), kinds);
    try {
      return switch (command) {
        case "start" -> servers.start(nodes, err);
        case "stop" -> servers.stop();
        case "status" -> servers.status();
        default -> usage(err, "unknown command: " + command);
      };
    } catch (IllegalStateException | UncheckedIOException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println(problem);
    err.println(USAGE);
    return 2;
  }

  private int start(Integer requestedNodes, PrintStream err) {
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    kinds.forEach(kind -> counts.put(kind, nodeCount(kind, requestedNodes)));
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (Kind kind : kinds) {
        int nodes = counts.get(kind);
        List<Node> all = IntStream.rangeClosed(1, nodes).mapToObj(i -> node(kind, i)).toList();
        if (kind == Kind.CASSANDRA && !all.stream().allMatch(n -> Files.isDirectory(n.dir().resolve("data")))) {
          starts.add(CompletableFuture.runAsync(
              () -> all.forEach(n -> startNode(n, () -> cassandra(n).start().pid())), threads));
        } else if (kind == Kind.CASSANDRA) {
          for (Node n : all) {
            starts.add(CompletableFuture.runAsync(() -> startNode(n, () -> cassandra(n).start().pid()), threads));
          }
        } else {
          String clusterId = kafkaClusterId();
          for (Node n : all) {
            starts.add(CompletableFuture.runAsync(
                () -> startNode(n, () -> kafka(n, nodes, clusterId).start().pid()), threads));
          }
        }
      }
      int status = 0;
      for (CompletableFuture<Void> start : starts) {
        try {
          start.join();
        } catch (CompletionException e) {
          err.println(e.getCause().getMessage());
          status = 1;
        }
      }
      return status;
    } finally {
      threads.shutdown();
    }
  }

  /**
   * The number of nodes to start: a dir keeps the count it was first started with (Kafka's voters are fixed, and
   * a ring would not shrink), so {@code requested} (null when not given) may only confirm it.
   */
  private int nodeCount(Kind kind, Integer requested) {
    Path file = dir.resolve(kind.label()).resolve("nodes");
    try {
      if (Files.exists(file)) {
        int first = Integer.parseInt(Files.readString(file).trim());
        if (requested != null && first != requested) {
          throw new IllegalStateException(dir.resolve(kind.label()) + " holds a " + first + "-node " + kind.label()
              + ": stop it and delete that directory (or use another --dir) to start " + requested + " nodes");
        }
        return first;
      }
      int nodes = requested == null ? 1 : requested;
      Files.createDirectories(file.getParent());
      Files.writeString(file, nodes + "\n");
      return nodes;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("Could not read or write " + file + ": " + e.getMessage(), e);
    }
  }

  private void startNode(Node node, Supplier<OptionalLong> start) {
    Optional<ProcessHandle> running = node.running();
    if (running.isPresent()) {
      print(node, "already running (pid " + running.get().pid() + ")");
      return;
    }
    long began = System.nanoTime();
    long pid = start.get().orElse(-1);
    print(node, String.format(Locale.ROOT, "ready in %.1f s (pid %d)", (System.nanoTime() - began) / 1e9, pid));
  }

  private LocalCassandra cassandra(Node node) {
    return LocalCassandra.builder()
        .dataDir(node.dir())
        .host(node.host())
        .jmxPort(7199 + node.index() - 1)
        .seeds(List.of(node(Kind.CASSANDRA, 1).host() + ":7000"))
        .autoBootstrap(node.index() == 1)
        .stopOnExit(false)
        .build();
  }

  private LocalKafka kafka(Node node, int nodes, String clusterId) {
    List<String> voters = IntStream.rangeClosed(1, nodes)
        .mapToObj(i -> i + "@" + node(Kind.KAFKA, i).host() + ":9093")
        .toList();
    return LocalKafka.builder()
        .dataDir(node.dir())
        .host(node.host())
        .nodeId(node.index())
        .voters(voters)
        .clusterId(clusterId)
        .stopOnExit(false)
        .build();
  }

  /** The cluster id every Kafka node of this dir is formatted with, chosen on the first start. */
  private String kafkaClusterId() {
    Path file = dir.resolve("kafka/cluster.id");
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      String id = LocalKafka.randomClusterId();
      Files.createDirectories(file.getParent());
      Files.writeString(file, id + "\n");
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read or write " + file, e);
    }
  }

  private int stop() {
    Map<Node, ProcessHandle> stopping = new LinkedHashMap<>();
    for (Kind kind : kinds) {
      List<Node> nodes = existingNodes(kind);
      if (nodes.isEmpty()) {
        out.println(kind.label() + ": nothing in " + dir.resolve(kind.label()));
      }
      for (Node node : nodes) {
        Optional<ProcessHandle> running = node.running();
        if (running.isPresent()) {
          running.get().destroy();
          stopping.put(node, running.get());
        } else {
          print(node, "was not running");
        }
      }
    }
    long began = System.nanoTime();
    ExecutorService threads = Executors.newCachedThreadPool();
    List<CompletableFuture<Void>> waits = stopping.entrySet().stream()
        .map(e -> CompletableFuture.runAsync(() -> {
          Node node = e.getKey();
          ProcessHandle process = e.getValue();
          boolean clean = ServerPids.awaitExit(process, ServerPids.STOP_GRACE);
          if (!clean) {
            ServerPids.kill(process);
          }
          ServerPids.delete(node.dir().resolve(node.kind().pidFile), process.pid());
          print(node, String.format(Locale.ROOT, "%s (pid %d) after %.1f s", clean ? "stopped" : "killed",
              process.pid(), (System.nanoTime() - began) / 1e9));
        }, threads))
        .toList();
    waits.forEach(CompletableFuture::join);
    threads.shutdown();
    return 0;
  }

  private int status() {
    for (Kind kind : kinds) {
      List<Node> nodes = existingNodes(kind);
      if (nodes.isEmpty()) {
        out.println(kind.label() + ": nothing in " + dir.resolve(kind.label()));
      }
      for (Node node : nodes) {
        String state = node.running()
            .map(p -> "running (pid " + p.pid() + "), "
                + (Ports.accepts(node.clientAddress(), Duration.ofSeconds(1)) ? "answering" : "NOT answering"))
            .orElse("stopped");
        print(node, state);
      }
    }
    return 0;
  }

  private synchronized void print(Node node, String state) {
    out.printf(Locale.ROOT, "%-15s %-15s %-34s %s%n",
        node.label(), node.host() + ":" + node.kind().clientPort, state, node.dir());
  }

  private Node node(Kind kind, int index) {
    return new Node(kind, index, dir.resolve(kind.label()).resolve("node" + index));
  }

  /** The nodes this dir holds (those with a dir), in order. */
  private List<Node> existingNodes(Kind kind) {
    Path kindDir = dir.resolve(kind.label());
    if (!Files.isDirectory(kindDir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(kindDir)) {
      return dirs.map(d -> d.getFileName().toString())
          .filter(name -> name.matches("node[1-9]"))
          .map(name -> node(kind, Integer.parseInt(name.substring(4))))
          .sorted(Comparator.comparingInt(Node::index))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + kindDir, e);
    }
  }
}
