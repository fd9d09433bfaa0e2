package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.deploy.testing.TestKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;

/**
 * Kafka event-source mappings on a dev node against a real Kafka: topic records reach the function in batches, in
 * order within each partition; a poison record is isolated by bisecting and ends in the failure destination;
 * disabling stops reading and enabling resumes where it stopped; sources that cannot be read say why.
 */
class EventSourceMappingIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  /** Logs one line per partition batch it handled: BATCH <topic-partition> <first> <last> <count> <check>. */
  private static final String BATCHES = """
      import base64
      def handler(event, context):
          assert event['eventSource'] == 'SelfManagedKafka'
          for key, records in event['records'].items():
              values = [base64.b64decode(r['value']).decode() for r in records]
              if 'poison' in values:
                  raise Exception('poison in ' + key)
              offsets = [r['offset'] for r in records]
              ok = offsets == list(range(offsets[0], offsets[0] + len(offsets))) and all(
                  v == '%d-%d' % (r['partition'], r['offset']) for r, v in zip(records, values))
              print('BATCH %s %d %d %d %s' % (key, offsets[0], offsets[-1], len(offsets), 'ordered' if ok else 'DISORDER'))
          return {}
      """;

  private record Batch(String partition, long first, long last, int count, boolean ordered) {}

  private static PetrelNode node;
  private static LambdaClient lambda;
  private static String kafka;
  private static String prefix;
  private static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.shared().bootstrapServers();
    prefix = TestKafka.shared().newTopicPrefix("EventSourceMappingIT");
    producer = TestTopics.producer(kafka);
    node = TestNodes.start(Files.createTempDirectory("petrel-esm-it"), Map.of(
        "petrel.mappings.refresh-interval", "300ms",
        "petrel.mappings.retry-delay", "50ms",
        "petrel.mappings.problem-retry", "1s"));
    lambda = TestNodes.client(node.port());
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (node != null) {
      node.stop();
    }
  }

  private static void createFunction(String name) {
    String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
    lambda.createFunction(b -> b.functionName(name).runtime(python).handler("app.handler").role(ROLE).timeout(30)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", BATCHES)))));
  }

  /** Writes {@code count} records "<partition>-<offset>" spread round-robin over the topic's partitions. */
  private static void produce(String topic, int partitions, int count, Map<Integer, Long> nextOffsets)
      throws Exception {
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int partition = i % partitions;
      long offset = nextOffsets.merge(partition, 1L, Long::sum) - 1;
      sent.add(producer.send(new ProducerRecord<>(topic, partition, null,
          (partition + "-" + offset).getBytes())));
    }
    for (var s : sent) {
      s.get();
    }
  }

  private static String createMapping(String function, String topic, int batchSize,
      java.util.function.Consumer<software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest.Builder> more) {
    return lambda.createEventSourceMapping(b -> {
      b.functionName(function).topics(topic).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(batchSize)
          .selfManagedEventSource(s -> s.endpointsWithStrings(Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of(kafka))));
      more.accept(b);
    }).uuid();
  }

  @Test
  void ten_thousand_records_over_three_partitions_arrive_in_batches_in_order_and_disabling_pauses_reading()
      throws Exception {
    String topic = prefix + "orders";
    TestTopics.create(kafka, topic, 3);
    Map<Integer, Long> next = new HashMap<>();
    produce(topic, 3, 10_000, next);
    createFunction("orders");
    String uuid = createMapping("orders", topic, 100, b -> { });

    List<Batch> batches = awaitBatches("orders", 10_000, Duration.ofMinutes(3));
    assertThat(batches.stream().mapToInt(Batch::count).sum()).isEqualTo(10_000);
    assertThat(batches).allSatisfy(b -> {
      assertThat(b.ordered()).as("records of %s in offset order with their own values", b).isTrue();
      assertThat(b.count()).isBetween(1, 100);
    });
    assertThat(batches.size()).as("batches, not single records").isLessThan(1_000);
    for (int p = 0; p < 3; p++) {
      String partition = topic + "-" + p;
      List<Batch> ofPartition = batches.stream().filter(b -> b.partition().equals(partition)).toList();
      long expected = 0;
      for (Batch b : ofPartition) {
        assertThat(b.first()).as("%s continues where the batch before it ended", b).isEqualTo(expected);
        expected = b.last() + 1;
      }
      assertThat(expected).isEqualTo(next.get(p));
    }
    assertThat(awaitState(uuid, m -> "OK".equals(m.lastProcessingResult()))).isTrue();

    // Disabled, it reads nothing; enabled again, it goes on from the committed offsets, each record once.
    lambda.updateEventSourceMapping(b -> b.uuid(uuid).enabled(false));
    assertThat(awaitState(uuid, m -> "Disabled".equals(m.state()))).isTrue();
    produce(topic, 3, 30, next);
    Thread.sleep(2_000);
    assertThat(readBatches("orders").stream().mapToInt(Batch::count).sum()).isEqualTo(10_000);
    lambda.updateEventSourceMapping(b -> b.uuid(uuid).enabled(true));
    List<Batch> after = awaitBatches("orders", 10_030, Duration.ofMinutes(1));
    assertThat(after.stream().mapToInt(Batch::count).sum()).isEqualTo(10_030);
    assertThat(lambda.getEventSourceMapping(b -> b.uuid(uuid)).state()).isEqualTo("Enabled");

    lambda.deleteEventSourceMapping(b -> b.uuid(uuid));
    assertThat(lambda.listEventSourceMappings(b -> b.functionName("orders")).eventSourceMappings()).isEmpty();
  }

  @Test
  void a_poison_record_is_bisected_out_to_the_failure_destination_and_every_other_record_is_handled()
      throws Exception {
    String topic = prefix + "payments";
    String dlq = prefix + "payments-failed";
    TestTopics.create(kafka, topic, 1);
    TestTopics.create(kafka, dlq, 1);
    for (int i = 0; i < 300; i++) {
      TestTopics.send(producer, topic, 0, i == 137 ? "poison" : "0-" + i);
    }
    createFunction("payments");
    createMapping("payments", topic, 50, b -> b.bisectBatchOnFunctionError(true).maximumRetryAttempts(1)
        .destinationConfig(d -> d.onFailure(f -> f.destination("kafka://" + dlq))));

    List<JsonNode> failed = TestTopics.readJson(kafka, dlq, read -> !read.isEmpty(), Duration.ofMinutes(2));
    assertThat(failed).hasSize(1);
    JsonNode record = failed.get(0);
    assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
    JsonNode records = record.path("payload").path("records").path(topic + "-0");
    assertThat(records).hasSize(1);
    assertThat(records.get(0).path("offset").asLong()).isEqualTo(137);
    assertThat(new String(java.util.Base64.getDecoder().decode(records.get(0).path("value").asText())))
        .isEqualTo("poison");

    List<Batch> handled = awaitBatches("payments", 299, Duration.ofMinutes(1));
    Set<Long> offsets = new HashSet<>();
    handled.forEach(b -> {
      for (long o = b.first(); o <= b.last(); o++) {
        offsets.add(o);
      }
    });
    assertThat(offsets).hasSize(299).doesNotContain(137L);
    assertThat(handled).allSatisfy(b -> assertThat(b.ordered()).isTrue());
  }

  @Test
  void a_missing_topic_and_unreachable_brokers_are_reported_on_the_mapping() throws Exception {
    createFunction("lonely");
    String missing = createMapping("lonely", prefix + "no-such-topic", 10, b -> { });
    assertThat(awaitState(missing, m -> m.lastProcessingResult() != null
        && m.lastProcessingResult().startsWith("PROBLEM: Topic not found"))).isTrue();
    String unreachable = lambda.createEventSourceMapping(b -> b.functionName("lonely").topics("anything")
        .startingPosition(EventSourcePosition.LATEST)
        .selfManagedEventSource(s -> s.endpointsWithStrings(Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("127.0.0.1:1")))))
        .uuid();
    assertThat(awaitState(unreachable, m -> m.lastProcessingResult() != null
        && m.lastProcessingResult().startsWith("PROBLEM: Connection error"))).isTrue();
    // The node keeps serving.
    assertThat(lambda.getFunction(b -> b.functionName("lonely")).configuration().functionName()).isEqualTo("lonely");
    lambda.deleteEventSourceMapping(b -> b.uuid(missing));
    lambda.deleteEventSourceMapping(b -> b.uuid(unreachable));
  }

  private static boolean awaitState(String uuid, java.util.function.Predicate<GetEventSourceMappingResponse> test)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (test.test(lambda.getEventSourceMapping(b -> b.uuid(uuid)))) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private static List<Batch> awaitBatches(String function, int records, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    List<Batch> batches = readBatches(function);
    while (batches.stream().mapToInt(Batch::count).sum() < records && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      batches = readBatches(function);
    }
    return batches;
  }

  /** The function's BATCH log lines of the last hour, in the order they were logged. */
  private static List<Batch> readBatches(String function) throws Exception {
    List<Batch> batches = new ArrayList<>();
    for (String message : TestNodes.logMessages(node.port(), function, "BATCH")) {
      if (!message.startsWith("BATCH ")) {
        continue;
      }
      String[] f = message.split(" ");
      batches.add(new Batch(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]),
          f[5].equals("ordered")));
    }
    return batches;
  }
}
