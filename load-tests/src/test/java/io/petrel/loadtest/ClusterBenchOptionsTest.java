package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterBenchOptionsTest {

  @Test
  void defaults_measure_8_and_32_threads_for_20_seconds_in_3_rounds() {
    ClusterBenchOptions o = ClusterBenchOptions.parse("--endpoints", "http://127.0.0.1:9000/,http://127.0.0.2:9000",
        "--single-endpoint", "http://127.0.0.1:9100");
    assertThat(o.endpoints()).containsExactly(URI.create("http://127.0.0.1:9000"), URI.create("http://127.0.0.2:9000"));
    assertThat(o.single()).isEqualTo(URI.create("http://127.0.0.1:9100"));
    assertThat(o.concurrency()).containsExactly(8, 32);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.rounds()).isEqualTo(3);
    assertThat(o.runtime()).isEqualTo("python");
    assertThat(o.functions()).isEqualTo(1);
  }

  @Test
  void durations_take_ms_s_m_or_plain_seconds() {
    assertThat(ClusterBenchOptions.duration("--duration", "500ms", false)).isEqualTo(Duration.ofMillis(500));
    assertThat(ClusterBenchOptions.duration("--duration", "2m", false)).isEqualTo(Duration.ofMinutes(2));
    assertThat(ClusterBenchOptions.duration("--duration", "7", false)).isEqualTo(Duration.ofSeconds(7));
    assertThat(ClusterBenchOptions.duration("--warmup", "0s", true)).isZero();
  }

  @Test
  void dry_run_needs_no_endpoints_and_tells_what_it_would_start() {
    ClusterBenchOptions o = ClusterBenchOptions.parse("--dry-run", "--concurrency", "4");
    assertThat(o.plan()).contains("concurrency 4").contains("cluster started for the run");
  }

  @Test
  void bad_input_names_the_option() {
    assertThatThrownBy(() -> ClusterBenchOptions.parse("--dry-run", "--duration", "0s"))
        .hasMessageContaining("--duration");
    assertThatThrownBy(() -> ClusterBenchOptions.parse("--dry-run", "--rounds", "-1"))
        .hasMessageContaining("--rounds");
    assertThatThrownBy(() -> ClusterBenchOptions.parse("--dry-run", "--endpoints", "ftp://x"))
        .hasMessageContaining("--endpoints");
    assertThatThrownBy(() -> ClusterBenchOptions.parse("--endpoints", "http://127.0.0.1:9000"))
        .hasMessageContaining("--single-endpoint");
  }

  @Test
  void median_throughput_of_an_even_count_is_the_mean_of_the_middle_two() {
    List<ClusterLoad.Result> rounds = List.of(result(100, 1), result(300, 1), result(200, 1), result(1000, 1));
    assertThat(ClusterReport.median(rounds)).isEqualTo(250.0);
    assertThat(ClusterReport.median(rounds.subList(0, 3))).isEqualTo(200.0);
  }

  private static ClusterLoad.Result result(long calls, double seconds) {
    return new ClusterLoad.Result(Latencies.newHistogram(), calls, 0, seconds, null);
  }
}
