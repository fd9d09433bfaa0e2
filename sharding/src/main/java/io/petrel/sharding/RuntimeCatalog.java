package io.petrel.sharding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda runtime identifiers this node can run, each mapped to the interpreter that runs it. Found at start
 * from what is installed (python3.x and node on the PATH, this JVM and other JDKs under /usr/lib/jvm), plus
 * explicit mappings from configuration, which win. Custom runtimes ({@code provided*}) need no interpreter.
 */
public final class RuntimeCatalog {

  /** The kinds of runtime, each with its own bootstrap and handler format. */
  public enum Family { PYTHON, NODEJS, JAVA, PROVIDED }

  /** One supported runtime id and what runs it (empty for custom runtimes). */
  public record Runtime(String id, Family family, Optional<Path> interpreter) {}

  private static final Pattern PYTHON_VERSION = Pattern.compile("Python 3\\.(\\d+)");
  private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.");
  private static final Pattern JAVA_RELEASE = Pattern.compile("JAVA_VERSION=\"(\\d+)");
  private static final List<String> CUSTOM = List.of("provided", "provided.al2", "provided.al2023");

  private final Map<String, Runtime> runtimes;

  public RuntimeCatalog(Map<String, Runtime> runtimes) {
    this.runtimes = Map.copyOf(runtimes);
  }

  /** Detects installed interpreters; {@code configured} maps runtime ids to interpreter paths and overrides. */
  public static RuntimeCatalog detect(Map<String, String> configured) {
    Map<String, Runtime> found = new LinkedHashMap<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path path = Path.of(dir);
      List<Path> pythons = new java.util.ArrayList<>();
      pythons.add(path.resolve("python3"));
      for (int minor = 8; minor <= 20; minor++) {
        pythons.add(path.resolve("python3." + minor));
      }
      for (Path candidate : pythons) {
        pythonInterpreter(candidate).ifPresent(python -> found.putIfAbsent(python.id(), python));
      }
      probe(path.resolve("node"), "--version", NODE_VERSION).ifPresent(major ->
          found.putIfAbsent("nodejs" + major + ".x",
              new Runtime("nodejs" + major + ".x", Family.NODEJS, Optional.of(path.resolve("node")))));
    }
    Path thisJava = Path.of(System.getProperty("java.home"), "bin", "java");
    String thisId = "java" + java.lang.Runtime.version().feature();
    found.put(thisId, new Runtime(thisId, Family.JAVA, Optional.of(thisJava)));
    for (Path jdk : listDirectories(Path.of("/usr/lib/jvm"))) {
      javaRelease(jdk).ifPresent(feature -> found.putIfAbsent("java" + feature,
          new Runtime("java" + feature, Family.JAVA, Optional.of(jdk.resolve("bin/java")))));
    }
    for (String id : CUSTOM) {
      found.put(id, new Runtime(id, Family.PROVIDED, Optional.empty()));
    }
    configured.forEach((id, interpreter) -> familyOf(id).ifPresent(family ->
        found.put(id, new Runtime(id, family, Optional.of(Path.of(interpreter))))));
    return new RuntimeCatalog(found);
  }

  /** The family a runtime id belongs to by its name alone, if it is a Lambda runtime id at all. */
  public static Optional<Family> familyOf(String id) {
    if (id.matches("python3\\.\\d+")) {
      return Optional.of(Family.PYTHON);
    }
    if (id.matches("nodejs\\d+\\.x")) {
      return Optional.of(Family.NODEJS);
    }
    if (id.matches("java\\d+")) {
      return Optional.of(Family.JAVA);
    }
    return CUSTOM.contains(id) ? Optional.of(Family.PROVIDED) : Optional.empty();
  }

  public Optional<Runtime> find(String id) {
    return Optional.ofNullable(runtimes.get(id));
  }

  /** Supported ids, sorted, for error messages and the node's start banner. */
  public List<String> ids() {
    return runtimes.keySet().stream().sorted().toList();
  }

  /**
   * The real interpreter behind a python3 command (wrappers such as version-manager shims resolved through
   * sys.executable), so environments start it directly.
   */
  private static Optional<Runtime> pythonInterpreter(Path exe) {
    if (!Files.isExecutable(exe)) {
      return Optional.empty();
    }
    try {
      Process p = new ProcessBuilder(exe.toString(), "-c",
          "import sys; print('Python %d.%d' % sys.version_info[:2]); print(sys.executable)")
          .redirectErrorStream(true).start();
      String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.length < 2) {
        p.destroyForcibly();
        return Optional.empty();
      }
      Matcher m = PYTHON_VERSION.matcher(out[0]);
      Path real = Path.of(out[out.length - 1].trim());
      return m.find() && Files.isExecutable(real)
          ? Optional.of(new Runtime("python3." + m.group(1), Family.PYTHON, Optional.of(real)))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<Integer> probe(Path exe, String arg, Pattern version) {
    if (!Files.isExecutable(exe)) {
      return Optional.empty();
    }
    try {
      Process p = new ProcessBuilder(exe.toString(), arg).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      Matcher m = version.matcher(new String(out, StandardCharsets.UTF_8));
      return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<Integer> javaRelease(Path jdk) {
    Path release = jdk.resolve("release");
    if (!Files.isExecutable(jdk.resolve("bin/java")) || !Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      Matcher m = JAVA_RELEASE.matcher(Files.readString(release));
      return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<Path> listDirectories(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
