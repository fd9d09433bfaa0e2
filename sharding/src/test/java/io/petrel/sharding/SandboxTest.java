package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes in real bubblewrap sandboxes (skipped only where bwrap is not installed). */
class SandboxTest {
  static Sandbox sandbox;

  @TempDir
  Path dataDir;
  Path taskRoot;
  Path runtimes;

  @BeforeAll
  static void detect() {
    sandbox = Sandbox.detect().orElse(null);
  }

  @BeforeEach
  void layOutADataDir() throws Exception {
    // like <data-dir>/code/<sha256>/ and <data-dir>/runtimes/, next to things the sandbox must not see
    taskRoot = Files.createDirectories(dataDir.resolve("code").resolve("ab12cd"));
    Files.writeString(taskRoot.resolve("handler.py"), "print('hello from the task')\n");
    runtimes = Files.createDirectories(dataDir.resolve("runtimes").resolve("python"));
    Files.writeString(runtimes.resolve("bootstrap.py"), "print('bootstrap')\n");
    Files.writeString(dataDir.resolve("node-secret.txt"), "s3cret");
  }

  @Test
  void builds_the_documented_command_line_and_keeps_the_host_network() {
    Sandbox s = new Sandbox("/usr/bin/bwrap", Sandbox.UserMode.SETPRIV, "/usr/bin/setpriv", true);
    List<String> args = s.wrap(List.of("/usr/bin/node", "/x/bootstrap.mjs"), Path.of("/data/code/ab"),
        List.of(Path.of("/root/.pyenv/versions/3.11.7"), Path.of("/data/runtimes")), 64L << 20);

    assertThat(args.get(0)).isEqualTo("/usr/bin/bwrap");
    assertThat(args).doesNotContain("--unshare-net", "--unshare-all", "--share-net");
    assertThat(Collections.indexOfSubList(args, List.of("--size", Long.toString(64L << 20), "--tmpfs", "/tmp")))
        .isPositive();
    assertThat(Collections.indexOfSubList(args, List.of("--ro-bind", "/data/code/ab", "/var/task"))).isPositive();
    assertThat(Collections.indexOfSubList(args, List.of("--ro-bind", "/data/runtimes", "/data/runtimes")))
        .isPositive();
    assertThat(Collections.indexOfSubList(args, List.of("--perms", "0755", "--dir", "/root"))).isPositive();
    assertThat(args).contains("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session", "--proc", "--dev");
    assertThat(Collections.indexOfSubList(args, List.of("--chdir", "/var/task"))).isPositive();
    assertThat(args.subList(args.size() - 2, args.size())).containsExactly("/usr/bin/node", "/x/bootstrap.mjs");
  }

  @Test
  void task_root_is_readable_at_var_task_but_not_writable() throws Exception {
    Run run = run("pwd; cat handler.py; touch /var/task/new.txt && echo WROTE; echo status=$?");

    assertThat(run.output).contains("/var/task\n", "hello from the task").doesNotContain("WROTE");
    assertThat(taskRoot.resolve("new.txt")).doesNotExist();
  }

  @Test
  void tmp_is_a_private_writable_tmpfs_of_the_given_size() throws Exception {
    String name = "petrel-sandbox-" + UUID.randomUUID();
    Path hostTmpFile = Files.writeString(Path.of("/tmp", name + "-host"), "host");
    try {
      Run run = run("echo inside > /tmp/" + name + " && cat /tmp/" + name + "; ls /tmp/" + name + "-host;"
          + " head -c 2000000 /dev/zero > /tmp/big || echo FULL");

      assertThat(run.output).contains("inside", "No such file", "FULL");
      assertThat(Path.of("/tmp", name)).doesNotExist();
    } finally {
      Files.deleteIfExists(hostTmpFile);
    }
  }

  @Test
  void host_folders_that_are_not_bound_are_invisible() throws Exception {
    Path rootDir = Files.createDirectories(Path.of("/root", "petrel-sandbox-test-" + UUID.randomUUID()));
    Files.writeString(rootDir.resolve("secret.txt"), "top secret");
    try {
      Run run = run("cat " + rootDir.resolve("secret.txt") + " " + dataDir.resolve("node-secret.txt") + ";"
          + " echo ---; ls -A " + dataDir + "; echo ---; ls /work /home; cat /etc/shadow");

      String[] parts = run.output.split("---\n");
      assertThat(run.output).doesNotContain("top secret", "s3cret").contains("No such file", "Permission denied");
      assertThat(parts[1]).as("the data dir holds only the bound runtimes").isEqualTo("runtimes\n");
    } finally {
      Files.deleteIfExists(rootDir.resolve("secret.txt"));
      Files.deleteIfExists(rootDir);
    }
  }

