package io.petrel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServersTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void bad_usage_exits_2_with_the_usage() {
    assertThat(run("restart")).isEqualTo(2);
    assertThat(run("start", "--nodes", "0")).isEqualTo(2);
    assertThat(run("start", "--dir")).isEqualTo(2);
    assertThat(run("status", "zookeeper")).isEqualTo(2);
    assertThat(text(err)).contains("unknown command: restart", "--nodes must be 1 to 9", "--dir needs a value",
        "unknown argument: zookeeper", Servers.USAGE);
  }

  @Test
  void status_and_stop_of_an_empty_dir_say_there_is_nothing(@TempDir Path dir) {
    assertThat(run("status", "--dir", dir.toString())).isZero();
    assertThat(run("stop", "kafka", "--dir", dir.toString())).isZero();
    assertThat(text(out)).contains("cassandra: nothing in " + dir.resolve("cassandra"),
        "kafka: nothing in " + dir.resolve("kafka"));
  }

  private int run(String... args) {
    return Servers.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
