package io.petrel.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.Invocation;
import io.petrel.sharding.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one event-source mapping on this node: a consumer in the mapping's group (so the partitions spread over
 * every node running it), one batch at a time per partition so each partition's records reach the function in
 * order, and an offset commit only after a batch was handled or sent to the failure destination. A partition whose
 * read-ahead is full is paused: a slow function slows the reading, and memory stays bounded.
 */
final class MappingConsumer {
  private static final Logger log = LoggerFactory.getLogger(MappingConsumer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  /** What the consumer tells the store about its mapping. */
  interface Reporter {
    void report(EventSourceMapping mapping, String state, String reason, String lastProcessingResult);
  }

  private final EventSourceMapping mapping;
  private final FunctionAlias.Invoker invoker;
  private final Destinations destinations;
  private final MappingSettings settings;
  private final Reporter reporter;
  private final String clientId;
  private final String functionArn;
  private final String bootstrapServers;
  private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new HashMap<>();
  private final Map<TopicPartition, Long> waitingSince = new HashMap<>();
  private final Map<TopicPartition, CompletableFuture<Long>> running = new HashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private volatile boolean stopping;
  private volatile String lastResult = "No records processed";
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> failures;
  private Thread thread;

  MappingConsumer(EventSourceMapping mapping, FunctionAlias.Invoker invoker, Destinations destinations,
      MappingSettings settings, Reporter reporter, String clientId) {
    this.mapping = mapping;
    this.invoker = invoker;
    this.destinations = destinations;
    this.settings = settings;
    this.reporter = reporter;
    this.clientId = clientId;
    this.functionArn = "arn:aws:lambda:" + settings.region() + ":" + mapping.function().account() + ":function:"
        + mapping.function().name() + (mapping.qualifier().equals("$LATEST") ? "" : ":" + mapping.qualifier());
    this.bootstrapServers = String.join(",", mapping.bootstrapServers());
  }

  EventSourceMapping mapping() {
    return mapping;
  }

  void start() {
    thread = new Thread(this::run, "petrel-mapping-" + mapping.uuid());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops reading and lets running batches finish and commit, waiting for them at most {@link #STOP_WAIT}; a batch
   * still running then is read again by whichever consumer gets its partition next.
   */
  void stop() {
    stopping = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(STOP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    while (!stopping && !sourceReady()) {
      sleep(settings.problemRetry());
    }
    if (stopping) {
      return;
    }
    reporter.report(mapping, "Enabled", "USER_INITIATED", lastResult);
    try {
      consumer = KafkaClients.consumer(mapping.bootstrapServers(), mapping.consumerGroupId(),
          clientId + "-" + mapping.uuid(), mapping.startingPosition(), Math.max(mapping.batchSize(), 500));
      consumer.subscribe(mapping.topics(), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          finishAndCommit(partitions);
          partitions.forEach(p -> {
            buffers.remove(p);
            waitingSince.remove(p);
            paused.remove(p);
          });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          log.info("mapping {}: this node now reads {}", mapping.uuid(), partitions);
        }
      });
      while (!stopping) {
        step();
      }
    } catch (Exception e) {
      log.error("mapping {} stopped reading: {}", mapping.uuid(), e.toString(), e);
      reporter.report(mapping, "Enabled", "USER_INITIATED", "PROBLEM: " + e.getMessage());
    } finally {
      if (consumer != null) {
        try {
          finishAndCommit(new ArrayList<>(running.keySet()));
        } catch (Exception e) {
          log.warn("mapping {}: last commit failed: {}", mapping.uuid(), e.toString());
        }
        consumer.close(Duration.ofSeconds(5));
      }
      if (failures != null) {
        failures.close(Duration.ofSeconds(5));
      }
    }
  }

  /** Whether the brokers answer and every topic exists; reports the problem when not. */
  private boolean sourceReady() {
    try (Admin admin = KafkaClients.admin(mapping.bootstrapServers(), Duration.ofSeconds(10))) {
      Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
      List<String> missing = mapping.topics().stream().filter(t -> !existing.contains(t)).toList();
      if (!missing.isEmpty()) {
        reporter.report(mapping, "Enabled", "USER_INITIATED", "PROBLEM: Topic not found: "
            + String.join(", ", missing) + " on " + bootstrapServers);
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      reporter.report(mapping, "Enabled", "USER_INITIATED", "PROBLEM: Connection error. The brokers "
          + bootstrapServers + " cannot be reached: " + rootMessage(e));
      return false;
    }
  }

  private void step() {
    // Settle finished batches: commit past them.
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    running.entrySet().removeIf(e -> {
      if (!e.getValue().isDone()) {
        return false;
      }
      commits.put(e.getKey(), new OffsetAndMetadata(e.getValue().join()));
      return true;
    });
    if (!commits.isEmpty()) {
      consumer.commitAsync(commits, (done, error) -> {
        if (error != null) {
          log.warn("mapping {}: committing {} failed: {}", mapping.uuid(), done, error.toString());
        }
      });
    }
    // Start a batch on each partition that has none running and either a full batch or a window that ran out.
    long now = System.currentTimeMillis();
    for (var entry : buffers.entrySet()) {
      TopicPartition partition = entry.getKey();
      ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = entry.getValue();
      if (buffer.isEmpty() || running.containsKey(partition)) {
        continue;
      }
      boolean full = buffer.size() >= mapping.batchSize();
      boolean windowOver = now - waitingSince.getOrDefault(partition, now)
          >= mapping.maximumBatchingWindowSeconds() * 1000L;
      if (full || windowOver) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(Math.min(buffer.size(), mapping.batchSize()));
        while (!buffer.isEmpty() && batch.size() < mapping.batchSize()) {
          batch.add(buffer.poll());
        }
        waitingSince.put(partition, now);
        long next = batch.get(batch.size() - 1).offset() + 1;
        CompletableFuture<Long> settled = settle(batch).thenApply(x -> next).toCompletableFuture();
        settled.whenComplete((x, error) -> consumer.wakeup());
        running.put(partition, settled);
      }
    }
    // Backpressure: a partition with its read-ahead full is not fetched from until the function catches up.
    int limit = mapping.batchSize() * Math.max(1, settings.bufferedBatches());
    Set<TopicPartition> toPause = new HashSet<>();
    Set<TopicPartition> toResume = new HashSet<>();
    for (TopicPartition partition : consumer.assignment()) {
      int buffered = buffers.getOrDefault(partition, new ArrayDeque<>()).size();
      if (buffered >= limit && !paused.contains(partition)) {
        toPause.add(partition);
      } else if (buffered < limit && paused.contains(partition)) {
        toResume.add(partition);
      }
    }
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
      paused.addAll(toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
      paused.removeAll(toResume);
    }
    // A batch that finishes wakes the poll up (see settle), so the next one starts at once.
    org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(Duration.ofMillis(100));
    } catch (WakeupException e) {
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = buffers.computeIfAbsent(partition, p -> new ArrayDeque<>());
      if (buffer.isEmpty() && !running.containsKey(partition)) {
        waitingSince.put(partition, System.currentTimeMillis());
      }
      buffer.add(record);
    }
  }

  /** Waits for the running batches of {@code partitions} and commits past them. */
  private void finishAndCommit(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (TopicPartition partition : partitions) {
      CompletableFuture<Long> batch = running.remove(partition);
      if (batch == null) {
        continue;
      }
      try {
        commits.put(partition, new OffsetAndMetadata(batch.get(stopping ? STOP_WAIT.toMillis()
            : settings.invokeTimeout().toMillis(), TimeUnit.MILLISECONDS)));
      } catch (Exception e) {
        log.warn("mapping {}: the batch of {} did not settle; its records will be read again", mapping.uuid(),
            partition);
      }
    }
    if (!commits.isEmpty()) {
      commitSync(commits);
    }
  }

  /** A synchronous commit that a batch finishing meanwhile (which wakes the consumer up) does not cut short. */
  private void commitSync(Map<TopicPartition, OffsetAndMetadata> commits) {
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.commitSync(commits);
        return;
      } catch (WakeupException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private CompletionStage<Void> settle(List<ConsumerRecord<byte[], byte[]>> batch) {
    BatchPolicy<ConsumerRecord<byte[], byte[]>> policy = new BatchPolicy<>(this::invoke, this::sendToFailure,
        mapping.maximumRetryAttempts(), mapping.bisectBatchOnFunctionError(), settings::retryDelay);
    return policy.settle(batch);
  }

  private CompletionStage<BatchPolicy.Result> invoke(List<ConsumerRecord<byte[], byte[]>> batch) {
    Invocation invocation = new Invocation(UUID.randomUUID().toString(), KafkaBatchEvent.of(bootstrapServers, batch),
        null, false);
    return invoker.invoke(mapping.function(), mapping.qualifier(), invocation, settings.invokeTimeout())
        .handle((result, error) -> {
          if (error != null) {
            return new BatchPolicy.Failed("Petrel.NoAnswer", null);
          }
          Outcome outcome = result.outcome();
          if (outcome instanceof Outcome.Success s) {
            noteResult("OK");
            return mapping.reportBatchItemFailures() ? itemFailures(batch, s.payload()) : new BatchPolicy.Handled();
          } else if (outcome instanceof Outcome.FunctionError e) {
            noteResult("PROBLEM: Function call failed");
            return new BatchPolicy.Failed(e.errorType(), e.body());
          } else if (outcome instanceof Outcome.NotFound) {
            noteResult("PROBLEM: Function not found: " + functionArn);
            return new BatchPolicy.NotRun("function not found");
          }
          return new BatchPolicy.NotRun(outcome.getClass().getSimpleName());
        });
  }

  /**
   * A reply of {"batchItemFailures":[{"itemIdentifier":"<offset>"}]} names records the function did not handle;
   * the batch settles up to the lowest of them.
   */
  private static BatchPolicy.Result itemFailures(List<ConsumerRecord<byte[], byte[]>> batch, byte[] reply) {
    JsonNode failures;
    try {
      failures = JSON.readTree(reply).path("batchItemFailures");
    } catch (Exception e) {
      return new BatchPolicy.Handled();
    }
    if (!failures.isArray() || failures.isEmpty()) {
      return new BatchPolicy.Handled();
    }
    long lowest = Long.MAX_VALUE;
    for (JsonNode failure : failures) {
      String id = failure.path("itemIdentifier").asText("");
      try {
        lowest = Math.min(lowest, Long.parseLong(id.substring(id.lastIndexOf(':') + 1)));
      } catch (NumberFormatException e) {
        // An identifier that names no offset fails the whole batch.
        return new BatchPolicy.Failed("InvalidBatchItemFailure", reply);
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).offset() >= lowest) {
        return new BatchPolicy.PartlyHandled(i);
      }
    }
    return new BatchPolicy.Handled();
  }

  private CompletionStage<Void> sendToFailure(List<ConsumerRecord<byte[], byte[]>> batch,
      BatchPolicy.Failure failure) {
    ConsumerRecord<byte[], byte[]> first = batch.get(0);
    ConsumerRecord<byte[], byte[]> last = batch.get(batch.size() - 1);
    String where = first.topic() + "-" + first.partition() + " offsets " + first.offset() + "-" + last.offset();
    if (mapping.onFailure() == null) {
      log.warn("mapping {}: {} failed {} times and, with no OnFailure destination, is skipped", mapping.uuid(),
          where, failure.attempts());
      return CompletableFuture.completedFuture(null);
    }
    byte[] record = DestinationRecords.batchRecord(UUID.randomUUID().toString(), functionArn, mapping.uuid(),
        failure.attempts(), first.topic(), first.partition(), first.offset(), last.offset(), batch.size(),
        failure.error(), failure.body(), KafkaBatchEvent.of(bootstrapServers, batch), Instant.now());
    return deliver(record, where, 1);
  }

  private CompletionStage<Void> deliver(byte[] record, String where, int tries) {
    CompletionStage<Void> sent;
    Destination destination;
    try {
      destination = Destination.parse(mapping.onFailure());
    } catch (IllegalArgumentException e) {
      log.error("mapping {}: {} cannot go to its failure destination and is skipped: {}", mapping.uuid(), where,
          e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    if (destination instanceof Destination.KafkaTopic topic) {
      // A Kafka failure destination is a topic on the mapping's own brokers.
      synchronized (this) {
        if (failures == null) {
          failures = KafkaClients.producer(mapping.bootstrapServers(), clientId + "-" + mapping.uuid() + "-failures");
        }
      }
      sent = Destinations.produce(failures, topic.topic(), mapping.uuid(), record);
    } else {
      sent = destinations.send(mapping.onFailure(), record, mapping.uuid(),
          mapping.function().account());
    }
    return sent.exceptionallyCompose(error -> {
      log.warn("mapping {}: sending {} to {} failed (try {}): {}", mapping.uuid(), where, mapping.onFailure(), tries,
          error.toString());
      // The offsets stay uncommitted until the record is out: keep trying.
      return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(
              settings.retryDelay(tries).toMillis(), TimeUnit.MILLISECONDS))
          .thenCompose(x -> deliver(record, where, tries + 1));
    });
  }

  private void noteResult(String result) {
    if (!result.equals(lastResult)) {
      lastResult = result;
      reporter.report(mapping, "Enabled", "USER_INITIATED", result);
    }
  }

  /** Sleeps {@code d}, or less when the consumer is stopped meanwhile. */
  private void sleep(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    try {
      while (!stopping && System.nanoTime() < until) {
        Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
