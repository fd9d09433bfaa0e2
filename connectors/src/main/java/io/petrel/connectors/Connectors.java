package io.petrel.connectors;

import com.typesafe.config.Config;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.QueuedEvents;
import io.petrel.sharding.FunctionAlias;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What feeds a node's functions events besides direct calls: the asynchronous-invocation queue (in the embedded
 * store for a single node, in Kafka for a cluster) with its retries and destinations, and the consumers of the
 * Kafka event-source mappings.
 */
public final class Connectors implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connectors.class);

  private final EventQueue queue;
  private final String queueDescription;
  private final Mappings mappings;
  private final KafkaProducer<byte[], byte[]> producer;

  private Connectors(EventQueue queue, String queueDescription, Mappings mappings,
      KafkaProducer<byte[], byte[]> producer) {
    this.queue = queue;
    this.queueDescription = queueDescription;
    this.mappings = mappings;
    this.producer = producer;
  }

  /**
   * Starts the queue and the mapping consumers. {@code cluster} picks the queue: Kafka (petrel.kafka) for a cluster
   * member, the store (which must then be {@link QueuedEvents}) for a single node. A cluster member without Kafka
   * has no queue: asynchronous invocations are refused there.
   */
  public static Connectors start(ActorSystem<?> system, Config config, PetrelStore store,
      FunctionAlias.Invoker invoker, boolean cluster, String nodeName) {
    List<String> kafka = Arrays.stream(config.getString("petrel.kafka.bootstrap-servers").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    AsyncSettings async = AsyncSettings.from(config);
    String clientId = "petrel-" + nodeName.replaceAll("[^a-zA-Z0-9._-]", "-");
    KafkaProducer<byte[], byte[]> producer = kafka.isEmpty() ? null : KafkaClients.producer(kafka, clientId);
    EventQueue queue;
    String description;
    if (!cluster && store instanceof QueuedEvents queued) {
      queue = new StoreEventQueue(queued, async.maxInFlight(), Clock.systemUTC());
      description = "the embedded store";
    } else if (!kafka.isEmpty()) {
      queue = new KafkaEventQueue(kafka, async, producer, clientId);
      description = "Kafka topic " + async.topic() + " on " + kafka;
    } else {
      queue = null;
      description = null;
      log.warn("no Kafka configured (petrel.kafka.bootstrap-servers): this node refuses asynchronous invocations");
    }
    EventQueue target = queue;
    Destinations destinations = new Destinations(producer, event -> target == null
        ? CompletableFuture.failedFuture(new IllegalStateException("this node has no asynchronous-invocation queue"))
        : target.submit(event));
    if (queue != null) {
      AsyncRunner runner = new AsyncRunner(invoker, store, destinations, async, Clock.systemUTC());
      queue.start(runner::run);
      log.info("asynchronous invocations queue in {}", description);
    }
    Mappings mappings = new Mappings(store, invoker, destinations, MappingSettings.from(config), clientId);
    mappings.start();
    startScheduler(system, store, destinations, ScheduleSettings.from(config));
    return new Connectors(queue, description, mappings, producer);
  }

  /**
   * The scheduler runs on one member at a time (a cluster singleton, which moves when its member leaves or is
   * lost); its claims in the store keep a tick from firing twice even while two members briefly both run it.
   */
  private static void startScheduler(ActorSystem<?> system, PetrelStore store, Destinations destinations,
      ScheduleSettings settings) {
    Behavior<Void> scheduler = Behaviors.setup(context -> {
      Scheduler running = new Scheduler(store, destinations::submit, settings, Clock.systemUTC());
      running.start();
      return Behaviors.receive(Void.class)
          .onSignal(PostStop.class, signal -> {
            running.stop();
            return Behaviors.same();
          })
          .build();
    });
    ClusterSingleton.get(system).init(SingletonActor.of(scheduler, "petrel-scheduler"));
  }

  /** Whether this node takes asynchronous invocations. */
  public boolean queuesEvents() {
    return queue != null;
  }

  /** Completes once the event is durably queued. */
  public CompletionStage<Void> submit(AsyncEvent event) {
    if (queue == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("this node has no asynchronous-invocation"
          + " queue: configure petrel.kafka.bootstrap-servers"));
    }
    return queue.submit(event);
  }

  /** Events waiting or running, as far as this node can tell. */
  public long queueDepth() {
    return queue == null ? 0 : queue.depth();
  }

  public String queueDescription() {
    return queueDescription;
  }

  /** Stops the consumers (running batches and events finish first, bounded), then the queue and the producer. */
  @Override
  public void close() {
    mappings.close();
    if (queue != null) {
      queue.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
