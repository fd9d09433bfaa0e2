package io.petrel.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The SelfManagedKafka event a function gets for a batch: records grouped by "topic-partition", keys and values
 * base64, header values as arrays of byte values, as Lambda sends them.
 */
final class KafkaBatchEvent {
  private static final JsonFactory JSON = new JsonFactory();

  private KafkaBatchEvent() {}

  /** One partition's batch; {@code records} are all of that partition, in offset order. */
  static byte[] of(String bootstrapServers, List<ConsumerRecord<byte[], byte[]>> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + records.size() * 160);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("eventSource", "SelfManagedKafka");
      json.writeStringField("bootstrapServers", bootstrapServers);
      json.writeObjectFieldStart("records");
      String group = null;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        String key = record.topic() + "-" + record.partition();
        if (!key.equals(group)) {
          if (group != null) {
            json.writeEndArray();
          }
          json.writeArrayFieldStart(key);
          group = key;
        }
        write(json, record);
      }
      if (group != null) {
        json.writeEndArray();
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator json, ConsumerRecord<byte[], byte[]> record) throws IOException {
    json.writeStartObject();
    json.writeStringField("topic", record.topic());
    json.writeNumberField("partition", record.partition());
    json.writeNumberField("offset", record.offset());
    json.writeNumberField("timestamp", record.timestamp());
    json.writeStringField("timestampType", record.timestampType().name());
    if (record.key() != null) {
      json.writeFieldName("key");
      json.writeBinary(record.key());
    }
    if (record.value() != null) {
      json.writeFieldName("value");
      json.writeBinary(record.value());
    }
    json.writeArrayFieldStart("headers");
    for (Header header : record.headers()) {
      json.writeStartObject();
      json.writeArrayFieldStart(header.key());
      if (header.value() != null) {
        for (byte b : header.value()) {
          json.writeNumber(b & 0xff);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }
}
