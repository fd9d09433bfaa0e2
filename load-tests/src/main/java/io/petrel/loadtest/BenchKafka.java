package io.petrel.loadtest;

import io.petrel.deploy.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka broker a benchmark uses, and the admin calls it makes there: one already running (left as it is,
 * but for the topics the benchmark created), or a {@link LocalKafka} started on free ports in a temporary dir,
 * stopped and deleted at the end, except its log after a failed run.
 */
final class BenchKafka {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<String> bootstrapServers;
  private final LocalKafka node; // null for a running one
  private final Admin admin;
  private volatile boolean stopped;

  private BenchKafka(List<String> bootstrapServers, LocalKafka node) {
    this.bootstrapServers = List.copyOf(bootstrapServers);
    this.node = node;
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
  }

  static BenchKafka running(List<String> bootstrapServers) {
    BenchKafka kafka = new BenchKafka(bootstrapServers, null);
    try {
      kafka.admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      kafka.admin.close(Duration.ZERO);
      throw new BenchmarkException("no Kafka broker answers at " + String.join(",", bootstrapServers) + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
    return kafka;
  }

  /** Starts a broker on free ports in a new temporary dir (LocalKafka's defaults: 512 MB heap, 3 partitions). */
  static BenchKafka start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("petrel-bench-kafka");
    } catch (IOException e) {
      throw new BenchmarkException("cannot create a directory for Kafka: " + e.getMessage());
    }
    // Not stopped by its own exit hook: the benchmark's cleanup stops the node reading from it first.
    LocalKafka node = LocalKafka.builder().dataDir(dir).port(0).controllerPort(0).stopOnExit(false).build();
    try {
      node.start();
    } catch (RuntimeException e) {
      node.stop();
      keepOnlyLog(node);
      throw new BenchmarkException("Kafka did not start: " + e.getMessage() + " (its log: " + node.logFile() + ")");
    }
    return new BenchKafka(List.of(node.bootstrapServers()), node);
  }

  List<String> bootstrapServers() {
    return bootstrapServers;
  }

  /** One line for the report. */
  String describe() {
    return node == null
        ? String.join(",", bootstrapServers) + ", already running"
        : "one LocalKafka broker (KRaft, 512 MB heap) started for the run at " + node.bootstrapServers()
            + ", data in " + node.dataDir() + " (deleted at the end)";
  }

  /** Creates the topic and returns once every partition has a leader, so that producing to it succeeds at once. */
  void createTopic(String topic, int partitions) {
    await(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all(), "creating topic " + topic);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!led(topic, partitions)) {
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("topic " + topic + " has partitions without a leader after "
            + TIMEOUT.toSeconds() + " s");
      }
      CountWatch.sleep(Duration.ofMillis(50));
    }
  }

  private boolean led(String topic, int partitions) {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
      return description.partitions().size() == partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException | TimeoutException e) {
      return false; // not known everywhere yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }

  void deleteTopics(Collection<String> topics) {
    if (!topics.isEmpty()) {
      await(admin.deleteTopics(topics).all(), "deleting topics " + topics);
    }
  }

  /** The end offset (the offset the next record gets) of every partition of {@code topic}. */
  Map<TopicPartition, Long> endOffsets(String topic) {
    Set<TopicPartition> partitions = await(admin.describeTopics(List.of(topic)).allTopicNames(),
        "describing topic " + topic).get(topic).partitions().stream()
        .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
    Map<TopicPartition, OffsetSpec> latest = partitions.stream()
        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        await(admin.listOffsets(latest).all(), "listing the end offsets of " + topic);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    ends.forEach((p, info) -> offsets.put(p, info.offset()));
    return offsets;
  }

  /** The offsets {@code group} committed, per partition; empty while it has committed none. */
  Map<TopicPartition, Long> committedOffsets(String group) {
    Map<TopicPartition, OffsetAndMetadata> committed = await(
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "listing the offsets of " + group);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    committed.forEach((p, o) -> {
      if (o != null) {
        offsets.put(p, o.offset());
      }
    });
    return offsets;
  }

  static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Throws when a broker the benchmark started has exited (rather than let the run wait for its timeouts). */
  void checkRunning() {
    if (node != null && !stopped && !node.isRunning()) {
      throw new BenchmarkException("Kafka exited during the run (see the end of its log, " + node.logFile() + ")");
    }
  }

  /** Closes the admin client and stops a broker the benchmark started; after a failure, keeps its log. */
  synchronized void stop(boolean failed) {
    admin.close(Duration.ofSeconds(5));
    if (node == null || stopped) {
      return;
    }
    stopped = true;
    node.stop();
    if (failed && Files.isRegularFile(node.logFile())) {
      keepOnlyLog(node);
      System.err.println("bench-events: Kafka's log kept in " + node.logFile());
    } else {
      BenchCassandra.deleteAllBut(node.dataDir(), null);
    }
  }

  private static void keepOnlyLog(LocalKafka node) {
    if (Files.isDirectory(node.dataDir())) {
      BenchCassandra.deleteAllBut(node.dataDir(), node.logFile());
    }
  }

  private static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new BenchmarkException(what + " failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw new BenchmarkException(what + " took over " + TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }
}
