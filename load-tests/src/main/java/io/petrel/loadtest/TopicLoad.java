package io.petrel.loadtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A topic's records written and read with plain Kafka clients: the records a mapping is measured on, and the
 * reference it is compared with, a consumer in a fresh group that reads them all and commits, with nothing else
 * to do.
 */
final class TopicLoad {
  /** The size of every record value, in bytes. */
  static final int VALUE_BYTES = 100;
  private static final Duration STALL = Duration.ofSeconds(60);

  private TopicLoad() {}

  /**
   * Writes {@code records} records of {@link #VALUE_BYTES} bytes without keys, record i to partition
   * {@code i mod partitions}, and returns once the broker acknowledged them all.
   */
  static void produce(List<String> bootstrapServers, String topic, int partitions, int records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "petrel-bench-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      AtomicReference<Exception> failure = new AtomicReference<>();
      for (int i = 0; i < records && failure.get() == null; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, null, value(i)), (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
      }
      producer.flush();
      if (failure.get() != null) {
        throw new BenchmarkException("producing to " + topic + " failed: " + failure.get());
      }
    } catch (InterruptException e) {
      throw new BenchmarkException("interrupted");
    }
  }

  /** A JSON object padded to {@link #VALUE_BYTES} bytes: {@code {"n":17,"pad":"xxxx..."}}. */
  static byte[] value(int n) {
    String head = "{\"n\":" + n + ",\"pad\":\"";
    char[] pad = new char[Math.max(0, VALUE_BYTES - head.length() - 2)];
    Arrays.fill(pad, 'x');
    return (head + new String(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads {@code records} records of {@code topic} from its beginning in the fresh group {@code group} and commits
   * past them; the seconds from the consumer's creation to the commit.
   */
  static double consume(List<String> bootstrapServers, String topic, String group, long records) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "petrel-bench-consumer");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long start = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long read = 0;
      long progressAt = System.nanoTime();
      while (read < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
        if (!batch.isEmpty()) {
          read += batch.count();
          progressAt = System.nanoTime();
        } else if (System.nanoTime() - progressAt > STALL.toNanos()) {
          throw new BenchmarkException("the plain consumer of " + topic + " read " + read + " of " + records
              + " records and then nothing for " + STALL.toSeconds() + " s");
        }
      }
      consumer.commitSync();
      return (System.nanoTime() - start) / 1e9;
    }
  }
}
