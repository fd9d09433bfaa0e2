package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaBatchEventTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVERS = "broker-1:9092,broker-2:9092";

  private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, long timestamp,
      byte[] key, byte[] value, RecordHeaders headers) {
    return new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME,
        key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers, Optional.empty());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode event(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
    return JSON.readTree(KafkaBatchEvent.of(SERVERS, records));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void writes_a_self_managed_kafka_event_with_the_records_under_their_topic_partition() throws IOException {
    JsonNode event = event(List.of(
        record("orders", 3, 41, 1_700_000_000_000L, utf8("k1"), utf8("{\"id\":1}"), new RecordHeaders()),
        record("orders", 3, 42, 1_700_000_000_500L, utf8("k2"), utf8("{\"id\":2}"), new RecordHeaders())));

    assertThat(event.path("eventSource").asText()).isEqualTo("SelfManagedKafka");
    assertThat(event.path("bootstrapServers").asText()).isEqualTo(SERVERS);
    assertThat(fieldNames(event.path("records"))).containsExactly("orders-3");
    JsonNode records = event.path("records").path("orders-3");
    assertThat(records).hasSize(2);
    JsonNode first = records.get(0);
    assertThat(first.path("topic").asText()).isEqualTo("orders");
    assertThat(first.path("partition").asInt()).isEqualTo(3);
    assertThat(first.path("offset").asLong()).isEqualTo(41);
    assertThat(first.path("timestamp").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(first.path("timestampType").asText()).isEqualTo("CREATE_TIME");
    assertThat(Base64.getDecoder().decode(first.path("key").asText())).isEqualTo(utf8("k1"));
    assertThat(Base64.getDecoder().decode(first.path("value").asText())).isEqualTo(utf8("{\"id\":1}"));
    assertThat(first.path("headers").isArray()).isTrue();
    assertThat(first.path("headers")).isEmpty();
    assertThat(records.get(1).path("offset").asLong()).isEqualTo(42);
    assertThat(Base64.getDecoder().decode(records.get(1).path("value").asText())).isEqualTo(utf8("{\"id\":2}"));
  }

  @Test
  void encodes_keys_and_values_in_standard_padded_base64() throws IOException {
    byte[] bytes = {(byte) 0xfb, (byte) 0xff};
    JsonNode record = event(List.of(record("t", 0, 0, 0, bytes, bytes, new RecordHeaders())))
        .path("records").path("t-0").get(0);

    assertThat(record.path("key").asText()).isEqualTo("+/8=");
    assertThat(record.path("value").asText()).isEqualTo("+/8=");
  }

  @Test
  void writes_header_values_as_arrays_of_unsigned_byte_values_in_order() throws IOException {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", utf8("hi"));
    headers.add("raw", new byte[] {0, (byte) 0x80, (byte) 0xff, 127});
    headers.add("trace", utf8("!"));
    headers.add("empty", new byte[0]);

    JsonNode written = event(List.of(record("t", 0, 0, 0, null, utf8("v"), headers)))
        .path("records").path("t-0").get(0).path("headers");

    assertThat(written.toString())
        .isEqualTo("[{\"trace\":[104,105]},{\"raw\":[0,128,255,127]},{\"trace\":[33]},{\"empty\":[]}]");
  }

  @Test
  void omits_a_null_key() throws IOException {
    JsonNode record = event(List.of(record("t", 0, 5, 0, null, utf8("v"), new RecordHeaders())))
        .path("records").path("t-0").get(0);

    assertThat(record.has("key")).isFalse();
    assertThat(Base64.getDecoder().decode(record.path("value").asText())).isEqualTo(utf8("v"));
  }

  @Test
  void names_the_group_after_topic_and_partition_for_a_dotted_topic() throws IOException {
    JsonNode record = event(List.of(new ConsumerRecord<>("payments.v1", 12, 9, utf8("k"), utf8("v"))))
        .path("records").path("payments.v1-12").get(0);

    assertThat(record.path("partition").asInt()).isEqualTo(12);
    assertThat(record.path("offset").asLong()).isEqualTo(9);
    assertThat(record.path("headers")).isEmpty();
  }
}
