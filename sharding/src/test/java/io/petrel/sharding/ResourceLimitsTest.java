package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real processes in real cgroups. Needs root (as on CI); skipped for other users, who cannot write cgroups. */
class ResourceLimitsTest {
  static ResourceLimits limits;

  @BeforeAll
  static void detect() {
    limits = ResourceLimits.detect("petrel-test-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  static void removeParents() {
    limits.close();
  }

  @BeforeEach
  void requireRoot() throws Exception {
    assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(l -> l.matches("Uid:\\s+0\\s.*")),
        "cgroups are only writable by root here");
  }

  @Test
  void finds_writable_memory_and_pids_controllers() {
    assertThat(limits.memoryLimited()).as(limits.describe()).isTrue();
    assertThat(limits.pidsLimited()).as(limits.describe()).isTrue();
    assertThat(limits.describe()).contains("memory limited with cgroup", "pids limited with cgroup");
  }

  @Test
  void a_process_allocating_more_than_its_limit_is_oom_killed() throws Exception {
    try (ResourceLimits.Group group = limits.create("oom-" + UUID.randomUUID(), 64L << 20, 64)) {
      Process process = python(
          "import time\ntime.sleep(0.2)\nx = b'x' * (200 * 1024 * 1024)\nprint('survived')\ntime.sleep(5)\n");
      group.add(process.pid());

      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .doesNotContain("survived");
      assertThat(process.exitValue()).isEqualTo(128 + 9);
      assertThat(group.oomKilled()).isTrue();
    }
  }

  @Test
  void a_process_within_its_limit_is_not_reported_as_oom_killed_and_its_peak_is_measured() throws Exception {
    try (ResourceLimits.Group group = limits.create("peak-" + UUID.randomUUID(), 256L << 20, 64)) {
      Process process = python("import time\ntime.sleep(0.3)\nx = b'x' * (30 * 1024 * 1024)\ntime.sleep(0.3)\n");
      group.add(process.pid());

      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      assertThat(group.oomKilled()).isFalse();
      assertThat(group.peakMemoryBytes()).isGreaterThan(30L << 20).isLessThan(256L << 20);
    }
  }

  @Test
  void forking_stops_at_max_pids() throws Exception {
    // Python rather than bash: bash retries a failed fork with back-off (~15 s each) instead of failing
    String script = """
        import os, sys, time
        time.sleep(0.3)
        n = 0
        for i in range(500):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(3)
                os._exit(0)
            n += 1
        print(n, flush=True)
        for _ in range(n):
            os.wait()
        """;
    try (ResourceLimits.Group group = limits.create("pids-" + UUID.randomUUID(), 256L << 20, 20)) {
      Process process = python(script);
      group.add(process.pid());
      String forked = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      List<Long> inGroup = group.processes();

      assertThat(Integer.parseInt(forked)).isBetween(10, 19);
      assertThat(inGroup).hasSizeBetween(11, 20).contains(process.pid());
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void add_also_moves_the_children_a_process_has_already_forked() throws Exception {
    ResourceLimits.Group group = limits.create("kids-" + UUID.randomUUID(), 64L << 20, 64);
    Process process = new ProcessBuilder("/bin/bash", "-c", "sleep 30 & sleep 30 & wait").start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (process.descendants().count() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<Long> children = process.descendants().map(ProcessHandle::pid).toList();
      group.add(process.pid());

      assertThat(group.processes()).contains(process.pid()).containsAll(children).hasSize(3);
    } finally {
      group.close();
    }
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("close killed them all").isTrue();
  }

  @Test
  void close_kills_what_still_runs_and_removes_the_group() throws Exception {
    ResourceLimits.Group group = limits.create("close-" + UUID.randomUUID(), 64L << 20, 64);
    List<Path> dirs = group.dirs();
    Process process = new ProcessBuilder("/bin/sleep", "60").start();
    group.add(process.pid());
    assertThat(dirs).isNotEmpty().allMatch(Files::isDirectory);

    group.close();

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(dirs).noneMatch(Files::exists);
  }

  /** The interpreter behind python3 (which may be a pyenv shim). */
  static Path realPython() throws Exception {
    Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Path.of(out).toRealPath();
  }

  private static Process python(String script) throws Exception {
    return new ProcessBuilder(realPython().toString(), "-c", script).redirectErrorStream(true).start();
  }
}
