package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the bootstraps' own test suite (src/test/python/test_bootstraps.py): the Python and Node.js bootstraps
 * against a fake Runtime API, in real interpreter processes.
 */
class BootstrapScriptsTest {

  @Test
  void python_and_nodejs_bootstraps_pass_their_runtime_api_suite() throws IOException, InterruptedException {
    Path suite = Path.of("src", "test", "python", "test_bootstraps.py").toAbsolutePath();
    Process process = new ProcessBuilder("python3", suite.toString()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue())
        .as("test_bootstraps.py output:%n%s", new String(output, StandardCharsets.UTF_8))
        .isZero();
  }
}
