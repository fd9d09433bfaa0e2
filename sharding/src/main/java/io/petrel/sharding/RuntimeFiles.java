package io.petrel.sharding;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Petrel's runtime bootstraps, copied from the node's classpath to a folder runtimes can read: the Python and
 * Node.js bootstraps, and for the java* runtimes the AWS Lambda Java Runtime Interface Client's jars (listed in
 * {@code runtimes/java/index.txt}) under {@code java/}, with the RIC's native library for this platform.
 */
public final class RuntimeFiles {
  private static final List<String> FILES = List.of("python/bootstrap.py", "nodejs/bootstrap.mjs");
  private static final String JAVA_INDEX = "java/index.txt";
  private static final String RIC_JAR = "aws-lambda-java-runtime-interface-client.jar";
  /** Where the RIC's native library is installed, relative to the folder; see {@link #javaNativeLibrary}. */
  public static final String JAVA_NATIVE_LIBRARY = "java/libaws-lambda-jni.so";

  private RuntimeFiles() {}

  /** Creates {@code dir}, removing what a previous run of the node left in it. */
  public static Path emptyFolder(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }

  /** Writes (or refreshes) the bootstraps and the Java runtime's jars under {@code dir} and returns it. */
  public static Path install(Path dir) {
    try {
      List<String> files = new ArrayList<>(FILES);
      List<String> jars = javaJars();
      jars.forEach(jar -> files.add("java/" + jar));
      for (String file : files) {
        Path target = dir.resolve(file);
        Files.createDirectories(target.getParent());
        try (InputStream in = RuntimeFiles.class.getResourceAsStream("runtimes/" + file)) {
          if (in == null) {
            throw new IllegalStateException("the node's jar lacks runtimes/" + file);
          }
          copy(in, target);
        }
      }
      removeStaleJars(dir.resolve("java"), jars);
      installNativeLibrary(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install runtime bootstraps in " + dir, e);
    }
  }

  /**
   * The RIC's native library installed under {@code dir}, if this platform has one. The RIC otherwise unpacks it
   * itself to one fixed file, /tmp/.libaws-lambda-jni.so, which environments starting at once would race on.
   */
  public static Optional<Path> javaNativeLibrary(Path dir) {
    Path lib = dir.resolve(JAVA_NATIVE_LIBRARY);
    return Files.isRegularFile(lib) ? Optional.of(lib) : Optional.empty();
  }

  /** The jar names in the index: one a line, blank lines and #-comments ignored. */
  private static List<String> javaJars() throws IOException {
    try (InputStream in = RuntimeFiles.class.getResourceAsStream("runtimes/" + JAVA_INDEX)) {
      if (in == null) {
        throw new IllegalStateException("the node's jar lacks runtimes/" + JAVA_INDEX);
      }
      List<String> jars = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          if (name.contains("/") || !name.endsWith(".jar")) {
            throw new IllegalStateException("runtimes/" + JAVA_INDEX + " lists " + name + ", not a jar name");
          }
          jars.add(name);
        }
      }
      return jars;
    }
  }

  /** Jars a previous version of the node installed would otherwise join the runtime's class path (java/*). */
  private static void removeStaleJars(Path javaDir, List<String> jars) throws IOException {
    try (var entries = Files.list(javaDir)) {
      for (Path f : entries.toList()) {
        if (f.getFileName().toString().endsWith(".jar") && !jars.contains(f.getFileName().toString())) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** Unpacks the RIC's native library for this OS, architecture and C library, or removes a stale one. */
  private static void installNativeLibrary(Path dir) throws IOException {
    Path target = dir.resolve(JAVA_NATIVE_LIBRARY);
    Optional<String> entry = nativeLibraryEntry();
    if (entry.isEmpty()) {
      Files.deleteIfExists(target);
      return;
    }
    try (ZipFile ric = new ZipFile(dir.resolve("java").resolve(RIC_JAR).toFile())) {
      ZipEntry lib = ric.getEntry(entry.get());
      if (lib == null) {
        Files.deleteIfExists(target);
        return;
      }
      try (InputStream in = ric.getInputStream(lib)) {
        copy(in, target);
      }
    }
  }

  private static Optional<String> nativeLibraryEntry() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.empty();
    }
    String arch = switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch_64";
      default -> null;
    };
    if (arch == null) {
      return Optional.empty();
    }
    String libc = isMusl() ? "linux_musl-" : "linux-";
    return Optional.of("jni/libaws-lambda-jni." + libc + arch + ".so");
  }

  /** Alpine and other musl systems have the musl dynamic loader, /lib/ld-musl-ARCH.so.1. */
  private static boolean isMusl() {
    try (var libs = Files.list(Path.of("/lib"))) {
      return libs.anyMatch(f -> f.getFileName().toString().startsWith("ld-musl-"));
    } catch (IOException e) {
      return false;
    }
  }

  private static void copy(InputStream in, Path target) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
