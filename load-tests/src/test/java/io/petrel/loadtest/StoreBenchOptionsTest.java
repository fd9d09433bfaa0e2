package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreBenchOptionsTest {

  @Test
  void defaults_start_a_cassandra_and_write_200000_records_three_times() {
    StoreBenchOptions o = StoreBenchOptions.parse();
    assertThat(o).isEqualTo(new StoreBenchOptions(200_000, 20, 3, 4, 3, 20_000, 300, 200, 4, 1000, null,
        "datacenter1", null, "2g", false));
    assertThat(o.plan()).contains("3 runs of 200000 records").contains("Cassandra started for the run");
  }

  @Test
  void every_option() {
    StoreBenchOptions o = StoreBenchOptions.parse("--records", "1_000", "--functions", "5", "--lines", "4",
        "--producers", "2", "--runs", "5", "--warmup", "0", "--publishes", "10", "--contended", "8",
        "--contenders", "2", "--cql-samples", "7", "--cassandra", "127.0.0.2:9042", "--datacenter", "dc1",
        "--dry-run");
    assertThat(o).isEqualTo(new StoreBenchOptions(1000, 5, 4, 2, 5, 0, 10, 8, 2, 7,
        new InetSocketAddress("127.0.0.2", 9042), "dc1", null, "2g", true));
    assertThat(o.plan()).contains("Cassandra at 127.0.0.2:9042 (dc1)");
  }

  @Test
  void a_started_cassandra_takes_a_dir_made_absolute_and_a_heap() {
    StoreBenchOptions o = StoreBenchOptions.parse("--cassandra-dir", "some/dir", "--cassandra-heap", "1536M");
    assertThat(o.cassandraDir()).isEqualTo(Path.of("some", "dir").toAbsolutePath());
    assertThat(o.cassandraHeap()).isEqualTo("1536m");
    assertThat(o.plan()).contains("with a heap of 1536m");
  }

  @Test
  void rejects_bad_input_naming_the_option() {
    assertThatThrownBy(() -> StoreBenchOptions.parse("--records", "0"))
        .hasMessage("--records must be at least 1, got 0");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--runs", "three"))
        .hasMessage("--runs must be a whole number, got 'three'");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--cassandra", "localhost"))
        .hasMessageStartingWith("--cassandra must be host:port");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--cassandra", "h:1", "--cassandra-dir", "d"))
        .hasMessageContaining("does not go with --cassandra");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--cassandra", "h:1", "--cassandra-heap", "4g"))
        .hasMessageStartingWith("--cassandra-heap is for a Cassandra the benchmark starts");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--cassandra-heap", "lots"))
        .hasMessage("--cassandra-heap must look like 1536m or 2g, got 'lots'");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--datacenter", "dc1"))
        .hasMessageContaining("give that too");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--contended", "3"))
        .hasMessageStartingWith("--contended must be at least --contenders");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--lines"))
        .hasMessage("--lines needs a value");
    assertThatThrownBy(() -> StoreBenchOptions.parse("--bogus", "1"))
        .hasMessage("unknown option --bogus");
  }
}
