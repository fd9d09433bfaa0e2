package io.petrel.connectors;

import io.petrel.persistence.EventConfigStore;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.sharding.FunctionAlias;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's consumers in step with the stored mappings: every enabled mapping has a consumer here (Kafka
 * spreads each mapping's partitions over the nodes running it), a changed mapping gets a new one, a disabled or
 * deleted mapping none. Moves Creating/Enabling/Updating to Enabled and Disabling to Disabled.
 */
final class Mappings implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mappings.class);

  private final EventConfigStore store;
  private final FunctionAlias.Invoker invoker;
  private final Destinations destinations;
  private final MappingSettings settings;
  private final String clientId;
  private final Map<String, MappingConsumer> consumers = new HashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "petrel-mappings");
    t.setDaemon(true);
    return t;
  });

  Mappings(EventConfigStore store, FunctionAlias.Invoker invoker, Destinations destinations,
      MappingSettings settings, String clientId) {
    this.store = store;
    this.invoker = invoker;
    this.destinations = destinations;
    this.settings = settings;
    this.clientId = clientId;
  }

  void start() {
    long every = settings.refreshInterval().toMillis();
    timer.scheduleWithFixedDelay(this::refresh, 0, every, TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    List<EventSourceMapping> all;
    try {
      all = store.allMappings().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("reading the event-source mappings failed, keeping the consumers as they are: {}", e.toString());
      return;
    }
    Set<String> present = new HashSet<>();
    for (EventSourceMapping mapping : all) {
      present.add(mapping.uuid());
      MappingConsumer current = consumers.get(mapping.uuid());
      if (!mapping.enabled()) {
        if (current != null) {
          stop(mapping.uuid());
        }
        if (!mapping.state().equals("Disabled")) {
          report(mapping, "Disabled", "USER_INITIATED", mapping.lastProcessingResult());
        }
        continue;
      }
      if (current != null && sameConfiguration(current.mapping(), mapping)) {
        continue;
      }
      if (current != null) {
        stop(mapping.uuid());
      }
      MappingConsumer consumer = new MappingConsumer(mapping, invoker, destinations, settings, this::report, clientId);
      consumers.put(mapping.uuid(), consumer);
      consumer.start();
      log.info("mapping {}: reading {} from {} for {}", mapping.uuid(), mapping.topics(), mapping.bootstrapServers(),
          mapping.function());
    }
    for (String uuid : new HashSet<>(consumers.keySet())) {
      if (!present.contains(uuid)) {
        stop(uuid);
        log.info("mapping {} was deleted: its consumer stopped", uuid);
      }
    }
  }

  private static boolean sameConfiguration(EventSourceMapping a, EventSourceMapping b) {
    return a.withState("", null, null).equals(b.withState("", null, null));
  }

  private void stop(String uuid) {
    MappingConsumer consumer = consumers.remove(uuid);
    if (consumer != null) {
      consumer.stop();
    }
  }

  private void report(EventSourceMapping mapping, String state, String reason, String result) {
    store.updateMappingState(mapping.uuid(), state, reason, result).exceptionally(error -> {
      log.warn("mapping {}: recording state {} failed: {}", mapping.uuid(), state, error.toString());
      return null;
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumers.values().parallelStream().forEach(MappingConsumer::stop);
    consumers.clear();
  }
}
