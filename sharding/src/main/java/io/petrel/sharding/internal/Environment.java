package io.petrel.sharding.internal;

import io.petrel.sharding.NetworkIsolation;
import io.petrel.sharding.ResourceLimits;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One execution environment: a runtime process, started with its code at the task root and
 * AWS_LAMBDA_RUNTIME_API pointing at its own {@link RuntimeApi}. Its stdout and stderr go, in the order they are
 * written, to one log file; {@link #newLogLines()} returns what was completed since the last call. A write is in
 * the file as soon as the process made it, so every line printed before a runtime posted its response is there
 * when the response arrives: no reader thread to wait for.
 *
 * <p>A process sandboxed with its own network namespace waits until the node has connected it: this class starts
 * pasta for it (see {@link NetworkIsolation}) and stops pasta when the environment ends.
 */
public final class Environment {
  private static final int MAX_LINE = 256 * 1024;

  private final Process process;
  private final Optional<ResourceLimits.Group> limits;
  private final Optional<Process> network;
  private final RuntimeApi api;
  private final Path logFile;
  private final long startedNanos;
  private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
  private long logOffset;

  private Environment(Process process, Optional<ResourceLimits.Group> limits, Optional<Process> network,
      RuntimeApi api, Path logFile, long startedNanos) {
    this.process = process;
    this.limits = limits;
    this.network = network;
    this.api = api;
    this.logFile = logFile;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts the process, inside {@code limits} when given (it is moved there right after it starts); returns at
   * once (initialization is {@link RuntimeApi#firstPoll()}).
   */
  public static Environment start(List<String> command, Map<String, String> env, Path workingDir, RuntimeApi api,
      Path logFile, Optional<ResourceLimits.Group> limits) throws IOException {
    return start(command, env, workingDir, api, logFile, limits, Optional.empty());
  }

  /**
   * As above, for a command sandboxed with its own network namespace when {@code network} is given: the call
   * returns once pasta connected it (it blocks for that: call it where blocking is allowed).
   */
  public static Environment start(List<String> command, Map<String, String> env, Path workingDir, RuntimeApi api,
      Path logFile, Optional<ResourceLimits.Group> limits, Optional<NetworkIsolation> network) throws IOException {
    Files.createDirectories(logFile.getParent());
    Files.deleteIfExists(logFile);
    Files.createFile(logFile);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile())
        .redirectInput(network.isPresent() ? ProcessBuilder.Redirect.PIPE
            : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.environment().clear();
    pb.environment().putAll(env);
    long started = System.nanoTime();
    Process process = spawn(pb);
    if (limits.isPresent()) {
      try {
        limits.get().add(process.pid());
      } catch (IOException e) {
        process.destroyForcibly();
        limits.get().close();
        throw e;
      }
    }
    Optional<Process> pasta = Optional.empty();
    if (network.isPresent()) {
      try {
        pasta = Optional.of(connect(process, network.get(), port(api.address()), logFile));
      } catch (IOException e) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        limits.ifPresent(ResourceLimits.Group::close);
        throw e;
      }
    }
    return new Environment(process, limits, pasta, api, logFile, started);
  }

  private static final long CONNECT_TIMEOUT_NANOS = 10_000_000_000L;

  /**
   * Attaches pasta to the network namespace of the sandbox's first process (bwrap's child), waits until pasta
   * is ready (its pid file), then lets the sandbox go on; pasta is stopped when the sandbox ends.
   */
  private static Process connect(Process sandbox, NetworkIsolation network, int port, Path logFile)
      throws IOException {
    long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
    Path ownNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
    long namespacePid = -1;
    while (namespacePid < 0) {
      for (ProcessHandle child : sandbox.children().toList()) {
        try {
          if (!Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "ns", "net")).equals(ownNamespace)) {
            namespacePid = child.pid();
          }
        } catch (IOException e) {
          // gone or not readable yet
        }
      }
      if (namespacePid < 0) {
        awaitStep(sandbox, null, deadline, "its network namespace did not appear");
      }
    }
    Path pidFile = logFile.resolveSibling(logFile.getFileName() + ".pasta");
    Path pastaLog = logFile.resolveSibling(logFile.getFileName() + ".pasta.log");
    Process pasta = null;
    try {
      for (int attempt = 1; pasta == null; attempt++) { // pasta has been seen to exit at start now and then
        Files.deleteIfExists(pidFile);
        Process started = spawn(new ProcessBuilder(network.pastaCommand(namespacePid, port, pidFile))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true).redirectOutput(pastaLog.toFile()));
        try {
          while (!Files.isRegularFile(pidFile) || Files.size(pidFile) == 0) {
            awaitStep(sandbox, started, deadline, "pasta did not connect it");
          }
          pasta = started;
        } catch (IOException e) {
          boolean exitedAtStart = !started.isAlive();
          started.destroyForcibly();
          if (!exitedAtStart || !sandbox.isAlive() || attempt == 3) {
            String said = Files.exists(pastaLog) ? Files.readString(pastaLog).strip() : "";
            throw new IOException(e.getMessage() + (said.isEmpty() ? "" : ": " + said), e);
          }
        }
      }
      sandbox.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
      sandbox.getOutputStream().close();
    } catch (IOException e) {
      if (pasta != null) {
        pasta.destroyForcibly();
      }
      throw e;
    } finally {
      Files.deleteIfExists(pidFile);
      Files.deleteIfExists(pastaLog);
    }
    sandbox.onExit().thenRun(pasta::destroyForcibly);
    return pasta;
  }

  private static void awaitStep(Process sandbox, Process pasta, long deadline, String what) throws IOException {
    if (!sandbox.isAlive() || pasta != null && !pasta.isAlive() || System.nanoTime() > deadline) {
      throw new IOException("the environment's network could not be set up: " + what
          + (pasta != null && !pasta.isAlive() ? " (pasta exited with status " + pasta.exitValue() + ")" : ""));
    }
    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /**
   * Sandboxed processes die with their parent (bwrap --die-with-parent), and Linux means the thread that
   * started them: so every process is started from one thread that lives as long as the node.
   */
  private static final java.util.concurrent.ExecutorService SPAWNER =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "petrel-spawner");
        t.setDaemon(true);
        return t;
      });

  private static Process spawn(ProcessBuilder pb) throws IOException {
    try {
      return SPAWNER.submit(pb::start).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a runtime", e);
    }
  }

  public RuntimeApi api() {
    return api;
  }

  public long startedNanos() {
    return startedNanos;
  }

  public CompletionStage<Process> exited() {
    return process.onExit();
  }

  /** Whether a fork in this environment failed at its process limit. */
  public boolean pidLimitReached() {
    return limits.map(ResourceLimits.Group::pidLimitReached).orElse(false);
  }

  /** Whether the process was killed for going past its memory limit. */
  public boolean oomKilled() {
    return limits.map(ResourceLimits.Group::oomKilled).orElse(false);
  }

  /** Peak memory: the cgroup's when limited, else the peak resident memory of the processes from /proc. */
  public int maxMemoryUsedMb() {
    long peak = limits.map(ResourceLimits.Group::peakMemoryBytes).orElse(-1L);
    if (peak > 0) {
      return (int) Math.max(1, (peak + (1 << 20) - 1) >> 20);
    }
    long kb = peakKb(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      kb += peakKb(child.pid());
    }
    return (int) Math.max(1, (kb + 1023) / 1024);
  }

  /**
   * Complete lines written since the last call; with {@code includePartial}, an unfinished last line too (the
   * process is gone or the invocation is over and nothing more belongs to it). Called by one thread at a time.
   */
  public synchronized List<String> newLogLines(boolean includePartial) {
    List<String> lines = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = file.length();
      if (length > logOffset) {
        file.seek(logOffset);
        byte[] bytes = new byte[(int) Math.min(length - logOffset, 16L * 1024 * 1024)];
        file.readFully(bytes);
        logOffset += bytes.length;
        for (byte b : bytes) {
          if (b == '\n') {
            lines.add(takeLine());
          } else if (partial.size() < MAX_LINE) {
            partial.write(b);
          }
        }
      }
    } catch (IOException e) {
      lines.add("[petrel] could not read the environment's output: " + e.getMessage());
    }
    if (includePartial && partial.size() > 0) {
      lines.add(takeLine());
    }
    return lines;
  }

  private String takeLine() {
    String text = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** Kills the process and everything it started, closes the Runtime API and removes the log file. */
  public void destroy() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    network.ifPresent(Process::destroyForcibly);
    api.close();
    limits.ifPresent(ResourceLimits.Group::close);
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException ignored) {
      // the log folder is cleared at node start
    }
  }

  private static long peakKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is gone: nothing to add
    }
    return 0;
  }
}
