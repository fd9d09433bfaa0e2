package io.petrel.deploy.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How to launch one server JVM. The classpath travels in the CLASSPATH environment variable, which keeps the
 * command line short enough to read in {@code ps}; the first option marks the process with its data dir, which
 * is how a later start or {@code deploy/servers stop} recognises it (see {@link ServerPids}).
 */
public record JvmCommand(Path java, String classpath, List<String> options, String mainClass, List<String> args) {
  private static final long MAX_INITIAL_HEAP = 256L << 20;
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  public JvmCommand {
    options = List.copyOf(options);
    args = List.copyOf(args);
  }

  /** The {@code java} of the running JVM. */
  public static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * -Xms and -Xmx for a maximum heap such as "1g" or "512m". The initial heap stays small: as root, Cassandra
   * locks all committed memory, so a large -Xms would pin it for nothing.
   */
  public static List<String> heapOptions(String maxHeap) {
    long max = parseSize(maxHeap);
    long initial = Math.min(max, MAX_INITIAL_HEAP);
    return List.of("-Xms" + (initial >> 20) + "m", "-Xmx" + maxHeap);
  }

  static long parseSize(String size) {
    String s = size.trim().toLowerCase(Locale.ROOT);
    if (!s.matches("[0-9]+[kmg]")) {
      throw new IllegalArgumentException("heap must look like 512m or 2g, was: " + size);
    }
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    int shift = switch (s.charAt(s.length() - 1)) {
      case 'k' -> 10;
      case 'm' -> 20;
      default -> 30;
    };
    if (n << shift >> shift != n || (n << shift) < (16L << 20)) {
      throw new IllegalArgumentException("heap must be at least 16m, was: " + size);
    }
    return n << shift;
  }

  /**
   * The process to start, working in {@code dataDir}, reading nothing. With {@code ownSession} (for servers that
   * outlive this JVM) it runs in a new session where setsid(1) exists, out of reach of signals meant for the
   * terminal or process group it was started from; setsid execs java, so the pid stays the JVM's.
   */
  public ProcessBuilder processBuilder(Path dataDir, boolean ownSession) {
    List<String> command = new ArrayList<>();
    if (ownSession && Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(java.toString());
    command.add(ServerPids.marker(dataDir));
    command.addAll(options);
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile());
    builder.environment().put("CLASSPATH", classpath);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return builder;
  }
}
