package io.petrel.loadtest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code petrel dev} node the benchmark starts as its own process, from the built petrel.jar, on a free port
 * with a temporary data dir, its output in {@code node.log} beside it. Stopping it sends SIGTERM (the node's
 * CoordinatedShutdown stops its runtimes), then SIGKILL to it and to whatever it left running after 60 s; the
 * dir is deleted, except the log after a failed run.
 */
final class BenchNode {
  private static final Pattern READY = Pattern.compile("ready: (http://[^\\s]+:\\d+)");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);

  private final Process process;
  private final Path dir;
  private final URI endpoint;
  private volatile boolean stopped;

  private BenchNode(Process process, Path dir, URI endpoint) {
    this.process = process;
    this.dir = dir;
    this.endpoint = endpoint;
  }

  /**
   * Starts {@code java [BENCH_NODE_JAVA_OPTS] -D<property>=<value>... -jar jar dev --port 0 --data-dir ...} and
   * returns once it printed its ready line.
   */
  static BenchNode start(Path jar, List<String> systemProperties) {
    checkJar(jar);
    Path dir;
    try {
      dir = Files.createTempDirectory("petrel-bench-node");
    } catch (IOException e) {
      throw new BenchmarkException("cannot create a directory for the node: " + e.getMessage());
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String javaOpts = System.getenv().getOrDefault("BENCH_NODE_JAVA_OPTS", "").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(Arrays.asList(javaOpts.split("\\s+")));
    }
    systemProperties.forEach(p -> command.add("-D" + p));
    command.addAll(List.of("-jar", jar.toString(), "dev", "--port", "0", "--data-dir", dir.resolve("data").toString()));
    Path log = dir.resolve("node.log");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new BenchmarkException("cannot start the node (" + String.join(" ", command) + "): " + e.getMessage());
    }
    BenchNode node = new BenchNode(process, dir, null);
    try {
      return new BenchNode(process, dir, awaitReady(process, log));
    } catch (RuntimeException e) {
      node.stop(true);
      throw e;
    }
  }

  /** Throws unless {@code jar} exists, so that a run can say so before it starts anything else. */
  static void checkJar(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new BenchmarkException(jar + " does not exist: build the node (mvn -q package -pl node -am"
          + " -DskipTests)");
    }
  }

  URI endpoint() {
    return endpoint;
  }

  Path log() {
    return dir.resolve("node.log");
  }

  long pid() {
    return process.pid();
  }

  /** Throws when the node has exited (rather than let the run wait for its timeouts). */
  void checkRunning() {
    if (!stopped && !process.isAlive()) {
      throw new BenchmarkException("the node exited during the run with status " + process.exitValue()
          + " (see the end of its log, " + log() + ")");
    }
  }

  /** Stops the node and deletes its dir; after a failure, keeps its log and says where. Idempotent. */
  synchronized void stop(boolean failed) {
    if (stopped) {
      return;
    }
    stopped = true;
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println("bench-events: the node did not stop within " + STOP_WAIT.toSeconds() + " s: killing it");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    if (failed && Files.isRegularFile(log())) {
      BenchCassandra.deleteAllBut(dir, log());
      System.err.println("bench-events: the node's log kept in " + log());
    } else {
      BenchCassandra.deleteAllBut(dir, null);
    }
  }

  private static URI awaitReady(Process process, Path log) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      String output = read(log);
      Matcher ready = READY.matcher(output);
      if (ready.find()) {
        return URI.create(ready.group(1));
      }
      if (!process.isAlive()) {
        throw new BenchmarkException("the node exited with status " + process.exitValue() + " before it was"
            + " ready; its output:\n" + tail(output));
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("the node printed no ready line within " + READY_TIMEOUT.toSeconds()
            + " s; its output:\n" + tail(output));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkException("interrupted");
      }
    }
  }

  private static String read(Path log) {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
