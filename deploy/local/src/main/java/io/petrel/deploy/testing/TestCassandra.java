package io.petrel.deploy.testing;

import io.petrel.deploy.LocalCassandra;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The Cassandra node shared by all tests of one JVM: started on first use, on free ports, with its data under
 * {@code target/test-servers/cassandra-<random>}, and stopped when the JVM exits (its data deleted, its log
 * kept). Test classes share it and keep apart by each using its own keyspace ({@link #newKeyspaceName}).
 * Tests may stop, kill and start it again through {@link #server()}; they must leave it running.
 */
public final class TestCassandra {
  private static final OncePerJvm<TestCassandra> SHARED = new OncePerJvm<>(TestCassandra::start);

  private final LocalCassandra server;

  private TestCassandra(LocalCassandra server) {
    this.server = server;
  }

  /**
   * The shared node, started if this is the first call of this JVM. If it could not start, every call throws
   * that failure at once rather than trying again.
   */
  public static TestCassandra shared() {
    return SHARED.get();
  }


  private static TestCassandra start() {
    Path dir = TestServerDirs.create("cassandra", LocalCassandra.PID_FILE);
    LocalCassandra server = LocalCassandra.builder()
        .dataDir(dir)
        .nativePort(0)
        .storagePort(0)
        .jmxPort(0)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      TestServerDirs.deleteDataKeepingLogs(dir);
    }, "petrel-test-cassandra-cleanup"));
    return new TestCassandra(server.start());
  }

  public InetSocketAddress contactPoint() {
    return server.contactPoint();
  }

  public String localDatacenter() {
    return server.localDatacenter();
  }

  /**
   * A keyspace name no other caller gets: lower-case letters, digits and underscores, at most 48 characters,
   * beginning with a readable form of {@code hint} (e.g. the test class's simple name).
   */
  public String newKeyspaceName(String hint) {
    return UniqueNames.keyspace(hint);
  }

  public LocalCassandra server() {
    return server;
  }
}
