package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.deploy.testing.CassandraExtension;
import io.petrel.deploy.testing.Keyspace;
import io.petrel.deploy.testing.TestCassandra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * Three `petrel node` processes on one real Cassandra: any member serves any function, entities spread over the
 * members, configuration changed through one member applies to calls through another, a member leaving
 * gracefully finishes its invocations first, and a member killed with SIGKILL fails over without any call hanging.
 */
@ExtendWith(CassandraExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final String ACCOUNT = "000000000000";
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final int SPREAD = 8;
  /** The timeout of the functions in the failover stream: no call may take longer. */
  private static final int TIMEOUT_SECONDS = 10;

  private static ClusterNodes nodes;
  private static LambdaClient[] lambda;
  private static String python;

  @BeforeAll
  static void start(TestCassandra cassandra, @Keyspace String keyspace) throws Exception {
    python = ClusterNodes.python();
    Path dir = Files.createDirectories(Path.of("target", "cluster-it", keyspace)).toAbsolutePath();
    nodes = new ClusterNodes(3, dir, cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
        cassandra.localDatacenter(), keyspace, List.of(
            // a lost member is downed 5 s after the cluster settles (20 s in production), to keep the test short
            "-Dpekko.cluster.split-brain-resolver.stable-after=5s",
            "-Dpetrel.sharding.keep-alive=3m"));
    nodes.startAll();
    lambda = new LambdaClient[3];
    for (int i = 0; i < 3; i++) {
      lambda[i] = TestNodes.clientWithoutRetries(nodes.httpPort(i));
    }
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  @Order(1)
  void functions_created_through_one_member_run_through_the_others_and_spread_over_members() {
    for (int f = 0; f < SPREAD; f++) {
      create("spread-" + f, "return {'echo': event}", TIMEOUT_SECONDS);
    }
    for (int f = 0; f < SPREAD; f++) {
      for (int via : new int[] {1, 2}) {
        InvokeResponse reply = invoke(via, "spread-" + f, "{\"via\": " + via + "}");
        assertThat(reply.functionError()).isNull();
        assertThat(reply.payload().asUtf8String()).isEqualTo("{\"echo\": {\"via\": " + via + "}}");
      }
    }
    String big = "{\"blob\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}"; // 5 MB each way, across members
    for (int f = 0; f < SPREAD; f++) {
      for (int via = 0; via < 3; via++) {
        assertThat(invoke(via, "spread-" + f, big).payload().asUtf8String()).hasSize(big.length() + 10);
      }
    }
    Set<Integer> hosts = new HashSet<>();
    for (int f = 0; f < SPREAD; f++) {
      int host = nodes.host(ACCOUNT + "/spread-" + f + ":$LATEST");
      assertThat(host).as("member hosting spread-%d", f).isNotNegative();
      hosts.add(host);
    }
    assertThat(hosts).as("members hosting the %d functions' entities", SPREAD).hasSizeGreaterThan(1);
  }

  @Test
  @Order(2)
  void an_alias_moved_through_one_member_applies_at_once_to_calls_through_another() {
    lambda[0].createFunction(b -> b.functionName("routed").runtime(python).handler("app.handler").role(ROLE)
        .publish(true).code(c -> c.zipFile(TestNodes.pythonZip("return 'one'"))));
    lambda[1].updateFunctionCode(b -> b.functionName("routed").publish(true)
        .zipFile(TestNodes.pythonZip("return 'two'")));
    lambda[2].createAlias(b -> b.functionName("routed").name("live").functionVersion("1"));
    assertThat(invoke(0, "routed:live", "{}").payload().asUtf8String()).isEqualTo("\"one\"");

    for (String version : List.of("2", "1", "2")) {
      lambda[2].updateAlias(b -> b.functionName("routed").name("live").functionVersion(version));

      InvokeResponse reply = invoke(0, "routed:live", "{}");

      assertThat(reply.executedVersion()).isEqualTo(version);
      assertThat(reply.payload().asUtf8String()).isEqualTo(version.equals("1") ? "\"one\"" : "\"two\"");
    }
  }

  @Test
  @Order(4)
  void a_member_leaving_gracefully_finishes_its_invocations_before_its_functions_move() throws Exception {
    create("slow", "import time; time.sleep(4); return {'slept': event['n']}", 30);
    invoke(0, "slow", "{\"n\": 0}"); // its entity now lives somewhere
    int leaving = nodes.host(ACCOUNT + "/slow:$LATEST");
    assertThat(leaving).isNotNegative();
    // Runs after the kill: two members are left, the leaving one and the caller.
    int caller = IntStream.range(0, nodes.size()).filter(i -> nodes.alive(i) && i != leaving).findFirst()
        .orElseThrow();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<InvokeResponse>> calls = new ArrayList<>();
      for (int n = 1; n <= 4; n++) {
        String payload = "{\"n\": " + n + "}";
        calls.add(CompletableFuture.supplyAsync(() -> invoke(caller, "slow", payload), pool));
      }
      Thread.sleep(1500); // the four are running on the leaving member now

      nodes.stop(leaving, Duration.ofMinutes(2));

      for (int n = 1; n <= 4; n++) {
        InvokeResponse reply = calls.get(n - 1).get(1, TimeUnit.MINUTES);
        assertThat(reply.functionError()).isNull();
        assertThat(reply.payload().asUtf8String()).isEqualTo("{\"slept\": " + n + "}");
      }
      assertThat(invoke(caller, "slow", "{\"n\": 5}").payload().asUtf8String()).isEqualTo("{\"slept\": 5}");
      assertThat(nodes.host(ACCOUNT + "/slow:$LATEST")).isEqualTo(caller);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(3)
  void a_killed_member_fails_over_and_no_call_hangs_past_its_timeout() throws Exception {
    // Calls go through member 0 and one other; the victim is the third, and it hosts some of the functions.
    for (int f = 0; f < SPREAD; f++) {
      invoke(0, "spread-" + f, "{}");
    }
    List<String> functions = new ArrayList<>(IntStream.range(0, SPREAD).mapToObj(f -> "spread-" + f).toList());
    int victim = victimHostingAFunction(functions);
    int other = victim == 1 ? 2 : 1;
    List<String> victimsFunctions = functions.stream()
        .filter(f -> nodes.host(ACCOUNT + "/" + f + ":$LATEST") == victim).toList();

    List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int thread = t;
      pool.submit(() -> {
        for (int n = 0; running.get(); n++) {
          int via = n % 2 == 0 ? 0 : other;
          String function = functions.get((thread + n) % functions.size());
          long start = System.nanoTime();
          String failure = null;
          try {
            invoke(via, function, "{\"n\": " + n + "}");
          } catch (LambdaException e) {
            failure = e.statusCode() + " " + e.awsErrorDetails().errorCode() + ": " + e.getMessage();
          } catch (RuntimeException e) {
            failure = "no answer: " + e;
          }
          calls.add(new Call(function, start, System.nanoTime(), failure));
        }
      });
    }
    Thread.sleep(3000);
    long killedAt = System.nanoTime();
    nodes.kill(victim);
    nodes.awaitMembers(0, Set.of(nodes.address(0), nodes.address(other)), Duration.ofMinutes(2));
    long failedOverAt = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Thread.sleep(20_000);
    running.set(false);
    pool.shutdown();
    assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

    List<Call> all = new ArrayList<>(calls);
    System.out.printf("failover: %d calls, %d failed, longest %d ms, member %d hosted %s%n", all.size(),
        all.stream().filter(c -> c.failure() != null).count(),
        all.stream().mapToLong(c -> (c.end() - c.start()) / 1_000_000).max().orElse(0), victim + 1, victimsFunctions);
    assertThat(all).as("calls made").hasSizeGreaterThan(50);
    assertThat(all).as("calls that took longer than the functions' timeout")
        .noneMatch(c -> c.end() - c.start() > Duration.ofSeconds(TIMEOUT_SECONDS).toNanos());
    assertThat(all).as("failures other than a 5xx ServiceException")
        .allMatch(c -> c.failure() == null || c.failure().startsWith("50") && c.failure().contains("Service"));
    List<Call> afterFailover = all.stream().filter(c -> c.start() > failedOverAt).toList();
    assertThat(afterFailover).as("calls after the failover").hasSizeGreaterThan(20);
    assertThat(afterFailover).as("calls after the failover that failed").allMatch(c -> c.failure() == null);
    assertThat(afterFailover).as("calls after the failover to functions the killed member hosted")
        .anyMatch(c -> victimsFunctions.contains(c.function()));
    assertThat(all).as("calls before the kill that failed")
        .filteredOn(c -> c.end() < killedAt).allMatch(c -> c.failure() == null);
    for (String function : victimsFunctions) {
      assertThat(nodes.host(ACCOUNT + "/" + function + ":$LATEST")).as("member now hosting " + function)
          .isIn(0, other);
    }
  }

  private record Call(String function, long start, long end, String failure) {}

  /**
   * Member 1 or 2, whichever hosts one of {@code functions}; while neither does, more functions are added (more
   * entities, more shards: the coordinator gives new shards to the members with fewest).
   */
  private static int victimHostingAFunction(List<String> functions) {
    for (int round = 0; round < 5; round++) {
      for (String function : functions) {
        int host = nodes.host(ACCOUNT + "/" + function + ":$LATEST");
        if (host == 1 || host == 2) {
          return host;
        }
      }
      for (int f = 0; f < 4; f++) {
        String name = "extra-" + round + "-" + f;
        create(name, "return {'echo': event}", TIMEOUT_SECONDS);
        invoke(0, name, "{}");
        functions.add(name);
      }
    }
    throw new AssertionError("no function's entity landed on member 2 or 3");
  }

  private static void create(String name, String body, int timeoutSeconds) {
    lambda[0].createFunction(b -> b.functionName(name).runtime(python).handler("app.handler").role(ROLE)
        .timeout(timeoutSeconds).code(c -> c.zipFile(TestNodes.pythonZip(body))));
  }

  private static InvokeResponse invoke(int via, String function, String payload) {
    return lambda[via].invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
  }
}
