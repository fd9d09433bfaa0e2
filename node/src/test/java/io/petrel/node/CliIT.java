package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The petrel command line as a user runs it: the packaged jar in its own process, against a dev node, from
 * deploying a folder to reading the function's logs. The tests run in order, as the user's session would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
  private static final Path JAR = Path.of("target", "petrel.jar");
  private static final String APP = """
      def handler(event, context):
          print("hello from the cli test", event)
          if event.get("fail"):
              raise ValueError("asked to fail")
          return event
      """;

  @TempDir
  static Path dir;
  static PetrelNode node;
  static String python;
  static Path folder;

  record Run(int exit, String stdout, String stderr) {}

  @BeforeAll
  static void start() throws IOException {
    assertThat(JAR).as("the packaged node (mvn package) at " + JAR.toAbsolutePath()).isRegularFile();
    node = TestNodes.start(dir.resolve("data"));
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine has no python3; Petrel's tests need one"));
    folder = Files.createDirectories(dir.resolve("hello"));
    Files.writeString(folder.resolve("app.py"), APP);
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  /** Runs {@code java -jar petrel.jar ARGS --endpoint http://127.0.0.1:PORT} and collects what it printed. */
  static Run petrel(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint", "http://127.0.0.1:" + node.port()));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().remove("PETREL_ENDPOINT");
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("petrel " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Runs the command again until what it answers passes {@code done}: records and log lines land in batches. */
  static Run eventually(Predicate<Run> done, String... args) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Run run = petrel(args);
    while (!done.test(run) && System.nanoTime() < deadline) {
      Thread.sleep(300);
      run = petrel(args);
    }
    return run;
  }

  @Test
  @Order(1)
  void deploy_creates_the_function_from_a_folder_publishes_it_and_points_the_alias_at_it() throws Exception {
    Run deploy = petrel("deploy", folder.toString(), "--name", "hello", "--runtime", python, "--handler",
        "app.handler", "--publish", "--alias", "live");
    assertThat(deploy.exit()).as(deploy.stderr()).isZero();
    assertThat(deploy.stdout()).startsWith("created hello: version 1, alias live, code ").contains("sha256 ");
    assertThat(deploy.stderr()).startsWith("uploading hello: ").contains("(100%)");
  }

  @Test
  @Order(2)
  void invoke_prints_the_payload_and_logs_show_the_functions_output() throws Exception {
    Run invoke = petrel("invoke", "hello:live", "{\"a\":1}");
    assertThat(invoke.exit()).as(invoke.stderr()).isZero();
    assertThat(invoke.stdout()).isEqualTo("{\"a\": 1}\n");

    Run logs = eventually(r -> r.stdout().contains("hello from the cli test {'a': 1}"), "logs", "hello", "--since",
        "5m");
    assertThat(logs.exit()).as(logs.stderr()).isZero();
    assertThat(logs.stdout()).containsPattern(
        "(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+Z [0-9a-f-]{36} hello from the cli test \\{'a': 1\\}$");
  }

  @Test
  @Order(3)
  void invoke_with_log_prints_the_log_tail_to_stderr_and_logs_finds_that_invocation_by_id() throws Exception {
    Run invoke = petrel("invoke", "hello", "{\"b\":2}", "--log");
    assertThat(invoke.exit()).as(invoke.stderr()).isZero();
    assertThat(invoke.stdout()).isEqualTo("{\"b\": 2}\n");
    assertThat(invoke.stderr()).contains("START RequestId:", "hello from the cli test {'b': 2}", "REPORT RequestId:");

    java.util.regex.Matcher start = java.util.regex.Pattern.compile("START RequestId: (\\S+)").matcher(invoke.stderr());
    assertThat(start.find()).isTrue();
    String requestId = start.group(1);
    Run logs = eventually(r -> r.stdout().contains("REPORT"), "logs", "hello", "--request-id", requestId);
    assertThat(logs.stdout().lines()).hasSizeGreaterThanOrEqualTo(4).allMatch(l -> l.contains(" " + requestId + " "));
    assertThat(logs.stdout()).contains("hello from the cli test {'b': 2}").doesNotContain("{'a': 1}");
  }

  @Test
  @Order(4)
  void a_function_error_prints_its_payload_and_exits_1_naming_the_error() throws Exception {
    Run failed = petrel("invoke", "hello", "{\"fail\":true}");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.stdout()).contains("\"errorType\": \"ValueError\"");
    assertThat(failed.stderr()).isEqualTo("petrel: hello failed: Unhandled ValueError: asked to fail\n");
  }

  @Test
  @Order(5)
  void redeploying_updates_code_and_configuration_and_moves_the_alias() throws Exception {
    Files.writeString(folder.resolve("app.py"), APP.replace("return event", "return {'v': 2, 'event': event}"));
    Run deploy = petrel("deploy", folder.toString(), "--name", "hello", "--memory", "256", "--env", "GREETING=hi",
        "--alias", "live");
    assertThat(deploy.exit()).as(deploy.stderr()).isZero();
    assertThat(deploy.stdout()).startsWith("updated hello: version 2, alias live, code ");
    Run invoke = petrel("invoke", "hello:live");
    assertThat(invoke.stdout()).isEqualTo("{\"v\": 2, \"event\": {}}\n");
  }

  @Test
  @Order(6)
  void cluster_lists_this_node_as_the_up_reachable_leader() throws Exception {
    Run cluster = petrel("cluster");
    assertThat(cluster.exit()).as(cluster.stderr()).isZero();
    assertThat(cluster.stdout()).startsWith("MEMBER").containsPattern(
        "(?m)^pekko://petrel@127\\.0\\.0\\.1:\\d+ +Up +yes +\\d+ +\\d+ +leader \\(asked\\)$");
  }

  @Test
  @Order(6)
  void functions_lists_the_function_with_its_runtime_and_memory() throws Exception {
    Run functions = petrel("functions");
    assertThat(functions.exit()).as(functions.stderr()).isZero();
    assertThat(functions.stdout()).startsWith("NAME   RUNTIME")
        .containsPattern("(?m)^hello  " + python.replace(".", "\\.") + " +256 MB  \\d{4}-");
  }

  @Test
  @Order(7)
  void invocations_and_usage_show_what_ran() throws Exception {
    Run invocations = eventually(r -> r.stdout().contains("FunctionError"), "invocations", "hello", "--since", "5m");
    assertThat(invocations.exit()).as(invocations.stderr()).isZero();
    assertThat(invocations.stdout()).startsWith("START").contains("Success", "FunctionError", "ValueError", "/256 MB");

    Run usage = eventually(r -> r.stdout().contains("hello"), "usage", "--function", "hello");
    assertThat(usage.exit()).as(usage.stderr()).isZero();
    assertThat(usage.stdout()).contains("Usage of account 000000000000", "FUNCTION  REQUESTS", "Free tier",
        "Cost (USD): requests 0.00 + compute 0.00 = 0.00");
  }

  @Test
  @Order(8)
  void logs_follow_prints_new_lines_as_they_come() throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString(), "logs", "hello", "--follow", "--since", "1s", "--filter", "followed",
        "--endpoint", "http://127.0.0.1:" + node.port()));
    Path out = Files.createTempFile(dir, "follow", ".txt");
    Process follow = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // The invocation runs after the command started from 1 s back, so its line comes from the stored lines or
      // from the tail, whichever the command is reading by then.
      assertThat(petrel("invoke", "hello", "{\"followed\":1}").exit()).isZero();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.readString(out).contains("{'followed': 1}") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(Files.readString(out)).contains("hello from the cli test {'followed': 1}");
      assertThat(follow.isAlive()).isTrue();
    } finally {
      follow.destroy();
      follow.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(9)
  void a_failed_call_exits_1_naming_the_lambda_error() throws Exception {
    Run missing = petrel("invoke", "nothing-here", "{}");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stdout()).isEmpty();
    assertThat(missing.stderr()).startsWith("petrel: ResourceNotFoundException: ").contains("nothing-here")
        .hasLineCount(1);
  }

  @Test
  @Order(10)
  void usage_errors_exit_2_and_help_exits_0() throws Exception {
    Run unknown = petrel("deploy", folder.toString(), "--memroy", "256");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.stderr()).isEqualTo("petrel: deploy: unknown option --memroy (see petrel deploy --help)\n");

    Run badJson = petrel("invoke", "hello", "{not json}");
    assertThat(badJson.exit()).isEqualTo(2);
    assertThat(badJson.stderr()).startsWith("petrel: invoke: the payload is not JSON");

    Run help = petrel("invocations", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.stdout()).startsWith("usage: petrel invocations <function>").contains("--outcome", "--endpoint");
  }
}
