package io.petrel.deploy.internal;

import io.petrel.deploy.ServerStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server JVM launched by this JVM. {@link #start} stops a leftover server of the same data dir (a run that
 * was killed before it could stop it), checks that the ports are free, launches the JVM with its output appended
 * to the log file, writes the pid file, and returns once the log shows the ready line and the client port
 * accepts connections. A server that does not get there is killed, and the exception carries its last log lines.
 */
public final class ServerProcess {
  /**
   * What to launch and how to tell it is ready.
   *
   * @param name how messages name the server, e.g. "Cassandra 127.0.0.1:9042"
   * @param ports every address the server binds, all checked free before launching
   * @param stopOnExit whether this JVM stops the server when it exits; if not, the server gets its own session
   */
  public record Spec(
      String name,
      Path dataDir,
      Path pidFile,
      Path logFile,
      JvmCommand command,
      List<InetSocketAddress> ports,
      String readyLine,
      InetSocketAddress readyAddress,
      Duration startTimeout,
      boolean stopOnExit) {
    public Spec {
      ports = List.copyOf(ports);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
  private static final int TAIL_LINES = 30;
  private static final long POLL_MILLIS = 100;
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

  private final Spec spec;
  private final Process process;

  private ServerProcess(Spec spec, Process process) {
    this.spec = spec;
    this.process = process;
  }

  /**
   * Stops a leftover server of the data dir and checks that the ports are free; {@link #start} does it too, so
   * call it only to fail fast before preparing a start (formatting storage, say).
   */
  public static void clearTheWay(Spec spec) {
    stopLeftover(spec.pidFile(), spec.dataDir());
    for (InetSocketAddress address : spec.ports()) {
      if (!Ports.isFree(address)) {
        throw new ServerStartException(spec.name() + " (data dir " + spec.dataDir() + ") cannot start: "
            + address.getHostString() + ":" + address.getPort() + " is already in use");
      }
    }
  }

  public static ServerProcess start(Spec spec) {
    clearTheWay(spec);
    LogFile logFile = LogFile.startingWith(spec.logFile(), banner("starting " + spec.name()));
    long began = System.nanoTime();
    Process process = launch(spec.name(), spec.command(), spec.dataDir(), spec.logFile(), !spec.stopOnExit());
    ServerProcess server = new ServerProcess(spec, process);
    try {
      if (spec.stopOnExit()) {
        ExitHook.add(process.toHandle());
      }
      ServerPids.write(spec.pidFile(), process.pid());
      server.awaitReady(logFile);
    } catch (RuntimeException e) {
      server.kill();
      throw e;
    }
    log.info("{} ready in {} ms (pid {}, data dir {})",
        spec.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), process.pid(), spec.dataDir());
    return server;
  }

  /** Runs a command-line tool of a server (e.g. to format storage) to completion, its output in the log. */
  public static void runTool(String name, JvmCommand command, Path dataDir, Path logFile, Duration timeout) {
    LogFile watched = LogFile.startingWith(logFile, banner("running " + name));
    Process process = launch(name, command, dataDir, logFile, false);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ServerPids.kill(process.toHandle());
        throw failure(name + " (data dir " + dataDir + ") did not finish within " + timeout.toSeconds() + " s",
            watched);
      }
    } catch (InterruptedException e) {
      ServerPids.kill(process.toHandle());
      Thread.currentThread().interrupt();
      throw failure(name + " (data dir " + dataDir + ") was interrupted", watched);
    }
    if (process.exitValue() != 0) {
      throw failure(name + " (data dir " + dataDir + ") failed with exit code " + process.exitValue(), watched);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then SIGKILL if it has not exited after {@link ServerPids#STOP_GRACE}. Idempotent. */
  public void stop() {
    ServerPids.stop(process.toHandle());
    forget();
  }

  /** SIGKILL at once. Idempotent. */
  public void kill() {
    ServerPids.kill(process.toHandle());
    forget();
  }

  private void forget() {
    ExitHook.remove(process.toHandle());
    ServerPids.delete(spec.pidFile(), process.pid());
  }

  private void awaitReady(LogFile logFile) {
    long deadline = System.nanoTime() + spec.startTimeout().toNanos();
    boolean logged = false;
    while (true) {
      logged = logged || logFile.sawNew(spec.readyLine());
      if (logged && Ports.accepts(spec.readyAddress(), CONNECT_TIMEOUT)) {
        return;
      }
      if (!process.isAlive()) {
        throw notStarted("its JVM exited with code " + process.exitValue(), logFile);
      }
      if (System.nanoTime() > deadline) {
        throw notStarted("it was not ready after " + spec.startTimeout().toSeconds() + " s ("
            + (logged ? "no connection to " + spec.readyAddress() : "no \"" + spec.readyLine() + "\" in its log")
            + ")", logFile);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw notStarted("the start was interrupted", logFile);
      }
    }
  }

  private static void stopLeftover(Path pidFile, Path dataDir) {
    ServerPids.running(pidFile, dataDir).ifPresent(leftover -> {
      log.warn("Stopping the server left running in {} (pid {}) before starting a new one", dataDir, leftover.pid());
      ServerPids.stop(leftover);
    });
  }

  private static Process launch(String name, JvmCommand command, Path dataDir, Path logFile, boolean ownSession) {
    try {
      return command.processBuilder(dataDir, ownSession)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new ServerStartException("Could not launch " + name + " with " + command.java() + ": " + e.getMessage(), e);
    }
  }

  private ServerStartException notStarted(String reason, LogFile logFile) {
    return failure(spec.name() + " (data dir " + spec.dataDir() + ") did not start: " + reason, logFile);
  }

  private static ServerStartException failure(String what, LogFile logFile) {
    return new ServerStartException(what + ". Last " + TAIL_LINES + " lines of " + logFile.path() + ":"
        + System.lineSeparator() + logFile.tail(TAIL_LINES));
  }

  private static String banner(String what) {
    return "---- petrel-deploy: " + what + " at " + Instant.now() + " ----";
  }
}
