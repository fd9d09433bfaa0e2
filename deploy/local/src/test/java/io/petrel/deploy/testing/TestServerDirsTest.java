package io.petrel.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.deploy.Sleeper;
import io.petrel.deploy.internal.JvmCommand;
import io.petrel.deploy.internal.ServerPids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestServerDirsTest {
  private static final String KIND = "orphan-test";
  private static final String PID_FILE = "server.pid";

  @Test
  void a_new_dir_stops_the_servers_whose_test_jvm_is_gone_and_keeps_the_others() throws Exception {
    Process deadOwner = new ProcessBuilder("true").start();
    deadOwner.waitFor(10, TimeUnit.SECONDS);
    Path orphanDir = serverDir("orphan", deadOwner.pid());
    Path ownedDir = serverDir("owned", ProcessHandle.current().pid());
    Process orphan = fakeServer(orphanDir);
    Process owned = fakeServer(ownedDir);
    try {
      Path fresh = TestServerDirs.create(KIND, PID_FILE);

      assertThat(orphan.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(owned.isAlive()).isTrue();
      assertThat(fresh.getFileName().toString()).matches(KIND + "-[a-z0-9]{8}");
      assertThat(ServerPids.readPid(fresh.resolve("owner.pid"))).contains(ProcessHandle.current().pid());
    } finally {
      orphan.destroyForcibly();
      owned.destroyForcibly();
    }
  }

  private static Path serverDir(String name, long ownerPid) throws IOException {
    Path dir = Files.createDirectories(
        Path.of("target", "test-servers", KIND + "-" + name + UniqueNames.randomToken(4)).toAbsolutePath());
    ServerPids.write(dir.resolve("owner.pid"), ownerPid);
    return dir;
  }

  private static Process fakeServer(Path dir) throws IOException {
    Process process = new ProcessBuilder(JvmCommand.currentJava().toString(), ServerPids.marker(dir),
        "-cp", System.getProperty("java.class.path"), Sleeper.class.getName()).start();
    ServerPids.write(dir.resolve(PID_FILE), process.pid());
    return process;
  }
}
