package io.petrel.deploy;

import io.petrel.deploy.internal.ConfigFiles;
import io.petrel.deploy.internal.JvmCommand;
import io.petrel.deploy.internal.KafkaProperties;
import io.petrel.deploy.internal.LogbackXml;
import io.petrel.deploy.internal.Ports;
import io.petrel.deploy.internal.ServerClasspath;
import io.petrel.deploy.internal.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * A real Apache Kafka node in KRaft mode (broker and controller in one JVM), for tests and local clusters.
 * Everything it writes is under {@link #dataDir()}: conf/ (server.properties and logback.xml, rewritten on every
 * start), data/ (the log dir, formatted on the first start), logs/server.log and kafka.pid. Starting again on
 * the same dir keeps the topics, and uses the same ports: ports given as 0 are chosen once, when built.
 *
 * <p>A cluster is several nodes with distinct node ids, the same {@link Builder#voters voters} and the same
 * {@link Builder#clusterId cluster id}. They must be started concurrently: a node is ready only once a majority
 * of the voters runs.
 *
 * <p>Unless built with {@code stopOnExit(false)}, the node is stopped when this JVM exits. A node left running
 * in the same dir by an earlier JVM (one that was killed) is stopped before this one starts.
 */
public final class LocalKafka implements AutoCloseable {
  /** The file in the data dir that holds the pid of the running node's JVM. */
  public static final String PID_FILE = "kafka.pid";
  static final String READY_LINE = "Kafka Server started";
  private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(1);

  private final Builder settings;
  private final int port;
  private final int controllerPort;
  private final List<String> voters;
  private final String newClusterId;
  private volatile ServerProcess process; // null when not started by this instance; set under the lock

  private LocalKafka(Builder settings, int port, int controllerPort) {
    this.settings = settings;
    this.port = port;
    this.controllerPort = controllerPort;
    this.voters = settings.voters.isEmpty()
        ? List.of(settings.nodeId + "@" + settings.host + ":" + controllerPort)
        : settings.voters;
    this.newClusterId = settings.clusterId != null ? settings.clusterId : randomClusterId();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A new cluster id in Kafka's format (16 random bytes, URL-safe Base64), for {@link Builder#clusterId}. */
  public static String randomClusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-")); // Kafka's command-line tools would read it as an option
    return id;
  }

  /**
   * Writes the configuration, formats the log dir if this is the first start, launches the node and returns
   * once its log says it started and its port accepts connections. Does nothing if it is already running.
   *
   * @throws ServerStartException if formatting fails, the node exits, its ports are taken, or the start timeout
   *     passes
   */
  public synchronized LocalKafka start() {
    if (isRunning()) {
      return this;
    }
    Path dir = dataDir();
    Path properties = ConfigFiles.write(dir.resolve("conf/server.properties"),
        new KafkaProperties(settings.nodeId, settings.host, port, controllerPort, voters, settings.numPartitions,
            replicationFactor(), logDir()).render());
    Path logback = ConfigFiles.write(dir.resolve("conf/logback.xml"),
        LogbackXml.render(Map.of("org.apache.kafka.common.config.AbstractConfig", "WARN")));
    String classpath = ServerClasspath.of("kafka");
    List<String> options = new ArrayList<>(JvmCommand.heapOptions(settings.heap));
    options.addAll(List.of(
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=" + logback));
    ServerProcess.Spec spec = new ServerProcess.Spec(
        "Kafka " + bootstrapServers(),
        dir,
        dir.resolve(PID_FILE),
        logFile(),
        new JvmCommand(settings.java, classpath, options, "kafka.Kafka", List.of(properties.toString())),
        List.of(address(), new InetSocketAddress(settings.host, controllerPort)),
        READY_LINE,
        address(),
        settings.startTimeout,
        settings.stopOnExit);
    ServerProcess.clearTheWay(spec);
    if (clusterIdOnDisk().isEmpty()) {
      ServerProcess.runTool("Kafka storage format", new JvmCommand(settings.java, classpath, options,
              "kafka.tools.StorageTool", List.of("format", "-t", newClusterId, "-c", properties.toString())),
          dir, logFile(), FORMAT_TIMEOUT);
    }
    process = ServerProcess.start(spec);
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

  /** "host:port", what clients bootstrap from. */
  public String bootstrapServers() {
    return settings.host + ":" + port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /** The cluster id the log dir is formatted with (or will be, on the first start). */
  public String clusterId() {
    return clusterIdOnDisk().orElse(newClusterId);
  }

  public Path dataDir() {
    return settings.dataDir;
  }

  /** Where the node's output goes, appended on every start. */
  public Path logFile() {
    return dataDir().resolve("logs/server.log");
  }

  /** SIGTERM (controlled shutdown), then SIGKILL after 30 s. Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      process.stop();
      process = null;
    }
  }

  /** SIGKILL at once, as a crash would. Idempotent. */
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
    return "LocalKafka[" + bootstrapServers() + ", " + dataDir() + "]";
  }

  private InetSocketAddress address() {
    return new InetSocketAddress(settings.host, port);
  }

  private int replicationFactor() {
    return settings.replicationFactor > 0 ? settings.replicationFactor : Math.min(voters.size(), 3);
  }

  private Path logDir() {
    return dataDir().resolve("data");
  }

  private Optional<String> clusterIdOnDisk() {
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(logDir().resolve("meta.properties"))) {
      meta.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + logDir().resolve("meta.properties"), e);
    }
    return Optional.ofNullable(meta.getProperty("cluster.id"));
  }

  /** Settings of a node; {@link #dataDir} is required. */
  public static final class Builder {
    private Path dataDir;
    private String host = "127.0.0.1";
    private int port = 9092;
    private int controllerPort = 9093;
    private int nodeId = 1;
    private List<String> voters = List.of();
    private String clusterId;
    private String heap = "512m";
    private int numPartitions = 3;
    private int replicationFactor; // 0: the number of voters, up to 3
    private Duration startTimeout = Duration.ofMinutes(2);
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

    /** The client (PLAINTEXT) port; 0 picks a free one. Default 9092. */
    public Builder port(int port) {
      this.port = Ports.check("port", port);
      return this;
    }

    /** The KRaft controller port; 0 picks a free one. Default 9093. */
    public Builder controllerPort(int port) {
      this.controllerPort = Ports.check("controllerPort", port);
      return this;
    }

    /** Default 1. Unique within a cluster. */
    public Builder nodeId(int nodeId) {
      if (nodeId < 0) {
        throw new IllegalArgumentException("nodeId must not be negative, was " + nodeId);
      }
      this.nodeId = nodeId;
      return this;
    }

    /** The controller quorum as "id@host:controllerPort", the same on every node. Default: this node alone. */
    public Builder voters(List<String> voters) {
      this.voters = List.copyOf(voters);
      return this;
    }

    /** The cluster id to format a new log dir with, the same on every node. Default: a random one. */
    public Builder clusterId(String clusterId) {
      this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
      return this;
    }

    /** The maximum heap, e.g. "512m" (the default). */
    public Builder heap(String maxHeap) {
      JvmCommand.heapOptions(maxHeap);
      this.heap = maxHeap;
      return this;
    }

    /** Partitions of an automatically created topic. Default 3. */
    public Builder numPartitions(int numPartitions) {
      if (numPartitions < 1) {
        throw new IllegalArgumentException("numPartitions must be at least 1, was " + numPartitions);
      }
      this.numPartitions = numPartitions;
      return this;
    }

    /** Replicas of a topic created without a replication factor. Default: the number of voters, up to 3. */
    public Builder replicationFactor(int replicationFactor) {
      if (replicationFactor < 1) {
        throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
      }
      this.replicationFactor = replicationFactor;
      return this;
    }

    /** How long {@link LocalKafka#start()} waits for the node to be ready. Default 2 minutes. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "startTimeout");
      return this;
    }

    /** The {@code java} to run the node with. Default: this JVM's. */
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
    public LocalKafka build() {
      if (dataDir == null) {
        throw new IllegalStateException("dataDir is required");
      }
      int[] free = Ports.free(List.of(host, host));
      return new LocalKafka(copy(), port == 0 ? free[0] : port, controllerPort == 0 ? free[1] : controllerPort);
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.dataDir = dataDir;
      copy.host = host;
      copy.port = port;
      copy.controllerPort = controllerPort;
      copy.nodeId = nodeId;
      copy.voters = voters;
      copy.clusterId = clusterId;
      copy.heap = heap;
      copy.numPartitions = numPartitions;
      copy.replicationFactor = replicationFactor;
      copy.startTimeout = startTimeout;
      copy.java = java;
      copy.stopOnExit = stopOnExit;
      return copy;
    }
  }
}
