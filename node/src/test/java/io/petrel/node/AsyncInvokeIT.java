package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.deploy.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Asynchronous invocation end to end on a dev node: Event invokes from the AWS SDK answer 202, run from the
 * node's queue, and their results reach Kafka topics through OnSuccess and OnFailure destinations on a real Kafka.
 */
class AsyncInvokeIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final String ECHO = """
      def handler(event, context):
          return {'id': event['id'], 'seen': True}
      """;
  private static final String FAILING = """
      def handler(event, context):
          raise Exception('always fails: ' + str(event['id']))
      """;

  private static PetrelNode node;
  private static LambdaClient lambda;
  private static String kafka;
  private static String prefix;
  private static String python;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.shared().bootstrapServers();
    prefix = TestKafka.shared().newTopicPrefix("AsyncInvokeIT");
    node = TestNodes.start(Files.createTempDirectory("petrel-async-it"), Map.of(
        "petrel.kafka.bootstrap-servers", kafka,
        "petrel.async.retry-delay", "200ms",
        "petrel.async.throttle-delay", "100ms"));
    lambda = TestNodes.client(node.port());
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  private static void createFunction(String name, String code) {
    lambda.createFunction(b -> b.functionName(name).runtime(python).handler("app.handler").role(ROLE).timeout(10)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", code)))));
  }

  private static int invokeEvent(String name, String payload) {
    return lambda.invoke(b -> b.functionName(name).invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromString(payload, StandardCharsets.UTF_8))).statusCode();
  }

  @Test
  void a_thousand_events_all_reach_the_on_success_topic() throws Exception {
    String done = prefix + "echo-done";
    TestTopics.create(kafka, done, 3);
    createFunction("echo", ECHO);
    lambda.putFunctionEventInvokeConfig(b -> b.functionName("echo")
        .destinationConfig(d -> d.onSuccess(s -> s.destination("kafka://" + done))));

    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<Integer>> statuses = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String payload = "{\"id\":" + i + "}";
      statuses.add(clients.submit(() -> invokeEvent("echo", payload)));
    }
    for (Future<Integer> status : statuses) {
      assertThat(status.get()).isEqualTo(202);
    }
    clients.shutdown();

    List<JsonNode> records = TestTopics.readJson(kafka, done, read -> ids(read).size() >= 1000,
        Duration.ofMinutes(3));
    assertThat(ids(records)).hasSize(1000);
    JsonNode first = records.get(0);
    assertThat(first.path("version").asText()).isEqualTo("1.0");
    assertThat(first.path("requestContext").path("condition").asText()).isEqualTo("Success");
    assertThat(first.path("requestContext").path("functionArn").asText())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST");
    assertThat(first.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(1);
    assertThat(first.path("responsePayload").path("id")).isEqualTo(first.path("requestPayload").path("id"));
    assertThat(first.path("responsePayload").path("seen").asBoolean()).isTrue();
    assertThat(first.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
  }

  @Test
  void a_failing_function_sends_each_event_to_on_failure_after_one_plus_maximum_retry_attempts() throws Exception {
    String failed = prefix + "failing-failed";
    TestTopics.create(kafka, failed, 1);
    createFunction("failing", FAILING);
    lambda.putFunctionEventInvokeConfig(b -> b.functionName("failing").maximumRetryAttempts(1)
        .destinationConfig(d -> d.onFailure(s -> s.destination("kafka://" + failed))));
    for (int i = 0; i < 3; i++) {
      assertThat(invokeEvent("failing", "{\"id\":" + i + "}")).isEqualTo(202);
    }

    List<JsonNode> records = TestTopics.readJson(kafka, failed, read -> read.size() >= 3, Duration.ofMinutes(2));
    assertThat(ids(records)).containsExactlyInAnyOrder(0, 1, 2);
    for (JsonNode record : records) {
      assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
      assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
      assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
      assertThat(record.path("responsePayload").path("errorMessage").asText()).startsWith("always fails");
    }
    // Each event ran exactly twice: the invocation records say so once they are all written.
    Map<String, Long> attempts = TestNodes.awaitInvocations(node.port(), "failing", 6, Duration.ofSeconds(30));
    assertThat(attempts.values()).containsOnly(2L);
    assertThat(attempts).hasSize(3);
  }

  @Test
  void a_function_destination_gets_the_record_as_its_own_asynchronous_event() throws Exception {
    String done = prefix + "second-done";
    TestTopics.create(kafka, done, 1);
    createFunction("first", ECHO);
    createFunction("second", """
        def handler(event, context):
            return {'id': event['responsePayload']['id'], 'from': event['requestContext']['functionArn']}
        """);
    lambda.putFunctionEventInvokeConfig(b -> b.functionName("first").destinationConfig(d -> d.onSuccess(s ->
        s.destination("arn:aws:lambda:us-east-1:000000000000:function:second"))));
    lambda.putFunctionEventInvokeConfig(b -> b.functionName("second").destinationConfig(d -> d.onSuccess(s ->
        s.destination("kafka://" + done))));
    assertThat(invokeEvent("first", "{\"id\": 42}")).isEqualTo(202);

    List<JsonNode> records = TestTopics.readJson(kafka, done, read -> !read.isEmpty(), Duration.ofMinutes(1));
    assertThat(records).hasSize(1);
    assertThat(records.get(0).path("responsePayload").path("id").asInt()).isEqualTo(42);
    assertThat(records.get(0).path("responsePayload").path("from").asText()).endsWith(":function:first:$LATEST");
  }

  private static Set<Integer> ids(List<JsonNode> records) {
    return records.stream().map(r -> r.path("requestPayload").path("id").asInt(-1)).collect(Collectors.toSet());
  }
}
