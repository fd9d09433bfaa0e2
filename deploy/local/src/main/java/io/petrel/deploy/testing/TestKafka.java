package io.petrel.deploy.testing;

import io.petrel.deploy.LocalKafka;
import java.nio.file.Path;

/**
 * The Kafka node shared by all tests of one JVM: started on first use, on free ports, with its data under
 * {@code target/test-servers/kafka-<random>}, and stopped when the JVM exits (its data deleted, its log kept).
 * Test classes share it and keep apart by each naming its topics with its own prefix ({@link #newTopicPrefix}).
 * Tests may stop, kill and start it again through {@link #server()}; they must leave it running.
 */
public final class TestKafka {
  private static final OncePerJvm<TestKafka> SHARED = new OncePerJvm<>(TestKafka::start);

  private final LocalKafka server;

  private TestKafka(LocalKafka server) {
    this.server = server;
  }

  /**
   * The shared node, started if this is the first call of this JVM. If it could not start, every call throws
   * that failure at once rather than trying again.
   */
  public static TestKafka shared() {
    return SHARED.get();
  }


  private static TestKafka start() {
    Path dir = TestServerDirs.create("kafka", LocalKafka.PID_FILE);
    LocalKafka server = LocalKafka.builder()
        .dataDir(dir)
        .port(0)
        .controllerPort(0)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      TestServerDirs.deleteDataKeepingLogs(dir);
    }, "petrel-test-kafka-cleanup"));
    return new TestKafka(server.start());
  }

  /** "host:port", what clients bootstrap from. */
  public String bootstrapServers() {
    return server.bootstrapServers();
  }

  /**
   * A topic-name prefix no other caller gets: lower-case letters, digits and dashes, ending with a dash,
   * beginning with a readable form of {@code hint} (e.g. the test class's simple name).
   */
  public String newTopicPrefix(String hint) {
    return UniqueNames.topicPrefix(hint);
  }

  public LocalKafka server() {
    return server;
  }
}
