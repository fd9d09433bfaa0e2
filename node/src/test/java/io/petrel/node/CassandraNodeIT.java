package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.petrel.deploy.testing.CassandraExtension;
import io.petrel.deploy.testing.Keyspace;
import io.petrel.deploy.testing.TestCassandra;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import io.petrel.persistence.cassandra.CassandraSettings;
import io.petrel.persistence.cassandra.CassandraStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * A `petrel node` on a real Cassandra, driven with the AWS SDK: what it stores is there for any other node to
 * read, and a Cassandra outage during a stream of invocations loses no invocation record that was accepted.
 */
@ExtendWith(CassandraExtension.class)
class CassandraNodeIT {
  private static final String ACCOUNT = "000000000000";

  private static TestCassandra cassandra;
  private static final String ENVIRONMENT_KEY = EnvironmentKey.generate();
  private static CassandraSettings settings;
  private static PetrelNode node;
  private static LambdaClient lambda;

  @BeforeAll
  static void start(TestCassandra server, @Keyspace String keyspace) throws Exception {
    cassandra = server;
    settings = CassandraSettings.local(server.contactPoint(), server.localDatacenter(), keyspace);
    Path dataDir = Files.createTempDirectory("petrel-cassandra-node");
    Map<String, Object> config = new HashMap<>();
    config.put("petrel.gateway.port", 0);
    config.put("petrel.node.data-dir", dataDir.toString());
    config.put("petrel.cassandra.contact-points",
        server.contactPoint().getHostString() + ":" + server.contactPoint().getPort());
    config.put("petrel.cassandra.local-datacenter", server.localDatacenter());
    config.put("petrel.cassandra.keyspace", keyspace);
    config.put("petrel.cassandra.request-timeout", "3s");
    config.put("petrel.store.environment-key", ENVIRONMENT_KEY);
    node = PetrelNode.startNode(NodeConfig.load(config));
    lambda = TestNodes.clientWithoutRetries(node.port());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void functions_versions_invocations_and_logs_are_in_cassandra_for_any_node_to_read() {
    lambda.createFunction(b -> b.functionName("kept").runtime(python()).handler("app.handler")
        .role("arn:aws:iam::000000000000:role/petrel").publish(true)
        .environment(e -> e.variables(Map.of("SECRET", "kept-secret")))
        .code(c -> c.zipFile(TestNodes.pythonZip("print('hello from', event); return {'n': event['n'] * 2}"))));
    List<String> requestIds = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int input = i;
      InvokeResponse reply = lambda.invoke(b -> b.functionName("kept:1")
          .payload(SdkBytes.fromUtf8String("{\"n\": " + input + "}")));
      assertThat(reply.payload().asUtf8String()).isEqualTo("{\"n\": " + input * 2 + "}");
      requestIds.add(reply.responseMetadata().requestId());
    }

    try (CassandraStore other = CassandraStore.connect(settings, environmentKey(), Duration.ofMinutes(1))) {
      FunctionId id = new FunctionId(ACCOUNT, "kept");
      assertThat(other.getFunction(id).toCompletableFuture().join()).hasValueSatisfying(f ->
          assertThat(f.latest().environment()).containsEntry("SECRET", "kept-secret"));
      assertThat(other.getVersion(id, 1).toCompletableFuture().join()).isPresent();
      List<InvocationRecord> records = eventually(() -> other.listInvocations(id, Instant.now().minusSeconds(600),
          100).toCompletableFuture().join(), r -> r.size() >= requestIds.size());
      assertThat(records).extracting(InvocationRecord::requestId).containsExactlyElementsOf(requestIds);
      assertThat(records).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("Success"));
      List<LogLine> logs = other.logsOf(id, requestIds.get(2)).toCompletableFuture().join();
      assertThat(logs).extracting(LogLine::message).anySatisfy(m -> assertThat(m).contains("hello from {'n': 3}"));
    }
  }

  @Test
  void a_cassandra_outage_during_a_stream_of_invocations_loses_no_accepted_record() throws Exception {
    lambda.createFunction(b -> b.functionName("steady").runtime(python()).handler("app.handler")
        .role("arn:aws:iam::000000000000:role/petrel")
        .code(c -> c.zipFile(TestNodes.pythonZip("return {'ok': True}"))));
    lambda.invoke(b -> b.functionName("steady")); // loaded on this node

    List<String> succeeded = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    Thread stream = new Thread(() -> {
      while (running.get()) {
        try {
          InvokeResponse reply = lambda.invoke(b -> b.functionName("steady"));
          if (reply.statusCode() == 200 && reply.functionError() == null) {
            succeeded.add(reply.responseMetadata().requestId());
          }
        } catch (LambdaException e) {
          failed.add(e.statusCode() + " " + e.awsErrorDetails().errorCode() + ": " + e.getMessage());
        }
      }
    });
    stream.start();
    try {
      waitFor(() -> succeeded.size() >= 20);
      cassandra.server().stop();
      int beforeOutage = succeeded.size();

      // Functions already loaded keep running while Cassandra is away ...
      waitFor(() -> succeeded.size() >= beforeOutage + 20);
      // ... while changes answer 503 and leave nothing half-written.
      LambdaException refused = catchThrowableOfType(LambdaException.class, () -> lambda.updateFunctionConfiguration(
          b -> b.functionName("steady").description("changed during the outage")));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ServiceException");

      cassandra.server().start();
      int afterOutage = succeeded.size();
      waitFor(() -> succeeded.size() >= afterOutage + 20);
    } finally {
      running.set(false);
      stream.join(30_000);
    }
    assertThat(failed).as("invocations that failed").isEmpty();
    // The node reconnects on its own; until it has, reads answer 503 too.
    String description = eventually(() -> {
      try {
        return lambda.getFunctionConfiguration(b -> b.functionName("steady")).description();
      } catch (LambdaException e) {
        assertThat(e.statusCode()).isEqualTo(503);
        return null;
      }
    }, d -> d != null);
    assertThat(description).isEmpty();

    try (CassandraStore reader = CassandraStore.connect(settings, environmentKey(), Duration.ofMinutes(1))) {
      FunctionId id = new FunctionId(ACCOUNT, "steady");
      Set<String> expected = Set.copyOf(succeeded);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Set<String> stored;
      do {
        stored = reader.listInvocations(id, Instant.now().minusSeconds(900), 100_000).toCompletableFuture().join()
            .stream().map(InvocationRecord::requestId).collect(Collectors.toSet());
        if (stored.containsAll(expected)) {
          break;
        }
        Thread.sleep(500);
      } while (System.nanoTime() < deadline);
      assertThat(stored).as("stored invocation records").containsAll(expected);
    }
  }

  /** The node's key, as another node of its cluster has it. */
  private static EnvironmentKey environmentKey() {
    return EnvironmentKey.fromBase64("the test's key", ENVIRONMENT_KEY, List.of());
  }

  /** A Python runtime this machine has. */
  private static String python() {
    return node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("no python3 runtime on this machine"));
  }

  /** Reads until {@code done} holds (records are written in batches, shortly after the invocation). */
  private static <T> T eventually(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    T value = read.get();
    while (!done.test(value) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      value = read.get();
    }
    return value;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 120 s");
      }
      Thread.sleep(20);
    }
  }
}
