package io.petrel.gateway;

import io.petrel.gateway.internal.ApiContext;
import io.petrel.gateway.internal.ConfigValidation;
import io.petrel.gateway.internal.ControlPlaneRoutes;
import io.petrel.gateway.internal.MetricsRoute;
import io.petrel.persistence.PetrelStore;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.RuntimeCatalog;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;

/** Starts the Lambda-compatible HTTP API of a node. */
public final class Gateway {
  private Gateway() {}

  /** Binds the API on the configured host and port; completes once it accepts connections. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, GatewaySettings settings,
      PetrelStore store, RuntimeCatalog runtimes) {
    return start(system, settings, store, runtimes, null);
  }

  /**
   * As {@link #start(ActorSystem, GatewaySettings, PetrelStore, RuntimeCatalog)}, also answering
   * {@code GET /metrics} with {@code metrics} (the node's meters in Prometheus' text format) when it is not null.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, GatewaySettings settings,
      PetrelStore store, RuntimeCatalog runtimes, Supplier<String> metrics) {
    var codeChecks = system.dispatchers().lookup(DispatcherSelector.fromConfig("petrel.gateway.code-check-dispatcher"));
    var validation = new ConfigValidation(runtimes, ConfigValidation.architectureOf(System.getProperty("os.arch")));
    var ctx = new ApiContext(settings, store, validation, codeChecks, FunctionAlias.resolver(system),
        FunctionAlias.invoker(system), Clock.systemUTC());
    var routes = new ControlPlaneRoutes(ctx, Materializer.matFromSystem(system));
    var route = metrics == null ? routes.route() : new MetricsRoute(metrics).route().orElse(routes.route());
    return Http.get(system).newServerAt(settings.host(), settings.port()).bind(route);
  }
}
