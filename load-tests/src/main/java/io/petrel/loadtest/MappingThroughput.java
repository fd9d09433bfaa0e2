package io.petrel.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.TopicPartition;

/**
 * One round of a Kafka event-source mapping at one batch size, and its reference. A fresh topic gets N records;
 * a plain consumer in a fresh group reads them all (the reference); then a mapping of the topic to the no-op
 * function is created, and the group's committed offsets are polled every {@link CountWatch#POLL} until they
 * reach the end of every partition. The mapping's rate is N over the time from the CreateEventSourceMapping request to
 * that moment, which includes the node noticing the mapping (within petrel.mappings.refresh-interval) and its
 * consumer joining the group; the rate after the first commit seen leaves that out. Worked example: 300,000
 * records, created at 0 s, first commit seen at 2.1 s with 3,000 records, all committed at 8.1 s: 37,037
 * records/s from creation, (300,000 - 3,000) / 6.0 s = 49,500 records/s after the first commit.
 */
final class MappingThroughput {
  static final int PARTITIONS = 3;
  private static final int MAX_QUERIED_BATCHES = 10_000;

  /** One round: the mapping's times, its batches' DurationMs (µs), and the plain consumer's time. */
  record Round(int batchSize, long records, double seconds, double firstCommitSeconds, long firstCommitted,
               Histogram batchMicros, double referenceSeconds) {
    double recordsPerSecond() {
      return records / seconds;
    }

    double afterFirstCommitPerSecond() {
      double span = seconds - firstCommitSeconds;
      return span <= 0 ? recordsPerSecond() : (records - firstCommitted) / span;
    }

    double referencePerSecond() {
      return records / referenceSeconds;
    }
  }

  private final LambdaClient client;
  private final BenchKafka kafka;
  private final Runnable checkRunning;
  private final Consumer<String> progress;

  MappingThroughput(LambdaClient client, BenchKafka kafka, Runnable checkRunning, Consumer<String> progress) {
    this.client = client;
    this.kafka = kafka;
    this.checkRunning = checkRunning;
    this.progress = progress;
  }

  /**
   * Produces {@code records} records to {@code topic} (created here) and reads them with a plain consumer, so
   * that the clients of the first round do not pay for loading and compiling their code.
   */
  void warmUp(String topic, int records) {
    kafka.createTopic(topic, PARTITIONS);
    TopicLoad.produce(kafka.bootstrapServers(), topic, PARTITIONS, records);
    TopicLoad.consume(kafka.bootstrapServers(), topic, topic + "-plain", records);
  }

  /**
   * Runs one round on {@code topic} (created here) with a mapping that reads in the consumer group
   * {@code group}; {@code onMapping} learns the mapping's UUID as soon as it exists, so that a cleanup can
   * delete it.
   */
  Round run(String function, int batchSize, String topic, String group, int records, Consumer<String> onMapping) {
    kafka.createTopic(topic, PARTITIONS);
    long start = System.nanoTime();
    TopicLoad.produce(kafka.bootstrapServers(), topic, PARTITIONS, records);
    Map<TopicPartition, Long> ends = kafka.endOffsets(topic);
    if (BenchKafka.sum(ends) != records) {
      throw new BenchmarkException(topic + " holds " + BenchKafka.sum(ends) + " records after producing "
          + records);
    }
    progress.accept(String.format("  produced %,d records in %.1f s", records, (System.nanoTime() - start) / 1e9));
    double reference = TopicLoad.consume(kafka.bootstrapServers(), topic, group + "-plain", records);
    progress.accept(String.format("  plain KafkaConsumer: %,.0f records/s", records / reference));

    Instant createdAt = Instant.now();
    long created = System.nanoTime();
    String uuid = client.createKafkaMapping(function, topic, batchSize, kafka.bootstrapServers(), group);
    onMapping.accept(uuid);
    CountWatch.Reached done = CountWatch.await(() -> committedRecords(kafka.committedOffsets(group), ends), records,
        checkRunning, committed -> new BenchmarkException("the mapping of " + topic + " at BatchSize " + batchSize
            + " committed " + committed + " of " + records + " records, then nothing for "
            + CountWatch.STALL.toSeconds() + " s; mapping " + uuid + ": " + client.mappingStatus(uuid)));
    Histogram batches = batchDurations(function, createdAt, Instant.now());
    return new Round(batchSize, records, (done.reachedAt() - created) / 1e9,
        (done.firstMovedAt() - created) / 1e9, done.firstMovedTo(), batches, reference);
  }

  /** Records committed, partition by partition up to its end (a commit past the end counts as the end). */
  static long committedRecords(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
    long sum = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      sum += Math.min(end.getValue(), committed.getOrDefault(end.getKey(), 0L));
    }
    return sum;
  }

  /** The DurationMs of the batches of the round, from the node's query API, as microseconds. */
  private Histogram batchDurations(String function, Instant from, Instant to) {
    CountWatch.sleep(Duration.ofMillis(500)); // the node writes invocation records behind the answers
    Histogram micros = Latencies.newHistogram();
    List<Double> durations = client.invocationDurations(function, from, to.plusSeconds(1), MAX_QUERIED_BATCHES);
    durations.forEach(ms -> Latencies.recordMicros(micros, Math.round(ms * 1000)));
    return micros;
  }
}
