package io.petrel.sharding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Memory, process-count and CPU limits for execution environments, with cgroups. {@link #detect} finds a writable
 * {@code memory}, {@code pids} and {@code cpu} controller (cgroup v2 where it offers them, else the v1 hierarchies) and sets up
 * a parent group named {@code groupName} under the node's own cgroup where it may (so limits on the node still
 * hold), else at the top of the hierarchy. {@link #create} makes one group per environment below it: v1
 * {@code memory.limit_in_bytes} (and {@code memory.memsw.limit_in_bytes} when present, so swap cannot bypass it)
 * {@code pids.max} and a CFS quota per 100 ms period ({@code cpu.cfs_quota_us}); v2 {@code memory.max},
 * {@code memory.swap.max=0}, {@code memory.oom.group=1}, {@code pids.max} and {@code cpu.max}. A controller that
 * is not writable here is simply not limited: {@link #memoryLimited()}, {@link #pidsLimited()},
 * {@link #cpuLimited()} and {@link #describe()} say so, and the group methods then do nothing. On v2 the node
 * cannot enable controllers below a cgroup holding processes, its own included: it needs the top (root) or a
 * delegated empty cgroup.
 *
 * <p>A process joins its group by {@link Group#add} right after it was started, so what it does in its first
 * moments (bwrap setting up the sandbox) is not limited. bwrap forks at once, so {@code add} also moves the
 * children the process has forked by then: nothing started before the move escapes the group. The pid limit
 * also counts the sandbox's own processes (bwrap's monitor and its pid 1). Closing a group first sets its pid
 * limit to 0, so a fork bomb cannot refill it while it is being emptied, and lifts its CPU quota, so that what
 * is killed is not throttled on its way out.
 */
public final class ResourceLimits implements AutoCloseable {
  /** One controller: the parent group environment groups go in, on cgroup v1 or v2. */
  private record Controller(boolean v2, Path parent, boolean created) {
  }

  /** The CFS period a CPU quota is counted in, in microseconds (the kernel's default). */
  static final long CPU_PERIOD_US = 100_000;

  private final Controller memory;
  private final Controller pids;
  private final Controller cpu;

  private ResourceLimits(Controller memory, Controller pids, Controller cpu) {
    this.memory = memory;
    this.pids = pids;
    this.cpu = cpu;
  }

  /** Finds what this machine lets us limit; never fails (an unusable controller is reported as not limited). */
  public static ResourceLimits detect(String groupName) {
    if (!groupName.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("bad cgroup name: " + groupName);
    }
    List<String> mounts = lines(Path.of("/proc/self/mountinfo"));
    List<String> own = lines(Path.of("/proc/self/cgroup"));
    return new ResourceLimits(controller("memory", groupName, mounts, own),
        controller("pids", groupName, mounts, own), controller("cpu", groupName, mounts, own));
  }

  public boolean memoryLimited() {
    return memory != null;
  }

  public boolean pidsLimited() {
    return pids != null;
  }

  public boolean cpuLimited() {
    return cpu != null;
  }

  /**
   * The CPUs a function of {@code memoryMb} gets: as on Lambda, 1769 MB buy one CPU, but never less than
   * {@code minCpus}. E.g. 128 MB with a floor of 1 get 1 CPU, 3538 MB get 2.
   */
  public static double cpus(int memoryMb, double minCpus) {
    return Math.max(minCpus, memoryMb / 1769.0);
  }

  /** One line for the node's startup log. */
  public String describe() {
    java.util.function.BiFunction<String, Controller, String> one = (name, c) -> c == null ? name
        + " not limited (no writable " + name + " controller)" : name + " limited with cgroup " + (c.v2 ? "v2" : "v1")
        + " under " + c.parent;
    return "cgroups: " + one.apply("memory", memory) + "; " + one.apply("pids", pids) + "; "
        + one.apply("cpu", cpu);
  }

  /** A new group for one environment, without a CPU limit. */
  public Group create(String envId, long memoryBytes, int maxPids) throws IOException {
    return create(envId, memoryBytes, maxPids, 0);
  }

  /**
   * A new group for one environment (a stale one of the same name is emptied and replaced), limited to
   * {@code cpus} CPUs of time when that is positive.
   */
  public Group create(String envId, long memoryBytes, int maxPids, double cpus) throws IOException {
    String name = envId.replaceAll("[^A-Za-z0-9_.-]", "_");
    Group group = new Group(memory == null ? null : memory.parent.resolve(name),
        pids == null ? null : pids.parent.resolve(name), cpu == null || cpus <= 0 ? null : cpu.parent.resolve(name));
    try {
      for (Path dir : group.dirs()) {
        if (Files.isDirectory(dir)) {
          killAll(dir);
          remove(dir);
        }
        Files.createDirectory(dir);
      }
      if (memory != null && memory.v2) {
        write(group.memory.resolve("memory.max"), Long.toString(memoryBytes));
        writeIfPresent(group.memory.resolve("memory.swap.max"), "0");
        writeIfPresent(group.memory.resolve("memory.oom.group"), "1");
      } else if (memory != null) {
        write(group.memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
        writeIfPresent(group.memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
      }
      if (pids != null) {
        write(group.pids.resolve("pids.max"), Integer.toString(maxPids));
      }
      if (group.cpu != null) {
        long quota = Math.max(1000, (long) (cpus * CPU_PERIOD_US));
        if (cpu.v2) {
          write(group.cpu.resolve("cpu.max"), quota + " " + CPU_PERIOD_US);
        } else {
          write(group.cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
          write(group.cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota));
        }
      }
    } catch (IOException e) {
      group.close();
      throw e;
    }
    return group;
  }

  /** Removes the parent groups detect created, if they are empty. */
  @Override
  public void close() {
    Stream.of(memory, pids, cpu).filter(c -> c != null && c.created).forEach(c -> c.parent.toFile().delete());
  }

  /** The cgroup(s) of one environment: v1 has one per controller, v2 one for all. */
  public static final class Group implements AutoCloseable {
    private final Path memory;
    private final Path pids;
    private final Path cpu;

    private Group(Path memory, Path pids, Path cpu) {
      this.memory = memory;
      this.pids = pids;
      this.cpu = cpu;
    }

    List<Path> dirs() {
      return Stream.of(memory, pids, cpu).filter(Objects::nonNull).distinct().toList();
    }

    /** Whether a fork or clone in this group failed at its pid limit. */
    public boolean pidLimitReached() {
      return pids != null && field(pids.resolve("pids.events"), "max").orElse(0L) > 0;
    }

    /** Moves a process, and the children it has already forked, into this group. */
    public void add(long pid) throws IOException {
      Set<Long> moved = new HashSet<>();
      List<Long> round = List.of(pid);
      for (int i = 0; i < 50 && !moved.containsAll(round); i++) { // until a pass finds nothing new
        for (long p : round) {
          for (Path dir : dirs()) {
            try {
              write(dir.resolve("cgroup.procs"), Long.toString(p));
            } catch (IOException e) {
              if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
                throw e;
              }
            }
          }
          moved.add(p);
        }
        round = ProcessHandle.of(pid).map(h -> h.descendants().map(ProcessHandle::pid).toList()).orElse(List.of());
      }
    }

    /** The processes in this group now. */
    public List<Long> processes() {
      return dirs().stream().findFirst().map(d -> lines(d.resolve("cgroup.procs"))).orElse(List.of()).stream()
          .map(l -> Long.parseLong(l.trim())).toList();
    }

    /** The most memory the group used, in bytes (v2 without memory.peak: the current use); -1 if unknown. */
    public long peakMemoryBytes() {
      return memory == null ? -1 : Stream.of("memory.peak", "memory.max_usage_in_bytes", "memory.current")
          .flatMap(f -> number(memory.resolve(f)).stream()).findFirst().orElse(-1L);
    }

    /** Whether the kernel's OOM killer killed a process of this group. */
    public boolean oomKilled() {
      if (memory == null) {
        return false;
      }
      Optional<Long> kills = Stream.of("memory.events", "memory.oom_control")
          .flatMap(f -> field(memory.resolve(f), "oom_kill").stream()).findFirst();
      // kernels before 4.13 lack oom_kill in v1's oom_control: hitting the limit is the best sign there is
      return kills.isPresent() ? kills.get() > 0 : number(memory.resolve("memory.failcnt")).orElse(0L) > 0;
    }

    /** Kills whatever still runs in the group (v2: cgroup.kill) and removes it. */
    @Override
    public void close() {
      dirs().forEach(ResourceLimits::killAll);
      dirs().forEach(ResourceLimits::remove);
    }
  }

  private static Controller controller(String name, String groupName, List<String> mounts, List<String> own) {
    for (String line : mounts) { // "id parent dev root mountpoint opts... - fstype source superopts"
      String[] left = line.split(" - ", 2)[0].split(" ");
      String[] right = line.contains(" - ") ? line.split(" - ", 2)[1].split(" ") : new String[0];
      boolean v2 = right.length > 0 && right[0].equals("cgroup2");
      if (left.length < 5 || !v2 && !(right.length > 2 && right[0].equals("cgroup")
          && List.of(right[2].split(",")).contains(name))) {
        continue;
      }
      Path mount = Path.of(left[4]);
      Path root = Path.of(left[3]);
      Set<Path> bases = new LinkedHashSet<>();
      for (String entry : own) { // "id:controllers:path", v2 is "0::path"
        String[] parts = entry.split(":", 3);
        if (parts.length == 3 && (v2 ? parts[1].isEmpty() : List.of(parts[1].split(",")).contains(name))) {
          Path path = Path.of(parts[2]);
          bases.add(path.startsWith(root) ? mount.resolve(root.relativize(path).toString()) : mount);
        }
      }
      bases.add(mount);
      for (Path base : bases) {
        Controller c = setUp(name, v2, base, base.resolve(groupName));
        if (c != null) {
          return c;
        }
      }
    }
    return null;
  }

  private static Controller setUp(String name, boolean v2, Path base, Path parent) {
    if (!Files.isDirectory(base) || v2 && !List.of(lines(base.resolve("cgroup.controllers")).stream().findFirst()
        .orElse("").split(" ")).contains(name)) {
      return null;
    }
    boolean created = !Files.isDirectory(parent);
    try {
      if (v2) {
        write(base.resolve("cgroup.subtree_control"), "+" + name); // EBUSY when base holds processes
        Files.createDirectories(parent);
        write(parent.resolve("cgroup.subtree_control"), "+" + name);
      } else if (!Files.isWritable(Files.createDirectories(parent).resolve(switch (name) {
        case "memory" -> "memory.limit_in_bytes";
        case "cpu" -> "cpu.cfs_quota_us";
        default -> "pids.max";
      }))) {
        throw new IOException("read-only");
      }
      return new Controller(v2, parent, created);
    } catch (IOException e) {
      if (created) {
        parent.toFile().delete();
      }
      return null;
    }
  }

  private static void killAll(Path dir) {
    writeIfPresent(dir.resolve("pids.max"), "0"); // nothing in it can fork any more
    // throttled processes take as long to die as to run: a fork bomb's thousand copies share one CPU quota
    writeIfPresent(dir.resolve("cpu.cfs_quota_us"), "-1");
    writeIfPresent(dir.resolve("cpu.max"), "max");
    if (writeIfPresent(dir.resolve("cgroup.kill"), "1")) { // v2 on kernels from 5.14
      return;
    }
    long self = ProcessHandle.current().pid();
    long end = System.nanoTime() + 5_000_000_000L;
    for (; System.nanoTime() < end; LockSupport.parkNanos(20_000_000L)) {
      List<String> pids = lines(dir.resolve("cgroup.procs"));
      if (pids.isEmpty()) {
        return;
      }
      pids.stream().map(p -> Long.parseLong(p.trim())).filter(p -> p != self)
          .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** rmdir, retried for a while: a group is busy until its last process is gone; else left for the next create. */
  private static void remove(Path dir) {
    long end = System.nanoTime() + 5_000_000_000L;
    for (; System.nanoTime() < end; LockSupport.parkNanos(20_000_000L)) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (IOException e) {
        // EBUSY: try again
      }
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
  }

  private static boolean writeIfPresent(Path file, String value) {
    try {
      write(file, value);
      return true;
    } catch (IOException e) {
      return false; // absent (cgroupfs makes no files), or refused
    }
  }

  private static Optional<Long> number(Path file) {
    return lines(file).stream().findFirst().map(String::trim).filter(s -> s.matches("\\d+")).map(Long::parseLong);
  }

  private static Optional<Long> field(Path file, String key) {
    return lines(file).stream().map(l -> l.trim().split("\\s+")).filter(f -> f.length == 2 && f[0].equals(key))
        .map(f -> Long.parseLong(f[1])).findFirst();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
