package io.petrel.sharding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Builds the bubblewrap ({@code bwrap}) command line that runs a runtime process in its own sandbox.
 *
 * <p>Contract of {@link #wrap}: the process sees a fresh root holding only a read-only system ({@code /usr},
 * {@code /etc}, and {@code /bin /sbin /lib /lib64 /lib32} as symlinks or read-only binds, as on the host), each
 * of the given read-only paths at its host path (interpreter installs, Petrel's runtime bootstraps), the code at
 * {@code /var/task} (read-only, also the working directory), a private size-limited tmpfs at {@code /tmp}, its
 * own {@code /proc} and a minimal {@code /dev}. Nothing else of the host is visible: not {@code /root},
 * {@code /work}, the host's {@code /tmp} or the node's data folder. It gets new PID, IPC, UTS (hostname
 * {@value #HOSTNAME}) and, where possible, cgroup namespaces, a new session, and dies with the node. Given denied
 * networks, it also gets its own network namespace with outbound access only ({@link NetworkIsolation}; the
 * runtime still calls its Runtime API on 127.0.0.1); otherwise it keeps the host's network namespace.
 *
 * <p>User: when the node runs as root, the process runs as the real host uid/gid {@value #UID} with no
 * capabilities, switched by {@code setpriv} inside the sandbox, so everything bound in must be world-readable
 * (Petrel's code cache and runtime files are). {@code --unshare-user --uid 993} is deliberately only the
 * fallback, for when setpriv is missing or fails: bwrap started by root maps that sandbox uid to host uid 0, so
 * the "unprivileged" process would still own every root-owned file it can see (it can read {@code /etc/shadow}).
 * When the node is not root, the process keeps the node's own uid. {@link #detect()} tries the modes in that
 * order by running {@code id -u} in a real sandbox. /dev/shm is not writable (as on Lambda).
 */
public final class Sandbox {
  public static final int UID = 993;
  public static final String HOSTNAME = "petrel";
  public static final String TASK_ROOT = "/var/task";
  private static final List<String> SYSTEM_LINKS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32");

  /** How the sandboxed process gets an unprivileged identity. */
  public enum UserMode {
    /** Root node: {@code setpriv} drops to the real host uid {@value #UID}, no capabilities. */
    SETPRIV,
    /** Root node without a working setpriv: {@code --unshare-user --uid 993}, which is host root underneath. */
    USER_NAMESPACE,
    /** The node is not root: the process keeps the node's uid. */
    SAME_USER
  }

  private final String bwrap;
  private final UserMode userMode;
  private final String setpriv;
  private final boolean tmpSize;
  private final Optional<NetworkIsolation> network;

  Sandbox(String bwrap, UserMode userMode, String setpriv, boolean tmpSize) {
    this(bwrap, userMode, setpriv, tmpSize, Optional.empty());
  }

  Sandbox(String bwrap, UserMode userMode, String setpriv, boolean tmpSize, Optional<NetworkIsolation> network) {
    this.bwrap = bwrap;
    this.userMode = userMode;
    this.setpriv = setpriv;
    this.tmpSize = tmpSize;
    this.network = network;
  }

  /** Finds a working bwrap and the best working user mode; empty when bwrap is absent or cannot run here. */
  public static Optional<Sandbox> detect() {
    Optional<String> bwrap = onPath("bwrap");
    if (bwrap.isEmpty()) {
      return Optional.empty();
    }
    boolean size = run(List.of(bwrap.get(), "--help")).orElse("").contains("--size"); // bwrap 0.7 and later
    List<Sandbox> candidates = new ArrayList<>();
    if (isRoot()) {
      onPath("setpriv").filter(p -> p.startsWith("/usr/") || p.startsWith("/bin/"))
          .ifPresent(p -> candidates.add(new Sandbox(bwrap.get(), UserMode.SETPRIV, p, size,
              NetworkIsolation.detect(p))));
      candidates.add(new Sandbox(bwrap.get(), UserMode.USER_NAMESPACE, null, size));
    } else {
      candidates.add(new Sandbox(bwrap.get(), UserMode.SAME_USER, null, size));
    }
    for (Sandbox candidate : candidates) {
      Optional<String> uid = run(candidate.wrap(List.of("id", "-u"), Path.of("/usr"), List.of(), 1 << 20));
      if (uid.isPresent() && (candidate.userMode == UserMode.SAME_USER || uid.get().equals(Integer.toString(UID)))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public UserMode userMode() {
    return userMode;
  }

  /**
   * How environments get their own network namespace; empty when they share the host's: pasta or ip is
   * missing, or the node is not root (only a root node can keep the function from owning its namespace).
   */
  public Optional<NetworkIsolation> network() {
    return network;
  }

  /** For the node's startup log. */
  public String describe() {
    return "bubblewrap sandbox (" + bwrap + ", " + switch (userMode) {
      case SETPRIV -> "runs as uid " + UID + " via setpriv";
      case USER_NAMESPACE -> "runs as uid " + UID + " in a user namespace (host root underneath)";
      case SAME_USER -> "runs as the node's own user";
    } + (tmpSize ? "" : ", /tmp not size-limited: bwrap before 0.7") + ")";
  }

  /** {@link #wrap(List, Path, List, long, Optional)} in the host's network namespace. */
  public List<String> wrap(List<String> command, Path taskRoot, List<Path> readOnlyPaths, long tmpBytes) {
    return wrap(command, taskRoot, readOnlyPaths, tmpBytes, Optional.empty());
  }

  /**
   * The command line that runs {@code command} (paths as seen inside the sandbox) with {@code taskRoot} at
   * {@code /var/task}, each of {@code readOnlyPaths} (absolute, existing) read-only at the same path, and a
   * {@code tmpBytes} tmpfs at {@code /tmp}. The caller's environment variables pass through unchanged. With
   * {@code deniedNetworks}, the process gets its own network namespace where those networks are refused, and
   * waits on its stdin until {@link NetworkIsolation} connected it (see there); this needs {@link #network()}.
   */
  public List<String> wrap(List<String> command, Path taskRoot, List<Path> readOnlyPaths, long tmpBytes,
      Optional<List<String>> deniedNetworks) {
    if (deniedNetworks.isPresent() && network.isEmpty()) {
      throw new IllegalStateException("this sandbox cannot give environments their own network");
    }
    if (command.isEmpty() || tmpBytes <= 0) {
      throw new IllegalArgumentException("a command and a positive /tmp size are required");
    }
    List<String> args = new ArrayList<>(List.of(bwrap, "--ro-bind", "/usr", "/usr"));
    for (String link : SYSTEM_LINKS) {
      Path path = Path.of(link);
      if (Files.isSymbolicLink(path)) {
        args.addAll(List.of("--symlink", readLink(path), link));
      } else if (Files.isDirectory(path)) {
        args.addAll(List.of("--ro-bind", link, link));
      }
    }
    args.addAll(List.of("--ro-bind", "/etc", "/etc"));
    resolvConf().ifPresent(real -> args.addAll(List.of("--ro-bind", real.toString(), real.toString())));
    args.addAll(List.of("--perms", "1777"));
    if (tmpSize) {
      args.addAll(List.of("--size", Long.toString(tmpBytes)));
    }
    args.addAll(List.of("--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev", "--perms", "0755", "--dir", "/var",
        "--ro-bind", taskRoot.toAbsolutePath().toString(), TASK_ROOT));
    TreeSet<Path> bound = new TreeSet<>();
    for (Path ro : readOnlyPaths) {
      if (!ro.isAbsolute()) {
        throw new IllegalArgumentException("read-only paths must be absolute: " + ro);
      }
      bound.add(ro.normalize());
    }
    // parents that bwrap would create copy the host's modes (/root is 0700): create them traversable instead
    TreeSet<Path> parents = new TreeSet<>();
    for (Path ro : bound) {
      for (Path parent = ro.getParent(); parent != null && parent.getNameCount() > 0; parent = parent.getParent()) {
        parents.add(parent);
      }
    }
    parents.removeIf(d -> systemPath(d) || d.equals(Path.of("/tmp")) || d.equals(Path.of("/var"))
        || bound.stream().anyMatch(d::startsWith));
    for (Path dir : parents) {
      args.addAll(List.of("--perms", "0755", "--dir", dir.toString()));
    }
    for (Path ro : bound) {
      args.addAll(List.of("--ro-bind", ro.toString(), ro.toString()));
    }
    args.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--hostname", HOSTNAME, "--die-with-parent", "--new-session", "--chdir", TASK_ROOT));
    if (deniedNetworks.isPresent()) {
      args.add("--unshare-net");
    }
    if (userMode == UserMode.USER_NAMESPACE) { // (a non-root sandbox user gets no capabilities from bwrap)
      args.addAll(List.of("--unshare-user", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID),
          "--disable-userns"));
    }
    args.add("--");
    deniedNetworks.ifPresent(denied -> args.addAll(network.get().prologue(denied)));
    if (userMode == UserMode.SETPRIV) {
      args.addAll(List.of(setpriv, "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "--inh-caps=-all",
          "--bounding-set=-all", "--"));
    }
    args.addAll(command);
    return List.copyOf(args);
  }

  private static boolean systemPath(Path path) {
    return path.startsWith("/usr") || path.startsWith("/etc") || path.startsWith("/proc") || path.startsWith("/dev")
        || SYSTEM_LINKS.stream().anyMatch(path::startsWith);
  }

  /** Runs a short command; its output when it exits with 0 within 10 s. */
  private static Optional<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** /etc/resolv.conf is often a symlink out of /etc (systemd-resolved): bind its target so DNS still works. */
  private static Optional<Path> resolvConf() {
    try {
      Path real = Path.of("/etc/resolv.conf").toRealPath();
      return real.startsWith("/etc") || real.startsWith("/usr") ? Optional.empty() : Optional.of(real);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String readLink(Path path) {
    try {
      return Files.readSymbolicLink(path).toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the symlink " + path, e);
    }
  }

  static Optional<String> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>(List.of(path.split(":")));
    dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).map(p -> p.toAbsolutePath().toString())
        .findFirst();
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException ignored) {
      // not Linux: bwrap will not work either
    }
    return "root".equals(System.getProperty("user.name"));
  }
}
