package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordThroughputTest {

  private static RecordThroughput.Run run(double seconds) {
    return new RecordThroughput.Run(1000, 3000, 0.1, seconds, Optional.empty(), Optional.empty());
  }

  @Test
  void quotes_the_median_run_with_min_and_max() {
    RecordThroughput.Result r = new RecordThroughput.Result("Cassandra", "records",
        List.of(run(0.5), run(0.1), run(0.2)));
    assertThat(r.median().recordsPerSecond()).isEqualTo(5000);
    assertThat(r.median().itemsPerSecond()).isEqualTo(20_000);
    assertThat(r.minRecordsPerSecond()).isEqualTo(2000);
    assertThat(r.maxRecordsPerSecond()).isEqualTo(10_000);
  }

  @Test
  void of_an_even_count_the_median_is_the_slower_middle_run() {
    RecordThroughput.Result r = new RecordThroughput.Result("SQLite", "records",
        List.of(run(0.1), run(0.2), run(0.4), run(0.5)));
    assertThat(r.median().recordsPerSecond()).isEqualTo(2500);
  }
}
