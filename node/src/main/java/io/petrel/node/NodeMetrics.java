package io.petrel.node;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.petrel.sharding.PetrelMetrics;

/**
 * A node's Prometheus registry: Petrel's meters ({@link PetrelMetrics}) and the JVM's (memory, garbage collection,
 * threads, classes, processor, uptime), rendered by {@link #scrape()} for {@code GET /metrics}. One per node, so
 * that nodes sharing a JVM (tests) keep their counts apart. {@link #close()} stops listening to the JVM.
 */
final class NodeMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final PetrelMetrics petrel = new PetrelMetrics(registry);

  NodeMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  PetrelMetrics petrel() {
    return petrel;
  }

  /** Every meter in Prometheus' text exposition format 0.0.4. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
