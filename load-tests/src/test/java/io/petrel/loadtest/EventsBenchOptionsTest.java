package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsBenchOptionsTest {

  @Test
  void defaults_start_kafka_and_a_node_and_measure_300000_records_and_20000_events_in_3_rounds() {
    EventsBenchOptions o = EventsBenchOptions.parse();
    assertThat(o).isEqualTo(new EventsBenchOptions(300_000, List.of(100, 1000), 20_000, 32, 3, List.of(), null,
        Path.of("node", "target", "petrel.jar").toAbsolutePath(), false));
    assertThat(o.plan()).contains("300000 records per topic at BatchSize 100,1000")
        .contains("Kafka started for the run").contains("node started for the run from");
  }

  @Test
  void every_option() {
    EventsBenchOptions o = EventsBenchOptions.parse("--records", "50_000", "--batch-sizes", "10, 10_000,10",
        "--events", "3000", "--concurrency", "8", "--rounds", "1", "--kafka", "127.0.0.1:9092,[::1]:9093",
        "--endpoint", "http://127.0.0.1:9000/", "--dry-run");
    assertThat(o).isEqualTo(new EventsBenchOptions(50_000, List.of(10, 10_000), 3000, 8, 1,
        List.of("127.0.0.1:9092", "[::1]:9093"), URI.create("http://127.0.0.1:9000"), o.nodeJar(), true));
    assertThat(o.plan()).contains("Kafka at 127.0.0.1:9092,[::1]:9093").contains("node at http://127.0.0.1:9000");
  }

  @Test
  void a_started_node_runs_the_given_jar() {
    EventsBenchOptions o = EventsBenchOptions.parse("--node-jar", "some/petrel.jar", "--kafka", "h:1");
    assertThat(o.nodeJar()).isEqualTo(Path.of("some", "petrel.jar").toAbsolutePath());
    assertThat(o.plan()).contains("node started for the run from " + o.nodeJar());
  }

  @Test
  void rejects_bad_input_naming_the_option() {
    assertThatThrownBy(() -> EventsBenchOptions.parse("--batch-sizes", "100,10001"))
        .hasMessage("--batch-sizes must be at most 10000, got 10001");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--batch-sizes", "0"))
        .hasMessage("--batch-sizes must be at least 1, got 0");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--records", "lots"))
        .hasMessage("--records must be a whole number, got 'lots'");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--kafka", "localhost"))
        .hasMessage("--kafka must be host:port, e.g. 127.0.0.1:9092, got 'localhost'");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--endpoint", "ftp://h"))
        .hasMessage("--endpoint must be an http(s) URL, got 'ftp://h'");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--events"))
        .hasMessage("--events needs a value");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--partitions", "3"))
        .hasMessage("unknown option --partitions");
  }

  @Test
  void a_running_node_needs_the_broker_it_sends_destinations_to_and_no_jar() {
    assertThatThrownBy(() -> EventsBenchOptions.parse("--endpoint", "http://127.0.0.1:9000"))
        .hasMessageStartingWith("--endpoint needs --kafka too");
    assertThatThrownBy(() -> EventsBenchOptions.parse("--endpoint", "http://h:1", "--kafka", "h:2", "--node-jar",
        "x.jar")).hasMessageStartingWith("--node-jar is for a node the benchmark starts");
  }
}