  @Test
  void runs_as_an_unprivileged_user_on_its_own_host() throws Exception {
    Run run = run("id -u; hostname; grep CapEff /proc/self/status");

    List<String> lines = run.output.lines().toList();
    assertThat(lines.get(0)).isNotEqualTo("0");
    assertThat(lines.get(1)).isEqualTo(Sandbox.HOSTNAME);
    assertThat(lines.get(2)).matches("CapEff:\\s+0+");
  }

  @Test
  void the_user_namespace_fallback_also_runs_as_an_unprivileged_uid() throws Exception {
    requireBwrap();
    assumeTrue(sandbox.userMode() == Sandbox.UserMode.SETPRIV && Files.isExecutable(Path.of("/usr/bin/bwrap")));
    Sandbox fallback = new Sandbox("/usr/bin/bwrap", Sandbox.UserMode.USER_NAMESPACE, null, true);
    Process process = start(fallback.wrap(List.of("/bin/sh", "-c", "id -u; cat handler.py"), taskRoot, List.of(),
        1_000_000));

    assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(Sandbox.UID + "\nprint('hello from the task')\n");
  }

  @Test
  void sees_only_its_own_processes() throws Exception {
    Run run = run("echo pid=$$; ls /proc | grep -E '^[0-9]+$' | wc -l");

    List<String> lines = run.output.lines().toList();
    assertThat(Integer.parseInt(lines.get(0).substring(4))).isLessThanOrEqualTo(2);
    assertThat(Integer.parseInt(lines.get(1).trim())).isLessThanOrEqualTo(6);
  }

  @Test
  void reaches_a_tcp_server_on_the_host_loopback() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
        try (Socket client = server.accept();
            BufferedReader in = new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
          String line = in.readLine();
          out.println("pong");
          return line;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Run run = run("exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; echo ping >&3; read reply <&3;"
          + " echo got=$reply");

      assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("ping");
      assertThat(run.output).contains("got=pong");
    }
  }

  @Test
  void runs_an_interpreter_installed_outside_usr_from_a_read_only_path() throws Exception {
    Path python = ResourceLimitsTest.realPython();
    Path prefix = python.getParent().getParent();

    Run run = runIn(List.of(python.toString(), runtimes.resolve("bootstrap.py").toString()),
        List.of(prefix, runtimes));

    assertThat(run.exit).as(run.output).isZero();
    assertThat(run.output).isEqualTo("bootstrap\n");
  }

  @Test
  void a_sandboxed_process_is_held_by_its_cgroup() throws Exception {
    requireBwrap();
    String parent = "petrel-sbx-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (ResourceLimits limits = ResourceLimits.detect(parent)) {
      assumeTrue(limits.memoryLimited(), limits.describe());
      Path python = ResourceLimitsTest.realPython();
      Files.writeString(taskRoot.resolve("hog.py"),
          "import time\ntime.sleep(0.2)\nx = b'x' * (200 * 1024 * 1024)\ntime.sleep(5)\n");
      try (ResourceLimits.Group group = limits.create("sbx-" + UUID.randomUUID(), 64L << 20, 64)) {
        Process process = start(sandbox.wrap(List.of(python.toString(), "hog.py"), taskRoot,
            List.of(python.getParent().getParent()), 16L << 20));
        group.add(process.pid());

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(group.oomKilled()).isTrue();
      }
    }
  }

  record Run(int exit, String output) {
  }

  private void requireBwrap() {
    assumeTrue(sandbox != null, "bubblewrap (bwrap) is not installed or does not work here");
  }

  private Run run(String script) throws Exception {
    return runIn(List.of("/bin/bash", "-c", script), List.of(runtimes));
  }

  private Run runIn(List<String> command, List<Path> readOnly) throws Exception {
    requireBwrap();
    Process process = start(sandbox.wrap(command, taskRoot, readOnly, 1_000_000));
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static Process start(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().put("LANG", "C.UTF-8");
    return pb.start();
  }
}
