package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.petrel.persistence.EnvironmentKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * Environment variables at rest, as a user of {@code petrel dev} sees them: the function gets its variables and
 * the API answers them, while the files in the data dir hold them only encrypted; a node given another key
 * answers an error and says in its log which setting holds the key.
 */
class EnvironmentKeyIT {
  private static final Pattern READY = Pattern.compile("ready: http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dataDir;

  @Test
  void the_function_and_the_api_see_a_variable_the_data_dir_holds_only_encrypted() throws Exception {
    String secret = "secret-" + UUID.randomUUID();
    PetrelNode node = TestNodes.start(dataDir);
    try (LambdaClient lambda = TestNodes.client(node.port())) {
      createVault(lambda, node, secret);
      lambda.publishVersion(b -> b.functionName("vault"));

      assertThat(lambda.invoke(b -> b.functionName("vault")).payload().asUtf8String())
          .isEqualTo("\"" + secret + "\"");
      assertThat(lambda.invoke(b -> b.functionName("vault:1")).payload().asUtf8String())
          .isEqualTo("\"" + secret + "\"");
      assertThat(lambda.getFunctionConfiguration(b -> b.functionName("vault")).environment().variables())
          .containsEntry("SECRET", secret);
      assertThat(lambda.getFunctionConfiguration(b -> b.functionName("vault").qualifier("1")).environment()
          .variables()).containsEntry("SECRET", secret);
    } finally {
      node.stop();
    }

    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<Path> databaseFiles;
    try (var files = Files.list(dataDir)) {
      databaseFiles = files.filter(f -> f.getFileName().toString().startsWith("petrel.db")).toList();
    }
    assertThat(databaseFiles).contains(dataDir.resolve("petrel.db"));
    for (Path file : databaseFiles) {
      assertThat(contains(Files.readAllBytes(file), needle)).as("%s holds the value in plaintext", file).isFalse();
    }
    Path keyFile = dataDir.resolve("environment.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

    // The generated key is kept: a restarted node reads what the first one wrote.
    PetrelNode again = TestNodes.start(dataDir);
    try (LambdaClient lambda = TestNodes.client(again.port())) {
      assertThat(lambda.getFunctionConfiguration(b -> b.functionName("vault")).environment().variables())
          .containsEntry("SECRET", secret);
    } finally {
      again.stop();
    }
  }

  @Test
  void a_node_given_another_key_refuses_to_start_and_names_the_setting_that_holds_its_key() throws Exception {
    String secret = "secret-" + UUID.randomUUID();
    String firstKey = EnvironmentKey.generate();
    PetrelNode node = TestNodes.start(dataDir, Map.of("petrel.store.environment-key", firstKey));
    try (LambdaClient lambda = TestNodes.client(node.port())) {
      createVault(lambda, node, secret);
    } finally {
      node.stop();
    }

    Path jar = Path.of("target", "petrel.jar").toAbsolutePath();
    assertThat(jar).as("the runnable jar built by mvn package").exists();
    Path log = dataDir.resolve("node.log");
    Path otherKey = dataDir.resolve("other.key");
    Files.writeString(otherKey, EnvironmentKey.generate());
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dpetrel.store.environment-key-file=" + otherKey, "-jar", jar.toString(), "dev", "--port", "0",
        "--data-dir", dataDir.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("exited").isTrue();
      assertThat(process.exitValue()).isNotZero();
      assertThat(Files.readString(log))
          .contains("vault:$LATEST")
          .contains("were encrypted with environment key")
          .contains("from petrel.store.environment-key-file (" + otherKey + ")")
          .doesNotContain("ready: http")
          .doesNotContain(secret);
    } finally {
      process.destroyForcibly();
    }

    // The new key with the one that wrote them as a previous key: a change of key.
    PetrelNode rotated = TestNodes.start(dataDir, Map.of("petrel.store.environment-key-file", otherKey.toString(),
        "petrel.store.previous-environment-keys", List.of(firstKey)));
    try (LambdaClient lambda = TestNodes.client(rotated.port())) {
      assertThat(lambda.getFunctionConfiguration(b -> b.functionName("vault")).environment().variables())
          .containsEntry("SECRET", secret);
      lambda.updateFunctionConfiguration(b -> b.functionName("vault").description("written with the new key"));
    } finally {
      rotated.stop();
    }
    PetrelNode newKeyOnly = TestNodes.start(dataDir, Map.of("petrel.store.environment-key-file", otherKey.toString()));
    try (LambdaClient lambda = TestNodes.client(newKeyOnly.port())) {
      assertThat(lambda.invoke(b -> b.functionName("vault")).payload().asUtf8String())
          .isEqualTo("\"" + secret + "\"");
    } finally {
      newKeyOnly.stop();
    }
  }

  private static void createVault(LambdaClient lambda, PetrelNode node, String secret) {
    String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine has no python3; Petrel's tests need one"));
    lambda.createFunction(b -> b.functionName("vault").runtime(python).handler("app.handler")
        .role("arn:aws:iam::000000000000:role/petrel")
        .environment(e -> e.variables(Map.of("SECRET", secret)))
        .code(c -> c.zipFile(TestNodes.pythonZip("return __import__('os').environ['SECRET']"))));
  }

  /** The port the node in {@code process} says (in {@code log}) it is ready on. */
  private static int readyPort(Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = READY.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!process.isAlive()) {
        throw new AssertionError("petrel dev exited before it was ready:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("petrel dev was not ready within 2 minutes:\n" + Files.readString(log));
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
