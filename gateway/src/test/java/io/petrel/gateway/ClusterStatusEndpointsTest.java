package io.petrel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.sqlite.SqliteStore;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.RuntimeCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness, readiness and the cluster view over real HTTP, on a real one-node Pekko cluster (artery on a free
 * port) with the embedded store, as {@link Gateway#start} wires them. Each test starts its own node, not yet
 * joined to anything.
 */
class ClusterStatusEndpointsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private ActorSystem<Void> system;
  private SqliteStore store;
  private int port;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void startNode() throws Exception {
    Config config = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load());
    system = ActorSystem.create(Behaviors.empty(), "petrel", config);
    store = SqliteStore.open(dir.resolve("petrel.db"));
    port = Gateway.start(system, GatewaySettings.from(config).withPort(0), store, new RuntimeCatalog(Map.of()))
        .toCompletableFuture().get(10, TimeUnit.SECONDS)
        .localAddress().getPort();
  }

  @AfterEach
  void stopNode() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    store.close();
  }

  @Test
  void health_is_up_at_once_and_ready_answers_503_until_the_node_has_joined_then_200() throws Exception {
    HttpResponse<String> health = get("/petrel/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health)).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));

    HttpResponse<String> before = get("/petrel/ready");
    assertThat(before.statusCode()).isEqualTo(503);
    JsonNode unready = json(before);
    String member = unready.get("member").asText();
    assertThat(member).isNotEqualTo("Up");
    assertThat(unready.get("ready").asBoolean()).isFalse();
    assertThat(unready.get("store").asText()).isEqualTo("ok");
    assertThat(texts(unready.get("reasons"))).containsExactly("cluster member status is " + member + ", not Up");

    join();

    awaitAssert(() -> {
      HttpResponse<String> after = get("/petrel/ready");
      assertThat(after.statusCode()).as("status, body %s", after.body()).isEqualTo(200);
      assertThat(json(after)).isEqualTo(
          JSON.readTree("{\"ready\":true,\"member\":\"Up\",\"store\":\"ok\",\"reasons\":[]}"));
    });
  }

  @Test
  void ready_answers_503_naming_the_store_once_the_store_is_closed() throws Exception {
    join();
    awaitReady();

    store.close();

    HttpResponse<String> response = get("/petrel/ready");
    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = json(response);
    assertThat(body.get("ready").asBoolean()).isFalse();
    assertThat(body.get("member").asText()).isEqualTo("Up");
    assertThat(body.get("store").asText()).contains("closed");
    assertThat(texts(body.get("reasons"))).singleElement().asString()
        .isEqualTo("store: " + body.get("store").asText());
  }

  @Test
  void ready_answers_503_shutting_down_as_soon_as_coordinated_shutdown_begins_while_health_stays_up()
      throws Exception {
    join();
    awaitReady();
    // Holds the shutdown in its first phase, before the node leaves the cluster or stops serving.
    CompletableFuture<Done> released = new CompletableFuture<>();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "hold-for-test", () -> released);
    try {
      shutdown.run(CoordinatedShutdown.unknownReason());

      HttpResponse<String> ready = get("/petrel/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(texts(json(ready).get("reasons"))).containsExactly("shutting down");
      assertThat(get("/petrel/health").statusCode()).isEqualTo(200);
    } finally {
      released.complete(Done.getInstance());
    }
  }

  @Test
  void the_cluster_view_lists_this_node_as_the_up_reachable_leader_with_the_entities_it_hosts() throws Exception {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(FunctionAlias.ENTITY_KEY,
        ctx -> Behaviors.receive(FunctionAlias.Command.class).onAnyMessage(command -> Behaviors.same()).build()));
    join();
    awaitReady();
    String entityId = FunctionAlias.entityId(new FunctionId("000000000000", "fn"), "$LATEST");
    sharding.entityRefFor(FunctionAlias.ENTITY_KEY, entityId).tell(new FunctionAlias.Resolve(system.ignoreRef()));
    String self = Cluster.get(system).selfMember().address().toString();

    awaitAssert(() -> {
      HttpResponse<String> response = get("/petrel/v1/cluster");
      assertThat(response.statusCode()).as("status, body %s", response.body()).isEqualTo(200);
      JsonNode view = json(response);
      assertThat(view.get("self").asText()).isEqualTo(self);
      assertThat(view.get("leader").asText()).isEqualTo(self);
      assertThat(view.get("members")).hasSize(1);
      JsonNode member = view.get("members").get(0);
      assertThat(member.get("address").asText()).isEqualTo(self);
      assertThat(member.get("status").asText()).isEqualTo("Up");
      assertThat(member.get("reachable").asBoolean()).isTrue();
      assertThat(member.get("self").asBoolean()).isTrue();
      assertThat(texts(member.get("roles"))).contains("dc-default");

      assertThat(view.get("local").get("shards")).hasSize(1);
      JsonNode localShard = view.get("local").get("shards").get(0);
      assertThat(texts(localShard.get("entities"))).containsExactly(entityId);
      assertThat(view.get("shards")).hasSize(1);
      JsonNode node = view.get("shards").get(0);
      assertThat(node.get("node").asText()).isEqualTo(self);
      assertThat(node.get("shards")).hasSize(1);
      assertThat(node.get("shards").get(0).get("id").asText()).isEqualTo(localShard.get("id").asText());
      assertThat(node.get("shards").get(0).get("entities").asInt()).isEqualTo(1);
      assertThat(view.get("shardsFailed")).isEmpty();
    });
  }

  // ---- the node and HTTP ----

  private void join() {
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
  }

  private void awaitReady() throws Exception {
    awaitAssert(() -> assertThat(get("/petrel/ready").statusCode()).isEqualTo(200));
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/json"));
    return JSON.readTree(response.body());
  }

  private static List<String> texts(JsonNode array) {
    assertThat(array.isArray()).as("%s is an array", array).isTrue();
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @FunctionalInterface
  private interface Check {
    void run() throws Exception;
  }

  /** Repeats {@code check} until it passes; fails with its last failure once {@link #PATIENCE} has passed. */
  private static void awaitAssert(Check check) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError failure) {
        if (System.nanoTime() > deadline) {
          throw failure;
        }
        Thread.sleep(100);
      }
    }
  }
}
