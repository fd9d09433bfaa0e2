package io.petrel.deploy;

import io.petrel.deploy.internal.CassandraYaml;
import io.petrel.deploy.internal.ConfigFiles;
import io.petrel.deploy.internal.JvmCommand;
import io.petrel.deploy.internal.LogbackXml;
import io.petrel.deploy.internal.Ports;
import io.petrel.deploy.internal.ServerClasspath;
import io.petrel.deploy.internal.ServerProcess;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A real Apache Cassandra 5.0 node in its own JVM, for tests and local clusters. Everything it writes is under
 * {@link #dataDir()}: conf/ (cassandra.yaml and logback.xml, rewritten on every start), data/, commitlog/,
 * hints/, saved_caches/, logs/system.log and cassandra.pid. Starting again on the same dir keeps the data, and
 * uses the same ports: ports given as 0 are chosen once, when the node is built.
 *
 * <pre>{@code
 * try (LocalCassandra cassandra = LocalCassandra.builder().dataDir(dir).nativePort(0).storagePort(0).jmxPort(0)
 *     .build().start()) {
 *   CqlSession session = CqlSession.builder().addContactPoint(cassandra.contactPoint())
 *       .withLocalDatacenter(cassandra.localDatacenter()).build();
 * }
 * }</pre>
 *
 * <p>Unless built with {@code stopOnExit(false)}, the node is stopped when this JVM exits. A node left running
 * in the same dir by an earlier JVM (one that was killed) is stopped before this one starts.
 */
public final class LocalCassandra implements AutoCloseable {
  /** The file in the data dir that holds the pid of the running node's JVM. */
  public static final String PID_FILE = "cassandra.pid";
  static final String READY_LINE = "Starting listening for CQL clients";
  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

  private final Builder settings;
  private final int nativePort;
  private final int storagePort;
  private final int jmxPort;
  private final List<String> seeds;
  private volatile ServerProcess process; // null when not started by this instance; set under the lock

  private LocalCassandra(Builder settings, int nativePort, int storagePort, int jmxPort) {
    this.settings = settings;
    this.nativePort = nativePort;
    this.storagePort = storagePort;
    this.jmxPort = jmxPort;
    this.seeds = settings.seeds.isEmpty() ? List.of(settings.host + ":" + storagePort) : settings.seeds;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes the configuration, launches the node and returns once its log says it listens for CQL clients and
   * its native port accepts connections. Does nothing if it is already running.
   *
   * @throws ServerStartException if the node exits, its ports are taken, or the start timeout passes
   */
  public synchronized LocalCassandra start() {
    if (isRunning()) {
      return this;
    }
    Path dir = dataDir();
    Path yaml = ConfigFiles.write(dir.resolve("conf/cassandra.yaml"),
        new CassandraYaml(settings.clusterName, settings.host, nativePort, storagePort, seeds, settings.autoBootstrap,
            dir).render());
    Path logback = ConfigFiles.write(dir.resolve("conf/logback.xml"), LogbackXml.render(Map.of()));
    List<String> options = new ArrayList<>(JvmCommand.heapOptions(settings.heap));
    options.addAll(List.of(
        "-Xss256k",
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Dcassandra.config=" + yaml.toUri(),
        "-Dcassandra-foreground=yes",
        "-Dcassandra.storagedir=" + dir,
        "-Dcassandra.triggers_dir=" + ConfigFiles.directory(dir.resolve("triggers")),
        "-Dcassandra.jmx.local.port=" + jmxPort,
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.superuser_setup_delay_ms=0",
        // Measure the memtable row overhead on 100 rows, not 100,000: 2-4 s less per start, as in Cassandra's tests.
        "-Dcassandra.memtable_row_overhead_computation_step=100",
        "-Dlogback.configurationFile=" + logback,
        "-Djava.net.preferIPv4Stack=true",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Djdk.attach.allowAttachSelf=true"));
    options.addAll(JDK17_MODULE_OPTIONS);
    JvmCommand command =
        new JvmCommand(settings.java, ServerClasspath.of("cassandra"), options, MAIN_CLASS, List.of());
    process = ServerProcess.start(new ServerProcess.Spec(
        "Cassandra " + settings.host + ":" + nativePort,
        dir,
        dir.resolve(PID_FILE),
        logFile(),
        command,
        List.of(contactPoint(), new InetSocketAddress(settings.host, storagePort),
            new InetSocketAddress("127.0.0.1", jmxPort)),
        READY_LINE,
        contactPoint(),
        settings.startTimeout,
        settings.stopOnExit));
    return this;
  }

  public boolean isRunning() {
    ServerProcess current = process;
    return current != null && current.isAlive();
  }

  /** The pid of the node's JVM while it runs. */
  public OptionalLong pid() {
    ServerProcess current = process;
    return current != null && current.isAlive() ? OptionalLong.of(current.pid()) : OptionalLong.empty();
  }

  /** The address CQL clients connect to. */
  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(settings.host, nativePort);
  }

  /** The node's datacenter, which clients name as their local one. */
  public String localDatacenter() {
    return "datacenter1";
  }

  public int storagePort() {
    return storagePort;
  }

  public int jmxPort() {
    return jmxPort;
  }

  public Path dataDir() {
    return settings.dataDir;
  }

  /** Where the node's output goes, appended on every start. */
  public Path logFile() {
    return dataDir().resolve("logs/system.log");
  }

  /** SIGTERM (Cassandra drains and flushes), then SIGKILL after 30 s. Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      process.stop();
      process = null;
    }
  }

  /** SIGKILL at once, as a crash would; the next start replays the commit log. Idempotent. */
  public synchronized void kill() {
    if (process != null) {
      process.kill();
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "LocalCassandra[" + settings.host + ":" + nativePort + ", " + dataDir() + "]";
  }

  /** Upstream's JDK 17 options (conf/jvm17-server.options). */
  private static final List<String> JDK17_MODULE_OPTIONS = moduleOptions(
      List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
          "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
          "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach"),
      List.of("java.base/java.lang.module", "java.base/jdk.internal.loader", "java.base/jdk.internal.ref",
          "java.base/jdk.internal.reflect", "java.base/jdk.internal.math", "java.base/jdk.internal.module",
          "java.base/jdk.internal.util.jar", "java.base/sun.nio.ch", "java.base/java.io",
          "java.base/java.lang.reflect", "java.base/java.lang", "java.base/java.util",
          "jdk.management/com.sun.management.internal", "jdk.compiler/com.sun.tools.javac"));

  private static List<String> moduleOptions(List<String> exports, List<String> opens) {
    List<String> options = new ArrayList<>();
    exports.forEach(p -> options.add("--add-exports=" + p + "=ALL-UNNAMED"));
    opens.forEach(p -> options.add("--add-opens=" + p + "=ALL-UNNAMED"));
    return List.copyOf(options);
  }

  /** Settings of a node; {@link #dataDir} is required. */
  public static final class Builder {
    private Path dataDir;
    private String host = "127.0.0.1";
    private int nativePort = 9042;
    private int storagePort = 7000;
    private int jmxPort = 7199;
    private List<String> seeds = List.of();
    private boolean autoBootstrap = true;
    private String clusterName = "Petrel";
    private String heap = "1g";
    private Duration startTimeout = Duration.ofMinutes(3);
    private Path java = JvmCommand.currentJava();
    private boolean stopOnExit = true;

    private Builder() {}

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir.toAbsolutePath().normalize();
      return this;
    }

    /** The address the node listens on, for clients and for other nodes. Default 127.0.0.1. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The CQL port; 0 picks a free one. Default 9042. */
    public Builder nativePort(int port) {
      this.nativePort = Ports.check("nativePort", port);
      return this;
    }

    /** The port other nodes reach this one on; 0 picks a free one. Default 7000. */
    public Builder storagePort(int port) {
      this.storagePort = Ports.check("storagePort", port);
      return this;
    }

    /** The JMX port (nodetool), on 127.0.0.1 only; 0 picks a free one. Default 7199. */
    public Builder jmxPort(int port) {
      this.jmxPort = Ports.check("jmxPort", port);
      return this;
    }

    /** The seeds as "host:storagePort". Default: this node alone. */
    public Builder seeds(List<String> seeds) {
      this.seeds = List.copyOf(seeds);
      return this;
    }

    /**
     * Whether a non-seed node streams its data from the ring when it first joins. Nodes of a fresh ring set it
     * to false and join at once. Default true, as in Cassandra.
     */
    public Builder autoBootstrap(boolean autoBootstrap) {
      this.autoBootstrap = autoBootstrap;
      return this;
    }

    /** Default "Petrel". Nodes of one ring need the same name. */
    public Builder clusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /** The maximum heap, e.g. "1g" (the default) or "768m". */
    public Builder heap(String maxHeap) {
      JvmCommand.heapOptions(maxHeap);
      this.heap = maxHeap;
      return this;
    }

    /** How long {@link LocalCassandra#start()} waits for the node to be ready. Default 3 minutes. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "startTimeout");
      return this;
    }

    /** The {@code java} to run the node with (Cassandra 5.0 runs on JDK 11 or 17). Default: this JVM's. */
    public Builder java(Path java) {
      this.java = Objects.requireNonNull(java, "java");
      return this;
    }

    /** Whether the node is stopped when this JVM exits. Default true. */
    public Builder stopOnExit(boolean stopOnExit) {
      this.stopOnExit = stopOnExit;
      return this;
    }

    /** The node, not started; ports given as 0 are chosen now. */
    public LocalCassandra build() {
      if (dataDir == null) {
        throw new IllegalStateException("dataDir is required");
      }
      int[] free = Ports.free(List.of(host, host, "127.0.0.1"));
      return new LocalCassandra(copy(), nativePort == 0 ? free[0] : nativePort,
          storagePort == 0 ? free[1] : storagePort, jmxPort == 0 ? free[2] : jmxPort);
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.dataDir = dataDir;
      copy.host = host;
      copy.nativePort = nativePort;
      copy.storagePort = storagePort;
      copy.jmxPort = jmxPort;
      copy.seeds = seeds;
      copy.autoBootstrap = autoBootstrap;
      copy.clusterName = clusterName;
      copy.heap = heap;
      copy.startTimeout = startTimeout;
      copy.java = java;
      copy.stopOnExit = stopOnExit;
      return copy;
    }
  }
}
