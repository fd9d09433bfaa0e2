package io.petrel.gateway;

import io.petrel.gateway.internal.ApiContext;
import io.petrel.gateway.internal.Authentication;
import io.petrel.gateway.internal.ClusterStatusApi;
import io.petrel.gateway.internal.ConfigValidation;
import io.petrel.gateway.internal.ControlPlaneRoutes;
import io.petrel.gateway.internal.FunctionUrlRoutes;
import io.petrel.gateway.internal.MetricsRoute;
import io.petrel.persistence.PetrelStore;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.RuntimeCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * Starts the Lambda-compatible HTTP API of a node, with its liveness ({@code GET /petrel/health}), readiness
 * ({@code GET /petrel/ready}) and cluster view ({@code GET /petrel/v1/cluster}). The system must be a cluster
 * member (provider {@code cluster}).
 */
public final class Gateway {
  /** How long {@code GET /petrel/ready} waits for the store's ping before calling the node unready. */
  private static final Duration READY_STORE_TIMEOUT = Duration.ofSeconds(2);
  /** How long {@code GET /petrel/v1/cluster} waits for the shard regions to report. */
  private static final Duration CLUSTER_QUERY_TIMEOUT = Duration.ofSeconds(3);

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
    return start(system, settings, store, runtimes, metrics, null);
  }

  /**
   * As {@link #start(ActorSystem, GatewaySettings, PetrelStore, RuntimeCatalog, Supplier)}, also accepting Invoke
   * with InvocationType Event: each is handed to {@code intake} and answered 202 once queued. When {@code intake}
   * is null, Event invocations are refused as not available on this node.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, GatewaySettings settings,
      PetrelStore store, RuntimeCatalog runtimes, Supplier<String> metrics, EventIntake intake) {
    return start(system, settings, AuthSettings.off(), store, runtimes, metrics, intake);
  }

  /**
   * As {@link #start(ActorSystem, GatewaySettings, PetrelStore, RuntimeCatalog, Supplier, EventIntake)}, with
   * {@code auth} deciding who requests act for: when it requires signatures, every request but liveness and
   * readiness must be signed with one of its keys, and acts inside that key's account.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, GatewaySettings settings,
      AuthSettings auth, PetrelStore store, RuntimeCatalog runtimes, Supplier<String> metrics, EventIntake intake) {
    Materializer materializer = Materializer.matFromSystem(system);
    var authentication = new Authentication(auth, settings, Clock.systemUTC(), materializer);
    var codeChecks = system.dispatchers().lookup(DispatcherSelector.fromConfig("petrel.gateway.code-check-dispatcher"));
    var validation = new ConfigValidation(runtimes, ConfigValidation.architectureOf(System.getProperty("os.arch")));
    var ctx = new ApiContext(settings, store, validation, codeChecks, FunctionAlias.resolver(system),
        FunctionAlias.invoker(system), intake, Clock.systemUTC(), authentication::link);
    var clusterStatus = new ClusterStatusApi(system, store, READY_STORE_TIMEOUT, CLUSTER_QUERY_TIMEOUT);
    Map<String, Route> accounts = new ConcurrentHashMap<>();
    Function<String, Route> apiOf = account -> accounts.computeIfAbsent(account, a -> {
      Route api = new ControlPlaneRoutes(ctx.forAccount(a), clusterStatus, materializer).route();
      return metrics == null ? api : new MetricsRoute(auth.required() ? MetricsRoute.ofAccount(metrics, a) : metrics)
          .route().orElse(api);
    });
    var open = new ControlPlaneRoutes(ctx, clusterStatus, materializer).openRoute();
    var urls = new FunctionUrlRoutes(ctx, settings.urlDomain(), materializer, authentication).route();
    var route = urls.orElse(open).orElse(authentication.authenticate(apiOf, ControlPlaneRoutes::errorResponse));
    return Http.get(system).newServerAt(settings.host(), settings.port()).bind(route);
  }
}
