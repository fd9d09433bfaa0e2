package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.deploy.testing.CassandraExtension;
import io.petrel.deploy.testing.Keyspace;
import io.petrel.deploy.testing.TestCassandra;
import io.petrel.deploy.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Asynchronous invocation in a cluster: three `petrel node` processes on real Cassandra queue Event invokes in one
 * Kafka topic and run them wherever the topic's partitions are assigned; when a member is killed with SIGKILL its
 * partitions move to the others and every accepted event still reaches its destination.
 */
@ExtendWith(CassandraExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAsyncIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final int FUNCTIONS = 6;

  private static ClusterNodes nodes;
  private static LambdaClient[] lambda;
  private static String kafka;
  private static String prefix;

  @BeforeAll
  static void start(TestCassandra cassandra, @Keyspace String keyspace) throws Exception {
    kafka = TestKafka.shared().bootstrapServers();
    prefix = TestKafka.shared().newTopicPrefix("ClusterAsyncIT");
    Path dir = Files.createDirectories(Path.of("target", "cluster-async-it", keyspace)).toAbsolutePath();
    nodes = new ClusterNodes(3, dir, cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
        cassandra.localDatacenter(), keyspace, List.of(
            "-Dpekko.cluster.split-brain-resolver.stable-after=5s",
            "-Dpetrel.kafka.bootstrap-servers=" + kafka,
            "-Dpetrel.async.topic=" + prefix + "queue",
            "-Dpetrel.async.topic-partitions=6",
            "-Dpetrel.async.consumer-group=" + prefix + "group",
            "-Dpetrel.async.max-in-flight=2",
            "-Dpetrel.async.throttle-delay=200ms",
            "-Dpetrel.async.max-throttle-delay=2s",
            "-Dpetrel.schedules.minimum-interval=1s",
            "-Dpetrel.schedules.tick=100ms",
            "-Dpetrel.schedules.refresh-interval=300ms"));
    nodes.startAll();
    lambda = new LambdaClient[3];
    for (int i = 0; i < 3; i++) {
      lambda[i] = TestNodes.client(nodes.httpPort(i));
    }
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  /** Functions {@code <name>-0..FUNCTIONS-1}, each sending its results to {@code kafka://<done>}. */
  private static void createFunctions(String name, String body, String done) {
    for (int f = 0; f < FUNCTIONS; f++) {
      String function = name + "-" + f;
      lambda[0].createFunction(b -> b.functionName(function).runtime(ClusterNodes.python()).handler("app.handler")
          .role(ROLE).timeout(10).code(c -> c.zipFile(TestNodes.pythonZip(body))));
      lambda[0].putFunctionEventInvokeConfig(b -> b.functionName(function)
          .destinationConfig(d -> d.onSuccess(s -> s.destination("kafka://" + done))));
    }
  }

  /** Sends events {@code 0..count-1} spread over the functions and the given members; all must answer 202. */
  private static void sendEvents(String name, int count, int... via) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(6);
    List<Future<Integer>> statuses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int id = i;
      LambdaClient client = lambda[via[i % via.length]];
      statuses.add(clients.submit(() -> client.invoke(b -> b.functionName(name + "-" + (id % FUNCTIONS))
          .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("{\"id\":" + id + "}")))
          .statusCode()));
    }
    for (Future<Integer> status : statuses) {
      assertThat(status.get()).isEqualTo(202);
    }
    clients.shutdown();
  }

  @Test
  @Order(0)
  void a_rule_fires_each_tick_once_across_the_cluster() throws Exception {
    String ticks = prefix + "ticks";
    TestTopics.create(kafka, ticks, 1);
    lambda[0].createFunction(b -> b.functionName("ticker").runtime(ClusterNodes.python()).handler("app.handler")
        .role(ROLE).timeout(10).code(c -> c.zipFile(TestNodes.pythonZip("return {'time': event['time']}"))));
    lambda[1].putFunctionEventInvokeConfig(b -> b.functionName("ticker")
        .destinationConfig(d -> d.onSuccess(s -> s.destination("kafka://" + ticks))));
    EventBridgeClient[] events = new EventBridgeClient[3];
    for (int i = 0; i < 3; i++) {
      events[i] = TestNodes.eventBridge(nodes.httpPort(i));
    }
    events[0].putRule(b -> b.name("cluster-tick").scheduleExpression("rate(1 second)"));
    events[1].putTargets(b -> b.rule("cluster-tick").targets(t -> t.id("ticker")
        .arn("arn:aws:lambda:us-east-1:000000000000:function:ticker")));
    Thread.sleep(8_000);
    events[2].disableRule(b -> b.name("cluster-tick"));
    Thread.sleep(2_000);

    List<JsonNode> fired = TestTopics.readJson(kafka, ticks, read -> false, Duration.ofSeconds(5));
    List<String> times = fired.stream().map(r -> r.path("responsePayload").path("time").asText()).toList();
    assertThat(times).as("ticks in 8 s").hasSizeBetween(5, 10);
    assertThat(times).as("each tick fired once").doesNotHaveDuplicates();
  }

  @Test
  @Order(1)
  void a_thousand_events_sent_through_every_member_all_run() throws Exception {
    String done = prefix + "echo-done";
    TestTopics.create(kafka, done, 3);
    createFunctions("echo", "return {'id': event['id']}", done);
    sendEvents("echo", 1000, 0, 1, 2);

    assertEveryEventArrives(done, 1000, Duration.ofMinutes(5));
  }

  @Test
  @Order(2)
  void events_queued_and_running_when_a_member_is_killed_all_run_on_the_others() throws Exception {
    String done = prefix + "steady-done";
    TestTopics.create(kafka, done, 3);
    createFunctions("steady", "import time; time.sleep(0.2); return {'id': event['id']}", done);
    int events = 600;
    sendEvents("steady", events, 0, 1, 2);
    List<JsonNode> before = TestTopics.readJson(kafka, done, read -> read.size() >= 50, Duration.ofMinutes(1));
    assertThat(ids(before)).as("some ran before the kill, and not all").hasSizeGreaterThanOrEqualTo(50)
        .hasSizeLessThan(events);
    nodes.kill(2);

    assertEveryEventArrives(done, events, Duration.ofMinutes(6));
  }

  /** Events 0..count-1 all reach {@code topic} within {@code timeout} (some perhaps more than once). */
  private static void assertEveryEventArrives(String topic, int count, Duration timeout) throws Exception {
    long started = System.nanoTime();
    List<JsonNode> records = TestTopics.readJson(kafka, topic, read -> ids(read).size() >= count, timeout);
    Set<Integer> missing = IntStream.range(0, count).boxed().collect(Collectors.toCollection(java.util.TreeSet::new));
    missing.removeAll(ids(records));
    assertThat(missing).as("events that never reached %s (%d of %d arrived in %d s; members alive: %s)", topic,
        ids(records).size(), count, (System.nanoTime() - started) / 1_000_000_000L, nodes.alive()).isEmpty();
  }

  private static Set<Integer> ids(List<JsonNode> records) {
    return records.stream().map(r -> r.path("responsePayload").path("id").asInt(-1)).collect(Collectors.toSet());
  }
}
