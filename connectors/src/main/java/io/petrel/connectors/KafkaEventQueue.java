package io.petrel.connectors;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of a cluster: one Kafka topic, keyed by function qualifier so each function's events share a
 * partition. Every node consumes in one group, so the partitions (and the events) spread over the nodes and move
 * to the others when a node goes. Offsets are committed only below the oldest event still running, so an event
 * that was queued or running on a node that died runs again elsewhere: at least once.
 */
final class KafkaEventQueue implements EventQueue {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventQueue.class);

  private record Done(TopicPartition partition, long offset, int generation) {}

  private final List<String> bootstrapServers;
  private final AsyncSettings settings;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String clientId;
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
  private final OffsetTracker<TopicPartition> offsets = new OffsetTracker<>();
  /** Bumped when a partition is revoked, so that late results of its old records are not taken for new ones. */
  private final Map<TopicPartition, Integer> generations = new java.util.HashMap<>();
  /** Offsets sent in asynchronous commits not yet confirmed: not sent again meanwhile. */
  private final Map<TopicPartition, Long> requested = new java.util.HashMap<>();
  private volatile boolean closed;
  private volatile int running;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread loop;

  /** Creates the topic when it does not exist yet; fails when the brokers cannot be reached. */
  KafkaEventQueue(List<String> bootstrapServers, AsyncSettings settings, KafkaProducer<byte[], byte[]> producer,
      String clientId) {
    this.bootstrapServers = bootstrapServers;
    this.settings = settings;
    this.producer = producer;
    this.clientId = clientId;
    createTopic();
  }

  private void createTopic() {
    try (Admin admin = KafkaClients.admin(bootstrapServers, Duration.ofSeconds(30))) {
      admin.createTopics(List.of(new NewTopic(settings.topic(), settings.topicPartitions(),
          settings.topicReplication()))).all().get(60, TimeUnit.SECONDS);
      log.info("created the asynchronous-invocation topic {} ({} partitions)", settings.topic(),
          settings.topicPartitions());
      awaitLeaders(admin);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create Kafka topic " + settings.topic() + " on " + bootstrapServers
            + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + ": " + e, e);
    }
  }

  /** A topic just created has partitions without a leader for a moment; the first events wait for them. */
  private void awaitLeaders(Admin admin) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var description = admin.describeTopics(List.of(settings.topic())).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(settings.topic());
      if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        return;
      }
      Thread.sleep(100);
    }
    log.warn("topic {} still has partitions without a leader; events wait until they have one", settings.topic());
  }

  @Override
  public CompletionStage<Void> submit(AsyncEvent event) {
    return Destinations.produce(producer, settings.topic(), event.queueKey(), event.encode());
  }

  @Override
  public void start(Function<AsyncEvent, CompletionStage<Void>> runner) {
    consumer = KafkaClients.consumer(bootstrapServers, settings.consumerGroup(), clientId + "-async", "TRIM_HORIZON",
        Math.max(1, Math.min(500, settings.maxInFlight())));
    loop = new Thread(() -> consume(runner), "petrel-async-kafka");
    loop.setDaemon(true);
    loop.start();
  }

  /**
   * Polls records into {@code waiting} and starts them while fewer than {@code maxInFlight} run; while any wait,
   * every partition is paused, so a node holds at most one poll's worth of records it has not started.
   */
  private void consume(Function<AsyncEvent, CompletionStage<Void>> runner) {
    Set<TopicPartition> paused = new HashSet<>();
    java.util.ArrayDeque<ConsumerRecord<byte[], byte[]>> waiting = new java.util.ArrayDeque<>();
    try {
      consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
          settle();
          commit(true);
          partitions.forEach(p -> {
            offsets.forget(p);
            generations.merge(p, 1, Integer::sum);
          });
          paused.removeAll(partitions);
          // not started here, so not committed: the partition's next owner reads them again
          waiting.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
          log.info("asynchronous events: this node now runs partitions {}", partitions);
        }
      });
      while (!closed) {
        settle();
        commit(false);
        while (!waiting.isEmpty() && offsets.runningTotal() < settings.maxInFlight()) {
          start(waiting.poll(), runner);
        }
        if (!waiting.isEmpty() || offsets.runningTotal() >= settings.maxInFlight()) {
          Set<TopicPartition> all = consumer.assignment();
          consumer.pause(all);
          paused.addAll(all);
        } else if (!paused.isEmpty()) {
          consumer.resume(paused);
          paused.clear();
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          waiting.add(record);
        }
        running = offsets.runningTotal();
      }
    } catch (WakeupException e) {
      // closing
    } catch (Exception e) {
      log.error("the asynchronous-event consumer stopped: {}", e.toString(), e);
    } finally {
      try {
        settle();
        commit(true);
      } catch (Exception e) {
        log.warn("committing the last offsets failed: {}", e.toString());
      }
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void start(ConsumerRecord<byte[], byte[]> record, Function<AsyncEvent, CompletionStage<Void>> runner) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    offsets.started(partition, record.offset());
    int generation = generations.getOrDefault(partition, 0);
    CompletionStage<Void> finished;
    try {
      finished = runner.apply(AsyncEvent.decode(record.value()));
    } catch (RuntimeException e) {
      log.error("record {} of {} is not an event and is skipped: {}", record.offset(), partition, e.toString());
      finished = java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    finished.whenComplete((x, error) -> done.add(new Done(partition, record.offset(), generation)));
  }


  private void settle() {
    for (Done d; (d = done.poll()) != null; ) {
      if (d.generation() == generations.getOrDefault(d.partition(), 0)) {
        offsets.finished(d.partition(), d.offset());
      }
    }
  }

  private void commit(boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> commits = new java.util.HashMap<>();
    for (TopicPartition partition : offsets.partitions()) {
      offsets.committable(partition).ifPresent(o -> {
        if (sync || !Long.valueOf(o).equals(requested.get(partition))) {
          commits.put(partition, new OffsetAndMetadata(o));
        }
      });
    }
    if (commits.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(commits);
      commits.forEach((p, o) -> offsets.markCommitted(p, o.offset()));
    } else {
      // The callback runs on this thread, inside a later poll.
      commits.forEach((p, o) -> requested.put(p, o.offset()));
      consumer.commitAsync(commits, (committed, error) -> {
        committed.keySet().forEach(requested::remove);
        if (error == null) {
          committed.forEach((p, o) -> offsets.markCommitted(p, o.offset()));
        } else {
          log.debug("an offset commit failed; the next one covers it: {}", error.toString());
        }
      });
    }
  }

  @Override
  public long depth() {
    return running;
  }

  @Override
  public void close() {
    closed = true;
    if (loop != null) {
      consumer.wakeup();
      try {
        loop.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
