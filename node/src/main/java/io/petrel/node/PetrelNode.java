package io.petrel.node;

import com.typesafe.config.Config;
import io.petrel.connectors.AsyncEvent;
import io.petrel.connectors.Connectors;
import io.petrel.gateway.AuthSettings;
import io.petrel.gateway.EventIntake;
import io.petrel.gateway.Gateway;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.EnvironmentKeyException;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.cassandra.CassandraSettings;
import io.petrel.persistence.cassandra.CassandraStore;
import io.petrel.persistence.sqlite.SqliteStore;
import io.petrel.sharding.EngineSettings;
import io.petrel.sharding.ExecutionServices;
import io.petrel.sharding.CodeCache;
import io.petrel.sharding.ConcurrencyLedger;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.MemoryBudget;
import io.petrel.sharding.ResourceLimits;
import io.petrel.sharding.Sandbox;
import io.petrel.sharding.RuntimeFiles;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.petrel.sharding.RuntimeCatalog;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Petrel node: its store (SQLite under the data dir for `petrel dev`, Cassandra for `petrel node`),
 * a Pekko cluster with Cluster Sharding (of one node in dev mode), and the gateway. {@link #stop()} (or CoordinatedShutdown, e.g. on SIGTERM) unbinds the
 * gateway first, then closes the store, so nothing half-written is left behind.
 */
public final class PetrelNode {
  private static final Logger log = LoggerFactory.getLogger(PetrelNode.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final RuntimeCatalog runtimes;
  private final boolean sandboxed;

  private PetrelNode(ActorSystem<Void> system, ServerBinding binding, RuntimeCatalog runtimes, boolean sandboxed) {
    this.system = system;
    this.binding = binding;
    this.runtimes = runtimes;
    this.sandboxed = sandboxed;
  }

  /** Whether environments run inside bubblewrap sandboxes. */
  public boolean sandboxed() {
    return sandboxed;
  }

  /** Starts a dev node from fully resolved configuration; returns once the gateway accepts connections. */
  public static PetrelNode startDev(Config config) {
    Path dataDir = Path.of(config.getString("petrel.node.data-dir")).toAbsolutePath();
    EnvironmentKey key = EnvironmentKeyConfig.configuredOrGenerated(config, dataDir);
    log.info("environment variables are encrypted at rest with key {} from {}", key.id(), key.source());
    SqliteStore store = SqliteStore.open(dataDir.resolve("petrel.db"), key);
    checkEnvironmentKey(store);
    return start(config, store, dataDir.resolve("petrel.db").toString(), false);
  }

  /**
   * Starts a cluster node: the Cassandra store of {@code petrel.cassandra} (waiting for Cassandra while it cannot
   * be reached, see {@link CassandraStore#connect}), joining the configured seed nodes, or forming a cluster of
   * its own when there are none.
   */
  public static PetrelNode startNode(Config config) {
    CassandraSettings cassandra = StoreConfig.cassandra(config);
    EnvironmentKey key = EnvironmentKeyConfig.required(config);
    log.info("environment variables are encrypted at rest with key {} from {}", key.id(), key.source());
    PetrelStore store = CassandraStore.connect(cassandra, key, StoreConfig.giveUpAfter(config));
    checkEnvironmentKey(store);
    return start(config, store, "Cassandra keyspace " + cassandra.keyspace() + " via " + cassandra.contactPoints(),
        true);
  }

  /**
   * Refuses to start with a key that does not decrypt what the store holds: such a node would fail every read of
   * those functions and write configurations the other nodes cannot read. A store that does not answer is left
   * to the readiness check.
   */
  private static void checkEnvironmentKey(PetrelStore store) {
    try {
      store.checkEnvironmentKey(100).toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof EnvironmentKeyException wrongKey) {
        store.close();
        throw new IllegalArgumentException(wrongKey.getMessage(), wrongKey);
      }
      log.warn("could not check the environment key against stored functions: {}", e.getCause().toString());
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("could not check the environment key against stored functions within 60 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      store.close();
      throw new IllegalStateException("interrupted while checking the environment key", e);
    }
  }

  private static PetrelNode start(Config config, PetrelStore store, String storeDescription, boolean cluster) {
    Path dataDir = Path.of(config.getString("petrel.node.data-dir")).toAbsolutePath();
    Config withTransport;
    AuthSettings auth;
    try {
      withTransport = ClusterTls.apply(config);
      auth = AuthSettings.from(config);
      if (auth.required() && auth.keys().isEmpty()) {
        throw new IllegalArgumentException("requests must be signed (petrel.auth.required) but no access key is"
            + " configured: add petrel.auth.keys to the configuration file, or set PETREL_ACCESS_KEY_ID and"
            + " PETREL_SECRET_ACCESS_KEY");
      }
    } catch (IllegalArgumentException e) {
      store.close();
      throw e;
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "petrel", withTransport);
    try {
      join(system, config);
      RuntimeCatalog runtimes = RuntimeCatalog.detect(configuredRuntimes(config));
      ExecutorService io = Executors.newCachedThreadPool(daemonThreads("petrel-io"));
      EngineSettings engine = EngineSettings.from(config);
      Optional<Sandbox> sandbox = Sandbox.detect();
      ResourceLimits limits = ResourceLimits.detect("petrel");
      if (sandbox.isEmpty()) {
        log.warn("NO SANDBOX: bwrap (Debian package bubblewrap) is not installed, so functions run as plain"
            + " processes that can see this machine's files. Install it: apt-get install bubblewrap");
      } else {
        log.info("sandbox: {}", sandbox.get().describe());
      }
      if (sandbox.isPresent() && engine.isolateNetwork() && sandbox.get().network().isPresent()) {
        log.info("network: {}", sandbox.get().network().get().describe());
      } else if (sandbox.isPresent()) {
        log.warn("NO NETWORK ISOLATION: environments share this machine's network and can reach its local"
            + " services (this node's gateway and cluster port, other environments' Runtime APIs, a local store). {}",
            !engine.isolateNetwork() ? "petrel.sharding.sandbox.isolate-network is off."
                : sandbox.get().userMode() != Sandbox.UserMode.SETPRIV ? "It needs a node running as root."
                : "Install pasta: apt-get install passt");
      }
      log.info("resource limits: {}", limits.describe());
      MemoryBudget memory = new MemoryBudget(engine.memoryBudgetMb());
      NodeMetrics metrics = new NodeMetrics();
      ExecutionServices services = new ExecutionServices(store, runtimes,
          new CodeCache(dataDir.resolve("code"), store, io), RuntimeFiles.install(dataDir.resolve("runtimes")),
          RuntimeFiles.emptyFolder(dataDir.resolve("environments")), io, memory,
          new ConcurrencyLedger(),
          sandbox, limits, engine, metrics.petrel().observe(memory, store));
      FunctionAlias.init(system, services);
      GatewaySettings settings = GatewaySettings.from(config);
      CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
      Connectors connectors = Connectors.start(system, config, store, FunctionAlias.invoker(system), cluster,
          Cluster.get(system).selfMember().address().hostPort());
      shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "petrel-connectors-stop", () ->
          CompletableFuture.supplyAsync(() -> {
            connectors.close();
            return Done.getInstance();
          }));
      EventIntake intake = connectors.queuesEvents() ? request -> connectors.submit(new AsyncEvent(
          request.requestId(), request.function().account(), request.function().name(), request.qualifier(),
          request.payload(), request.clientContext(), request.received().toEpochMilli())) : null;
      if (auth.required()) {
        log.info("authentication: AWS Signature Version 4 required, {} access keys of accounts {}",
            auth.keys().size(), auth.keys().values().stream().map(AuthSettings.AccessKey::account).distinct()
                .sorted().toList());
      } else {
        log.warn("AUTHENTICATION OFF: requests are not checked for signatures and all act as account {}. Fine on"
            + " your own machine; set petrel.auth.required = true (with petrel.auth.keys) before exposing the"
            + " gateway", settings.account());
      }
      ServerBinding binding = Gateway.start(system, settings, auth, store, runtimes, metrics::scrape, intake)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "petrel-stopping", () -> {
        log.info("stopping: no new connections; invocations in flight get up to {} to finish, then this node's"
            + " functions move to the other members", config.getDuration("petrel.node.drain-timeout"));
        return CompletableFuture.completedFuture(Done.getInstance());
      });
      shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "petrel-gateway-unbind", () ->
          binding.unbind().thenApply(x -> Done.getInstance()));
      shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "petrel-gateway-drain", () ->
          binding.terminate(config.getDuration("petrel.node.drain-timeout")).thenApply(x -> Done.getInstance()));
      shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "petrel-store-close", () ->
          CompletableFuture.supplyAsync(() -> {
            io.shutdownNow();
            limits.close();
            metrics.close();
            store.close();
            return Done.getInstance();
          }));
      log.info("Petrel node up: store {}, runtimes {}, {} MB for environments, cluster address {}, asynchronous"
          + " invocations queued in {}", storeDescription, runtimes.ids(), engine.memoryBudgetMb(),
          Cluster.get(system).selfMember().address(), connectors.queuesEvents() ? connectors.queueDescription()
          : "nothing (refused: no Kafka)");
      return new PetrelNode(system, binding, runtimes, sandbox.isPresent());
    } catch (Exception e) {
      system.terminate();
      store.close();
      throw new IllegalStateException("Petrel could not start: " + e.getMessage(), e);
    }
  }

  /**
   * Joins the configured seed nodes (Pekko does it on its own), forms a cluster of one without any, or runs
   * Cluster Bootstrap.
   */
  private static void join(ActorSystem<Void> system, Config config) {
    Cluster cluster = Cluster.get(system);
    boolean seeded = !config.getStringList("pekko.cluster.seed-nodes").isEmpty();
    String join = config.getString("petrel.cluster.join");
    switch (join) {
      case "seed-nodes" -> {
        if (!seeded) {
          cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
      }
      case "bootstrap" -> {
        if (seeded) {
          throw new IllegalArgumentException("petrel.cluster.join = bootstrap and seed nodes are both set; use one");
        }
        org.apache.pekko.management.javadsl.PekkoManagement.get(system.classicSystem()).start()
            .toCompletableFuture().join();
        org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap.get(system.classicSystem()).start();
        log.info("joining through Cluster Bootstrap: service {} via {} discovery",
            config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"),
            config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
      }
      default -> throw new IllegalArgumentException("petrel.cluster.join must be seed-nodes or bootstrap, not '"
          + join + "'");
    }
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  public RuntimeCatalog runtimes() {
    return runtimes;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Runs CoordinatedShutdown and waits for it. */
  public void stop() {
    try {
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason())
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Petrel did not stop cleanly: " + e.getMessage(), e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static Map<String, String> configuredRuntimes(Config config) {
    Map<String, String> out = new HashMap<>();
    if (config.hasPath("petrel.sharding.runtimes")) {
      config.getObject("petrel.sharding.runtimes").unwrapped().forEach((k, v) -> out.put(k, String.valueOf(v)));
    }
    return out;
  }
}
