package io.petrel.sharding.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One execution environment: a runtime process, started with its code at the task root and
 * AWS_LAMBDA_RUNTIME_API pointing at its own {@link RuntimeApi}. Its stdout and stderr go, in the order they are
 * written, to one log file; {@link #newLogLines()} returns what was completed since the last call. A write is in
 * the file as soon as the process made it, so every line printed before a runtime posted its response is there
 * when the response arrives: no reader thread to wait for.
 */
public final class Environment {
  private static final int MAX_LINE = 256 * 1024;

  private final Process process;
  private final RuntimeApi api;
  private final Path logFile;
  private final long startedNanos;
  private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
  private long logOffset;

  private Environment(Process process, RuntimeApi api, Path logFile, long startedNanos) {
    this.process = process;
    this.api = api;
    this.logFile = logFile;
    this.startedNanos = startedNanos;
  }

  /** Starts the process; returns at once (initialization is {@link RuntimeApi#firstPoll()}). */
  public static Environment start(List<String> command, Map<String, String> env, Path workingDir, RuntimeApi api,
      Path logFile) throws IOException {
    Files.createDirectories(logFile.getParent());
    Files.deleteIfExists(logFile);
    Files.createFile(logFile);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.environment().clear();
    pb.environment().putAll(env);
    long started = System.nanoTime();
    Process process = pb.start();
    return new Environment(process, api, logFile, started);
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

  /** Peak resident memory of the process and its descendants, in MB, from /proc. */
  public int maxMemoryUsedMb() {
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
    api.close();
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
