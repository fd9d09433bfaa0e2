package io.petrel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.deploy.internal.JvmCommand;
import io.petrel.deploy.internal.Ports;
import io.petrel.deploy.internal.ServerPids;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Real servers through their life: start, stop, start again on the same data, crash (and, for Kafka, whose
 * restarts are quick, start once more after the crash), and the ways a start fails.
 */
class LocalServersIT {
  private static final Duration CONNECT = Duration.ofSeconds(1);

  @Test
  void cassandra_starts_stops_restarts_on_its_data_and_dies_when_killed() throws IOException {
    Path dir = newDir("cassandra");
    LocalCassandra cassandra = LocalCassandra.builder()
        .dataDir(dir).nativePort(0).storagePort(0).jmxPort(0).heap("768m").build();
    try {
      cassandra.start();
      long firstPid = cassandra.pid().orElseThrow();
      assertThat(Ports.accepts(cassandra.contactPoint(), CONNECT)).isTrue();
      assertThat(Files.readString(dir.resolve(LocalCassandra.PID_FILE)).trim()).isEqualTo(Long.toString(firstPid));

      cassandra.stop();
      assertStopped(cassandra.isRunning(), firstPid, cassandra.contactPoint(), dir.resolve(LocalCassandra.PID_FILE));

      cassandra.start();
      assertThat(Ports.accepts(cassandra.contactPoint(), CONNECT)).isTrue();
      long secondPid = cassandra.pid().orElseThrow();

      cassandra.kill();
      assertStopped(cassandra.isRunning(), secondPid, cassandra.contactPoint(), dir.resolve(LocalCassandra.PID_FILE));
    } finally {
      cassandra.stop();
    }
    String log = Files.readString(cassandra.logFile());
    // One node identity across both starts: the restart found its tokens in the system tables.
    assertThat(count(log, "Generated random tokens")).isEqualTo(1);
    assertThat(count(log, "Using saved tokens")).isEqualTo(1);
    assertThat(count(log, LocalCassandra.READY_LINE)).isEqualTo(2);
  }

  @Test
  void kafka_starts_stops_and_restarts_on_its_data_after_a_stop_and_a_kill() throws IOException {
    Path dir = newDir("kafka");
    LocalKafka kafka = LocalKafka.builder().dataDir(dir).port(0).controllerPort(0).build();
    InetSocketAddress address = address(kafka.bootstrapServers());
    try {
      kafka.start();
      String clusterId = kafka.clusterId();
      long firstPid = kafka.pid().orElseThrow();
      assertThat(Ports.accepts(address, CONNECT)).isTrue();

      kafka.stop();
      assertStopped(kafka.isRunning(), firstPid, address, dir.resolve(LocalKafka.PID_FILE));

      kafka.start();
      long secondPid = kafka.pid().orElseThrow();
      kafka.kill();
      assertStopped(kafka.isRunning(), secondPid, address, dir.resolve(LocalKafka.PID_FILE));

      kafka.start();
      assertThat(Ports.accepts(address, CONNECT)).isTrue();
      assertThat(kafka.clusterId()).isEqualTo(clusterId);
    } finally {
      kafka.stop();
    }
    String log = Files.readString(kafka.logFile());
    assertThat(count(log, "running Kafka storage format")).isEqualTo(1);
    assertThat(count(log, LocalKafka.READY_LINE)).isEqualTo(3);
  }

  @Test
  void a_start_first_stops_the_server_a_killed_jvm_left_in_the_same_dir_but_no_other_process() throws Exception {
    Path dir = newDir("kafka");
    Path pidFile = dir.resolve(LocalKafka.PID_FILE);
    Process stranger = new ProcessBuilder("sleep", "60").start();
    Process leftover = new ProcessBuilder(JvmCommand.currentJava().toString(), ServerPids.marker(dir),
        "-cp", System.getProperty("java.class.path"), Sleeper.class.getName()).start();
    LocalKafka kafka = LocalKafka.builder().dataDir(dir).port(0).controllerPort(0).build();
    try {
      Files.writeString(pidFile, stranger.pid() + "\n");
      assertThat(ServerPids.running(pidFile, dir)).isEmpty();

      Files.writeString(pidFile, leftover.pid() + "\n");
      assertThat(ServerPids.running(pidFile, dir)).isPresent();
      kafka.start();

      assertThat(leftover.isAlive()).isFalse();
      assertThat(stranger.isAlive()).isTrue();
      assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(kafka.pid().orElseThrow()));
    } finally {
      kafka.stop();
      stranger.destroyForcibly();
      leftover.destroyForcibly();
    }
  }

  @Test
  void a_server_that_dies_fails_the_start_with_the_end_of_its_log() throws IOException {
    Path dir = newDir("cassandra");
    Path fakeJava = Files.writeString(dir.resolve("fake-java"), "#!/bin/sh\necho 'Error: no luck today'\nexit 3\n");
    fakeJava.toFile().setExecutable(true);
    LocalCassandra cassandra = LocalCassandra.builder()
        .dataDir(dir).nativePort(0).storagePort(0).jmxPort(0).java(fakeJava).build();

    assertThatThrownBy(cassandra::start)
        .isInstanceOf(ServerStartException.class)
        .hasMessageContaining("did not start: its JVM exited with code 3")
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("Error: no luck today");
    assertThat(cassandra.isRunning()).isFalse();
    assertThat(dir.resolve(LocalCassandra.PID_FILE)).doesNotExist();
  }

  @Test
  void a_start_on_a_taken_port_fails_before_launching() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      LocalKafka kafka =
          LocalKafka.builder().dataDir(newDir("kafka")).port(taken.getLocalPort()).controllerPort(0).build();

      assertThatThrownBy(kafka::start)
          .isInstanceOf(ServerStartException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort() + " is already in use");
      assertThat(kafka.isRunning()).isFalse();
    }
  }

  private static void assertStopped(boolean running, long pid, InetSocketAddress address, Path pidFile) {
    assertThat(running).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Ports.accepts(address, CONNECT)).isFalse();
    assertThat(pidFile).doesNotExist();
  }

  private static Path newDir(String kind) throws IOException {
    return Files.createDirectories(Path.of("target", "it-servers", kind + "-" + UUID.randomUUID()).toAbsolutePath());
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
