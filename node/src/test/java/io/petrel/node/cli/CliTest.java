package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a scripted gateway: the calls they make in order, what they print, their exit codes.
 * Covers what a real node does not show today (an update still in progress).
 */
class CliTest {
  private record Scripted(int status, String errorType, String body) {}

  private HttpServer server;
  private final Map<String, Deque<Scripted>> script = new HashMap<>();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir
  Path dir;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String call = exchange.getRequestMethod() + " " + exchange.getRequestURI();
      calls.add(call);
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Deque<Scripted> replies = script.get(call);
      Scripted reply = replies == null || replies.isEmpty()
          ? new Scripted(404, "UnknownOperationException", "{\"Message\":\"unscripted " + call + "\"}")
          : replies.size() == 1 ? replies.peek() : replies.poll();
      if (reply.errorType() != null) {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", reply.errorType());
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void on(String call, int status, String body) {
    script.computeIfAbsent(call, c -> new ArrayDeque<>()).add(new Scripted(status, null, body));
  }

  private void onError(String call, int status, String type, String message) {
    script.computeIfAbsent(call, c -> new ArrayDeque<>())
        .add(new Scripted(status, type, "{\"Type\":\"User\",\"Message\":\"" + message + "\"}"));
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--endpoint=http://127.0.0.1:" + server.getAddress().getPort());
    return Cli.run(all, Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
        new PrintStream(err, true), Clock.systemUTC(), false);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path functionFolder() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("hello"));
    Files.writeString(folder.resolve("app.py"), "def handler(e, c):\n    return e\n");
    return folder;
  }

  private static String config(String version, String update) {
    return "{\"FunctionName\":\"hello\",\"Version\":\"" + version + "\",\"CodeSize\":200,\"CodeSha256\":\"c2hh\","
        + "\"State\":\"Active\",\"LastUpdateStatus\":\"" + update + "\"}";
  }

  @Test
  void deploy_updates_code_then_configuration_waiting_out_updates_in_progress_then_publishes_and_creates_the_alias()
      throws IOException {
    on("GET /2015-03-31/functions/hello", 200, "{\"Configuration\":" + config("$LATEST", "Successful") + "}");
    on("PUT /2015-03-31/functions/hello/code", 200, config("$LATEST", "InProgress"));
    on("GET /2015-03-31/functions/hello/configuration", 200, config("$LATEST", "Successful"));
    on("PUT /2015-03-31/functions/hello/configuration", 200, config("$LATEST", "Successful"));
    on("POST /2015-03-31/functions/hello/versions", 201, config("4", "Successful"));
    onError("GET /2015-03-31/functions/hello/aliases/live", 404, "ResourceNotFoundException", "Alias not found");
    on("POST /2015-03-31/functions/hello/aliases", 201, "{\"Name\":\"live\",\"FunctionVersion\":\"4\"}");

    int exit = run("deploy", functionFolder().toString(), "--memory", "256", "--alias", "live");

    assertThat(exit).as(stderr()).isZero();
    assertThat(calls).containsExactly("GET /2015-03-31/functions/hello", "PUT /2015-03-31/functions/hello/code",
        "GET /2015-03-31/functions/hello/configuration", "PUT /2015-03-31/functions/hello/configuration",
        "POST /2015-03-31/functions/hello/versions", "GET /2015-03-31/functions/hello/aliases/live",
        "POST /2015-03-31/functions/hello/aliases");
    assertThat(bodies.get(1)).startsWith("{\"ZipFile\":\"UEsDB");
    assertThat(bodies.get(3)).isEqualTo("{\"MemorySize\":256}");
    assertThat(bodies.get(4)).isEqualTo("{\"CodeSha256\":\"c2hh\"}");
    assertThat(bodies.get(6)).isEqualTo("{\"Name\":\"live\",\"FunctionVersion\":\"4\"}");
    assertThat(stdout()).isEqualTo("updated hello: version 4, alias live, code 200 B, sha256 c2hh\n");
    assertThat(stderr()).matches("uploading hello: \\d+ B / \\d+ B \\(100%\\)\n");
  }

