package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaults() {
    BenchOptions o = BenchOptions.parse("--endpoint", "http://127.0.0.1:9000/");
    assertThat(o.calls()).isEqualTo(10_000);
    assertThat(o.concurrency()).containsExactly(1, 8);
    assertThat(o.runtimes()).containsExactly("python", "nodejs");
    assertThat(o.cold()).isEqualTo(20);
    assertThat(o.warmup()).isEqualTo(500);
    assertThat(o.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
  }

  @Test
  void everyOption() {
    BenchOptions o = BenchOptions.parse("--calls", "50", "--concurrency", "1, 2,4", "--runtimes", "nodejs",
        "--cold", "3", "--warmup", "0", "--endpoint", "http://localhost:1234");
    assertThat(o).isEqualTo(new BenchOptions(50, List.of(1, 2, 4), List.of("nodejs"), 3, 0,
        URI.create("http://localhost:1234"), false));
  }

  @Test
  void dryRunNeedsNoEndpoint() {
    BenchOptions o = BenchOptions.parse("--dry-run", "--cold", "5");
    assertThat(o.dryRun()).isTrue();
    assertThat(o.plan()).contains("5 cold starts").contains("a node started for the run");
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> BenchOptions.parse("--calls", "many", "--endpoint", "http://h:1"))
        .hasMessageContaining("--calls must be a whole number");
    assertThatThrownBy(() -> BenchOptions.parse("--concurrency", "0", "--endpoint", "http://h:1"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoint", "ftp://h:1")).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> BenchOptions.parse("--cold")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse("--fast", "1")).hasMessageContaining("unknown option --fast");
    assertThatThrownBy(() -> BenchOptions.parse("--calls", "5")).hasMessageContaining("no --endpoint");
  }
}
