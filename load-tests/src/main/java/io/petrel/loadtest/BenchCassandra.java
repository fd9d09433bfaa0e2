package io.petrel.loadtest;

import io.petrel.deploy.LocalCassandra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The Cassandra node a store benchmark runs on: one already running (left as it is), or a {@link LocalCassandra}
 * the benchmark starts on free ports and stops at the end. A node started in a temporary dir has the dir
 * deleted when it stops, except its log after a failed run; one started in a given dir keeps everything.
 */
final class BenchCassandra {
  private final InetSocketAddress contactPoint;
  private final String localDatacenter;
  private final LocalCassandra node; // null for a running one
  private final String heap;
  private final boolean temporaryDir;
  private volatile boolean stopped;

  private BenchCassandra(InetSocketAddress contactPoint, String localDatacenter, LocalCassandra node, String heap,
      boolean temporaryDir) {
    this.contactPoint = contactPoint;
    this.localDatacenter = localDatacenter;
    this.node = node;
    this.heap = heap;
    this.temporaryDir = temporaryDir;
  }

  static BenchCassandra running(InetSocketAddress contactPoint, String localDatacenter) {
    return new BenchCassandra(contactPoint, localDatacenter, null, null, false);
  }

  /** Starts a node with at most {@code heap} in {@code dir}, or in a new temporary dir when it is null. */
  static BenchCassandra start(Path dir, String heap) {
    Path dataDir;
    try {
      dataDir = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("petrel-bench-cassandra");
    } catch (IOException e) {
      throw new BenchmarkException("cannot create a directory for Cassandra: " + e.getMessage());
    }
    // Not stopped by its own exit hook: the benchmark's cleanup drops the keyspace first, then stops it.
    LocalCassandra node = LocalCassandra.builder().dataDir(dataDir).nativePort(0).storagePort(0).jmxPort(0)
        .heap(heap).stopOnExit(false).build();
    BenchCassandra cassandra = new BenchCassandra(node.contactPoint(), node.localDatacenter(), node, heap,
        dir == null);
    try {
      node.start();
    } catch (RuntimeException e) {
      cassandra.stop(true);
      throw e;
    }
    return cassandra;
  }

  InetSocketAddress contactPoint() {
    return contactPoint;
  }

  String localDatacenter() {
    return localDatacenter;
  }

  /** The pid of the node's JVM, when the benchmark started it. */
  OptionalLong pid() {
    return node == null ? OptionalLong.empty() : node.pid();
  }

  /** Throws when a node the benchmark started has exited (rather than let the run wait for its timeouts). */
  void checkRunning() {
    if (node != null && !stopped && !node.isRunning()) {
      throw new BenchmarkException("Cassandra exited during the run (see the end of its log, "
          + node.logFile() + ")");
    }
  }

  /** One line for the report, with the version the node reports. */
  String describe(String releaseVersion) {
    String where = contactPoint.getHostString() + ":" + contactPoint.getPort() + " (" + localDatacenter + ")";
    return node == null
        ? "Apache Cassandra " + releaseVersion + " at " + where + ", already running"
        : "Apache Cassandra " + releaseVersion + ", one node started for the run with LocalCassandra's defaults"
            + " but a heap of " + heap + ", " + where + ", data in " + node.dataDir()
            + (temporaryDir ? " (deleted at the end)" : "");
  }

  /** Stops a node the benchmark started; after a failure, says where its log is. Does nothing otherwise. */
  synchronized void stop(boolean failed) {
    if (node == null) {
      return;
    }
    stopped = true;
    node.stop();
    if (!temporaryDir || !Files.isDirectory(node.dataDir())) {
      return;
    }
    if (failed && Files.isRegularFile(node.logFile())) {
      deleteAllBut(node.dataDir(), node.logFile());
      System.err.println("bench-store: Cassandra's log kept in " + node.logFile());
    } else {
      deleteAllBut(node.dataDir(), null);
    }
  }

  /** Deletes {@code dir} with everything in it, except {@code keep} (a file in it) when not null. */
  static void deleteAllBut(Path dir, Path keep) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (keep == null || !keep.startsWith(p)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