  @Test
  void deploy_moves_an_existing_alias_and_leaves_the_configuration_alone_without_options() throws IOException {
    on("GET /2015-03-31/functions/hello", 200, "{\"Configuration\":" + config("$LATEST", "Successful") + "}");
    on("PUT /2015-03-31/functions/hello/code", 200, config("$LATEST", "Successful"));
    on("POST /2015-03-31/functions/hello/versions", 201, config("5", "Successful"));
    on("GET /2015-03-31/functions/hello/aliases/live", 200, "{\"Name\":\"live\",\"FunctionVersion\":\"4\"}");
    on("PUT /2015-03-31/functions/hello/aliases/live", 200, "{\"Name\":\"live\",\"FunctionVersion\":\"5\"}");

    assertThat(run("deploy", functionFolder().toString(), "--publish", "--alias", "live")).as(stderr()).isZero();
    assertThat(calls).doesNotContain("PUT /2015-03-31/functions/hello/configuration")
        .endsWith("PUT /2015-03-31/functions/hello/aliases/live");
    assertThat(bodies.get(bodies.size() - 1)).isEqualTo("{\"FunctionVersion\":\"5\"}");
  }

  @Test
  void creating_without_runtime_and_handler_is_a_usage_error_before_any_upload() throws IOException {
    onError("GET /2015-03-31/functions/hello", 404, "ResourceNotFoundException", "Function not found");
    assertThat(run("deploy", functionFolder().toString())).isEqualTo(2);
    assertThat(stderr()).isEqualTo("petrel: deploy: function hello does not exist yet; creating it needs --runtime"
        + " and --handler, e.g. --runtime python3.11 --handler app.handler (see petrel deploy --help)\n");
    assertThat(calls).containsExactly("GET /2015-03-31/functions/hello");
  }

  @Test
  void creating_sends_the_default_role_runtime_handler_and_code() throws IOException {
    onError("GET /2015-03-31/functions/hello", 404, "ResourceNotFoundException", "Function not found");
    on("POST /2015-03-31/functions", 201, config("$LATEST", "Successful"));
    assertThat(run("deploy", functionFolder().toString(), "--runtime", "python3.11", "--handler", "app.handler"))
        .as(stderr()).isZero();
    assertThat(bodies.get(1)).startsWith("{\"FunctionName\":\"hello\",\"Role\":\"arn:aws:iam::000000000000:role/petrel\","
        + "\"Runtime\":\"python3.11\",\"Handler\":\"app.handler\",\"Code\":{\"ZipFile\":\"UEsDB");
    assertThat(stdout()).isEqualTo("created hello: version $LATEST, code 200 B, sha256 c2hh\n");
  }

  @Test
  void an_api_error_is_one_line_with_its_type_and_exit_code_1() {
    onError("POST /2015-03-31/functions/nope/invocations", 404, "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");
    assertThat(run("invoke", "nope", "{}")).isEqualTo(1);
    assertThat(stdout()).isEmpty();
    assertThat(stderr()).isEqualTo("petrel: ResourceNotFoundException: Function not found:"
        + " arn:aws:lambda:us-east-1:000000000000:function:nope\n");
  }

  @Test
  void a_call_the_node_does_not_know_says_the_node_is_older() {
    assertThat(run("usage")).isEqualTo(1);
    assertThat(stderr()).contains("UnknownOperationException", "this node is older than the petrel command");
  }

  @Test
  void functions_follows_next_marker_through_every_page() {
    on("GET /2015-03-31/functions/", 200, "{\"Functions\":[{\"FunctionName\":\"a\",\"Runtime\":\"python3.11\","
        + "\"MemorySize\":128,\"LastModified\":\"t1\"}],\"NextMarker\":\"m1\"}");
    on("GET /2015-03-31/functions/?Marker=m1", 200, "{\"Functions\":[{\"FunctionName\":\"b\",\"Runtime\":\"java17\","
        + "\"MemorySize\":512,\"LastModified\":\"t2\"}]}");
    assertThat(run("functions")).isZero();
    assertThat(stdout()).isEqualTo("""
        NAME  RUNTIME     MEMORY  LAST MODIFIED
        a     python3.11  128 MB  t1
        b     java17      512 MB  t2
        """);
  }

  @Test
  void an_unreachable_node_is_a_failed_call_saying_how_to_start_one() {
    int port = server.getAddress().getPort();
    server.stop(0);
    int exit = Cli.run(List.of("functions", "--endpoint", "http://127.0.0.1:" + port), Map.of(),
        new ByteArrayInputStream(new byte[0]), new PrintStream(out), new PrintStream(err), Clock.systemUTC(), false);
    assertThat(exit).isEqualTo(1);
    assertThat(stderr()).startsWith("petrel: cannot reach a Petrel node at http://127.0.0.1:" + port)
        .contains("petrel dev");
  }

  @Test
  void help_prints_the_commands_options_and_exits_0_without_calling_anything() {
    assertThat(run("logs", "--help")).isZero();
    assertThat(stdout()).startsWith("usage: petrel logs <function> [options]").contains("--follow", "--since WHEN");
    assertThat(calls).isEmpty();
  }
}
