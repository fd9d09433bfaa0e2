package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MappingThroughputTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);
  private static final TopicPartition P2 = new TopicPartition("t", 2);

  @Test
  void committed_records_count_each_partition_up_to_its_end() {
    assertThat(MappingThroughput.committedRecords(Map.of(P0, 100L, P1, 250L), Map.of(P0, 100L, P1, 200L, P2, 50L)))
        .isEqualTo(300);
    assertThat(MappingThroughput.committedRecords(Map.of(), Map.of(P0, 100L))).isZero();
  }

  @Test
  void rates_after_the_first_commit_leave_out_the_start() {
    MappingThroughput.Round round = new MappingThroughput.Round(1000, 300_000, 8.1, 2.1, 3_000,
        Latencies.newHistogram(), 3.0);
    assertThat(round.recordsPerSecond()).isCloseTo(37_037, offset(1.0));
    assertThat(round.afterFirstCommitPerSecond()).isCloseTo(49_500, offset(1.0));
    assertThat(round.referencePerSecond()).isEqualTo(100_000);
  }

  @Test
  void record_values_are_100_bytes_of_json() {
    assertThat(TopicLoad.value(0)).hasSize(TopicLoad.VALUE_BYTES);
    assertThat(TopicLoad.value(299_999)).hasSize(TopicLoad.VALUE_BYTES);
    assertThat(new String(TopicLoad.value(7), StandardCharsets.UTF_8)).startsWith("{\"n\":7,\"pad\":\"x")
        .endsWith("x\"}");
  }
}
