package io.petrel.loadtest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The reference for cold starts: how long the bare interpreter takes to start and exit doing nothing
 * ({@code python -c pass}, {@code node -e 0}), timed around ProcessBuilder.start and waitFor. It uses the
 * interpreters a node on this machine uses: the real python behind {@code python3} (version-manager shims
 * resolved through sys.executable) and the first {@code node} on the PATH.
 */
final class InterpreterBaseline {

  /** An interpreter and the command that starts it doing nothing. */
  record Interpreter(String executable, String version, List<String> noopCommand) {
    String commandLine() {
      return String.join(" ", noopCommand);
    }
  }

  /** The timed starts of one interpreter. */
  record Result(Interpreter interpreter, Histogram startup) {}

  private InterpreterBaseline() {}

  /** The interpreter for a runtime id ("python3.11", "nodejs20.x"). */
  static Interpreter forRuntime(String runtimeId) {
    if (runtimeId.startsWith("python")) {
      String[] out = output(List.of("python3", "-c",
          "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])")).split("\n");
      if (out.length < 2 || out[0].isBlank()) {
        throw new BenchmarkException("python3 did not report its sys.executable");
      }
      String exe = out[0].trim();
      return new Interpreter(exe, "Python " + out[1].trim(), List.of(exe, "-c", "pass"));
    }
    if (runtimeId.startsWith("nodejs")) {
      String exe = onPath("node");
      return new Interpreter(exe, "Node " + output(List.of(exe, "--version")).trim(), List.of(exe, "-e", "0"));
    }
    throw new BenchmarkException("no bare interpreter reference for runtime " + runtimeId);
  }

  /** Starts the interpreter {@code runs} times (after one unrecorded start that warms the file cache). */
  static Result measure(Interpreter interpreter, int runs) {
    startAndWait(interpreter);
    Histogram startup = Latencies.newHistogram();
    for (int i = 0; i < runs; i++) {
      Latencies.recordNanos(startup, startAndWait(interpreter));
    }
    return new Result(interpreter, startup);
  }

  private static long startAndWait(Interpreter interpreter) {
    ProcessBuilder builder = new ProcessBuilder(interpreter.noopCommand())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    try {
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new BenchmarkException(interpreter.commandLine() + " did not exit within 60 s");
      }
      long nanos = System.nanoTime() - start;
      if (process.exitValue() != 0) {
        throw new BenchmarkException(interpreter.commandLine() + " exited with " + process.exitValue());
      }
      return nanos;
    } catch (IOException e) {
      throw new BenchmarkException("cannot run " + interpreter.commandLine() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }

  private static String onPath(String command) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return Path.of(dir, command).toString();
      }
    }
    throw new BenchmarkException(command + " is not on the PATH");
  }

  private static String output(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new BenchmarkException(String.join(" ", command) + " failed: " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new BenchmarkException("cannot run " + String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }
}
