package io.petrel.deploy.testing;

import io.petrel.deploy.internal.ServerPids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data dirs of test servers: {@code target/test-servers/<kind>-<random>} under the working directory (the
 * module's directory when Maven runs the tests), each with an {@code owner.pid} naming the test JVM. A server
 * whose owner is gone (a test JVM that was killed, so its exit hook never ran) is stopped by the next test JVM
 * that creates a dir of the same kind.
 */
final class TestServerDirs {
  private static final Logger log = LoggerFactory.getLogger(TestServerDirs.class);
  private static final String OWNER_FILE = "owner.pid";

  private TestServerDirs() {}

  static Path create(String kind, String pidFile) {
    Path root = Path.of("target", "test-servers").toAbsolutePath();
    stopOrphans(root, kind, pidFile);
    Path dir = root.resolve(kind + "-" + UniqueNames.randomToken(8));
    try {
      Files.createDirectories(dir);
      ServerPids.write(dir.resolve(OWNER_FILE), ProcessHandle.current().pid());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create " + dir, e);
    }
    return dir;
  }

  /** Deletes what the server stored, keeping its logs for a look after the run. */
  static void deleteDataKeepingLogs(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (!entry.getFileName().toString().equals("logs")) {
          deleteRecursively(entry);
        }
      }
    } catch (IOException e) {
      log.warn("Could not delete the data in {}: {}", dir, e.toString());
    }
  }

  private static void stopOrphans(Path root, String kind, String pidFile) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, kind + "-*")) {
      for (Path dir : dirs) {
        Optional<ProcessHandle> server = ServerPids.running(dir.resolve(pidFile), dir);
        if (server.isPresent() && !ownerAlive(dir)) {
          log.warn("Stopping {} (pid {}): the test JVM that started it is gone", dir, server.get().pid());
          ServerPids.stop(server.get());
          deleteDataKeepingLogs(dir);
        }
      }
    } catch (IOException e) {
      log.warn("Could not look for servers left by killed test runs in {}: {}", root, e.toString());
    }
  }

  private static boolean ownerAlive(Path dir) {
    return ServerPids.readPid(dir.resolve(OWNER_FILE))
        .flatMap(ProcessHandle::of)
        .map(ProcessHandle::isAlive)
        .orElse(false);
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
