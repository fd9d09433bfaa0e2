package io.petrel.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pid files and the processes they name. A pid alone is not trusted (pids are reused): a process counts as the
 * server of a data dir only if it is a {@code java} process whose command line carries that dir's
 * {@link #marker}.
 */
public final class ServerPids {
  /** How long a server gets to shut down cleanly after SIGTERM before it is killed. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private ServerPids() {}

  /** The first JVM option of every server launched for {@code dataDir}. */
  public static String marker(Path dataDir) {
    return "-Dpetrel.server.dir=" + dataDir.toAbsolutePath().normalize();
  }

  /** The live server of {@code dataDir} that {@code pidFile} names, if there is one. */
  public static Optional<ProcessHandle> running(Path pidFile, Path dataDir) {
    return readPid(pidFile)
        .flatMap(ProcessHandle::of)
        .filter(p -> p.isAlive() && isServerOf(p, dataDir));
  }

  static boolean isServerOf(ProcessHandle process, Path dataDir) {
    ProcessHandle.Info info = process.info();
    boolean java = info.command().map(c -> c.equals("java") || c.endsWith("/java")).orElse(false);
    List<String> args = info.arguments().map(List::of).orElse(List.of());
    return java && args.contains(marker(dataDir));
  }

  public static Optional<Long> readPid(Path pidFile) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public static void write(Path pidFile, long pid) {
    try {
      Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
      Files.writeString(tmp, pid + "\n");
      Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + pidFile, e);
    }
  }

  /** Deletes {@code pidFile} if it still names {@code pid} (another start may have taken the dir over since). */
  public static void delete(Path pidFile, long pid) {
    if (readPid(pidFile).filter(p -> p == pid).isPresent()) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not delete " + pidFile, e);
      }
    }
  }

  /** SIGTERM, up to {@link #STOP_GRACE} to exit, then SIGKILL. Returns once the process is gone. */
  public static void stop(ProcessHandle process) {
    process.destroy();
    if (!awaitExit(process, STOP_GRACE)) {
      kill(process);
    }
  }

  /** SIGKILL, and wait (briefly) until the process is gone so that its ports are free again. */
  public static void kill(ProcessHandle process) {
    process.destroyForcibly();
    awaitExit(process, KILL_WAIT);
  }

  public static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
