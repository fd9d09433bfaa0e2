package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of deploy and invoke: names, settings, what is uploaded, what is sent. */
class CommandPartsTest {
  @TempDir
  Path dir;

  private static Args deployArgs(String... argv) {
    return Args.parse(new DeployCommand().spec(), List.of(argv));
  }

  @Test
  void deploy_names_the_function_after_the_folder_or_zip() {
    assertThat(DeployCommand.defaultName(Path.of("/src/hello"))).isEqualTo("hello");
    assertThat(DeployCommand.defaultName(Path.of("build/resize.ZIP"))).isEqualTo("resize");
    assertThat(DeployCommand.defaultName(Path.of("/src/hello/."))).isEqualTo("hello");
  }

  @Test
  void deploy_settings_become_lambda_fields_and_env_replaces_all_variables() {
    var body = GatewayClient.JSON.createObjectNode();
    DeployCommand.Settings.of(deployArgs("fn", "--runtime", "python3.11", "--memory", "256", "--env", "B=2",
        "--env", "A=x=y")).into(body);
    assertThat(body.toString()).isEqualTo("{\"Runtime\":\"python3.11\",\"MemorySize\":256,"
        + "\"Environment\":{\"Variables\":{\"A\":\"x=y\",\"B\":\"2\"}}}");
    var none = GatewayClient.JSON.createObjectNode();
    DeployCommand.Settings.of(deployArgs("fn", "--publish")).into(none);
    assertThat(none.isEmpty()).isTrue();
  }

  @Test
  void deploy_refuses_an_env_without_a_name() {
    assertThatThrownBy(() -> DeployCommand.Settings.of(deployArgs("fn", "--env", "=1")))
        .hasMessageContaining("--env takes KEY=VALUE, got '=1'");
    assertThatThrownBy(() -> DeployCommand.Settings.of(deployArgs("fn", "--timeout", "0")))
        .hasMessageContaining("--timeout must be a whole number");
  }

  @Test
  void deploy_takes_a_zip_as_it_is_and_refuses_other_files() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("fn"));
    Files.writeString(folder.resolve("app.py"), "x");
    byte[] zip = Zipper.zip(folder);
    Path file = Files.write(dir.resolve("fn.zip"), zip);
    assertThat(DeployCommand.read(file)).isEqualTo(zip);
    Path text = Files.writeString(dir.resolve("app.py"), "print(1)");
    assertThatThrownBy(() -> DeployCommand.read(text)).hasMessageContaining("is neither a folder nor a zip file");
    assertThatThrownBy(() -> DeployCommand.read(dir.resolve("nope")))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("does not exist");
  }

  @Test
  void invoke_splits_name_and_qualifier_but_passes_an_arn_whole() {
    assertThat(InvokeCommand.Target.of("hello").path()).isEqualTo("/2015-03-31/functions/hello/invocations");
    assertThat(InvokeCommand.Target.of("hello:live").path())
        .isEqualTo("/2015-03-31/functions/hello/invocations?Qualifier=live");
    assertThat(InvokeCommand.Target.of("hello:$LATEST").path())
        .isEqualTo("/2015-03-31/functions/hello/invocations?Qualifier=%24LATEST");
    assertThat(InvokeCommand.Target.of("arn:aws:lambda:us-east-1:000000000000:function:hello:2").path())
        .isEqualTo("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ahello%3A2"
            + "/invocations");
  }

  private Session session(String stdin) {
    return new Session(new GatewayClient(URI.create("http://127.0.0.1:9")),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC(), false);
  }

  @Test
  void invoke_payload_is_inline_from_a_file_or_stdin_and_must_be_json() throws IOException {
    assertThat(new String(InvokeCommand.payload(Optional.empty(), session("")), StandardCharsets.UTF_8))
        .isEqualTo("{}");
    assertThat(new String(InvokeCommand.payload(Optional.of("{\"a\":1}"), session("")), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":1}");
    Path file = Files.writeString(dir.resolve("event.json"), "[1, 2]");
    assertThat(new String(InvokeCommand.payload(Optional.of("@" + file), session("")), StandardCharsets.UTF_8))
        .isEqualTo("[1, 2]");
    assertThat(new String(InvokeCommand.payload(Optional.of("@-"), session("\"s\"")), StandardCharsets.UTF_8))
        .isEqualTo("\"s\"");
    assertThatThrownBy(() -> InvokeCommand.payload(Optional.of("{a:1}"), session("")))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("invoke: the payload is not JSON");
    assertThatThrownBy(() -> InvokeCommand.payload(Optional.of("@" + dir.resolve("none.json")), session("")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void query_parameters_are_encoded_and_absent_ones_left_out() {
    var params = new java.util.LinkedHashMap<String, Optional<String>>();
    params.put("from", Optional.of("2026-11-23T16:05:00Z"));
    params.put("requestId", Optional.empty());
    params.put("filter", Optional.of("a b&c"));
    assertThat(GatewayClient.query(params)).isEqualTo("?from=2026-11-23T16%3A05%3A00Z&filter=a%20b%26c");
    assertThat(GatewayClient.query(Map.of("x", Optional.empty()))).isEmpty();
  }
}
