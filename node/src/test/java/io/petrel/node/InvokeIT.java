package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** Functions run in real runtime processes, invoked through the AWS SDK for Java v2. */
class InvokeIT {
  private static final String PYTHON_ECHO = """
      import os, time, uuid
      INSTANCE = str(uuid.uuid4())
      def handler(event, context):
          print("python says hi", os.getpid())
          if event.get("fail"):
              raise ValueError("asked to fail")
          if event.get("crash"):
              os._exit(1)
          if event.get("sleep"):
              time.sleep(event["sleep"])
          return {"event": event, "requestId": context.aws_request_id, "functionName": context.function_name,
                  "memory": context.memory_limit_in_mb, "arn": context.invoked_function_arn,
                  "remaining": context.get_remaining_time_in_millis(), "instance": INSTANCE}
      """;
  private static final String NODE_ECHO = """
      exports.handler = async (event, context) => {
        console.log("node says hi");
        if (event.fail) { throw new TypeError("asked to fail"); }
        return { event, requestId: context.awsRequestId, functionName: context.functionName,
                 memory: context.memoryLimitInMB, remaining: context.getRemainingTimeInMillis() };
      };
      """;
  private static final String SHELL_BOOTSTRAP = """
      #!/bin/sh
      set -eu
      api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
      while true; do
        headers=$(mktemp)
        event=$(curl -sS -D "$headers" "$api/invocation/next")
        id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d: -f2 | tr -d '[:space:]')
        rm -f "$headers"
        echo "shell got $event"
        curl -sS -X POST "$api/invocation/$id/response" -d "{\\"echo\\":$event}" > /dev/null
      done
      """;

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static LambdaClient once;
  static String python;
  static String nodejs;

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.client(node.port());
    once = TestNodes.clientWithoutRetries(node.port());
    python = runtime("python3.");
    nodejs = runtime("nodejs");
    lambda.createFunction(r -> r.functionName("py").runtime(python).handler("app.handler").timeout(2)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", PYTHON_ECHO)))));
  }

  private static String runtime(String prefix) {
    return node.runtimes().ids().stream().filter(id -> id.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("this machine lacks a " + prefix + " runtime"));
  }

  @AfterAll
  static void stop() {
    lambda.close();
    once.close();
    node.stop();
  }

  private static InvokeResponse invoke(String function, String payload) {
    return lambda.invoke(r -> r.functionName(function).payload(SdkBytes.fromUtf8String(payload)).logType(LogType.TAIL));
  }

  private static String log(InvokeResponse response) {
    return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
  }

  @Test
  void python_echoes_its_event_and_context_then_reuses_the_warm_environment() {
    InvokeResponse first = invoke("py", "{\"hello\":\"world\"}");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.functionError()).isNull();
    assertThat(first.executedVersion()).isEqualTo("$LATEST");
    String body = first.payload().asUtf8String();
    assertThat(body).contains("\"event\": {\"hello\": \"world\"}", "\"functionName\": \"py\"", "\"memory\": 128",
        ":function:py\"");
    assertThat(log(first)).contains("python says hi", "START RequestId:", "END RequestId:", "REPORT RequestId:");

    InvokeResponse second = invoke("py", "{}");
    assertThat(log(second)).contains("python says hi").doesNotContain("Init Duration");
    assertThat(instance(second.payload().asUtf8String())).isEqualTo(instance(body));
  }

  @Test
  void nodejs_echoes_its_event_and_reports_errors() {
    lambda.createFunction(r -> r.functionName("js").runtime(nodejs).handler("index.handler")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("index.js", NODE_ECHO)))));
    InvokeResponse ok = invoke("js", "{\"n\":1}");
    assertThat(ok.payload().asUtf8String()).contains("\"event\":{\"n\":1}", "\"functionName\":\"js\"");
    assertThat(log(ok)).contains("node says hi", "Init Duration");
    InvokeResponse failed = invoke("js", "{\"fail\":true}");
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    assertThat(failed.payload().asUtf8String()).contains("\"errorType\":\"TypeError\"", "asked to fail");
  }

  @Test
  void a_custom_runtime_bootstrap_serves_invocations() {
    lambda.createFunction(r -> r.functionName("shell").runtime("provided.al2023").handler("none")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("bootstrap", SHELL_BOOTSTRAP)))));
    InvokeResponse response = invoke("shell", "{\"x\":42}");
    assertThat(response.functionError()).isNull();
    assertThat(response.payload().asUtf8String()).isEqualTo("{\"echo\":{\"x\":42}}");
    assertThat(log(response)).contains("shell got {\"x\":42}");
  }

  @Test
  void an_unhandled_python_error_answers_its_type_and_message() {
    InvokeResponse failed = invoke("py", "{\"fail\":true}");
    assertThat(failed.statusCode()).isEqualTo(200);
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    assertThat(failed.payload().asUtf8String()).contains("\"errorType\": \"ValueError\"", "asked to fail",
        "stackTrace");
  }

  @Test
  void a_timeout_answers_the_timeout_error_in_about_the_timeout_and_kills_the_process() {
    String code = PYTHON_ECHO + "# sleepy\n";
    String sha = lambda.createFunction(r -> r.functionName("sleepy").runtime(python).handler("app.handler").timeout(1)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", code))))).codeSha256();
    String codeFolder = java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(sha));
    invoke("sleepy", "{}");
    assertThat(processesMentioning(codeFolder)).isPositive();
    long started = System.nanoTime();
    InvokeResponse timedOut = invoke("sleepy", "{\"sleep\": 5}");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(timedOut.functionError()).isEqualTo("Unhandled");
    assertThat(timedOut.payload().asUtf8String()).contains("Task timed out after 1.00 seconds");
    assertThat(took).isLessThan(Duration.ofMillis(2500));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (processesMentioning(codeFolder) > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(processesMentioning(codeFolder)).as("processes of the timed-out environment").isZero();
    assertThat(invoke("sleepy", "{}").functionError()).isNull();
  }

  @Test
  void the_first_invocation_of_a_new_environment_times_out_like_any_other() {
    String code = PYTHON_ECHO + "# sleepy when cold\n";
    lambda.createFunction(r -> r.functionName("sleepy-cold").runtime(python).handler("app.handler").timeout(1)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", code)))));
    long started = System.nanoTime();
    InvokeResponse timedOut = invoke("sleepy-cold", "{\"sleep\": 8}");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(timedOut.payload().asUtf8String()).contains("Task timed out after 1.00 seconds");
    assertThat(took).as("a 1 s timeout plus the cold start").isLessThan(Duration.ofSeconds(5));
  }

  /** Host processes whose command line names this code folder: the environment's (its sandbox binds it). */
  private static long processesMentioning(String codeFolder) {
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().arguments().map(args -> String.join(" ", args).contains(codeFolder)).orElse(false)
            || ph.info().commandLine().map(cl -> cl.contains(codeFolder)).orElse(false))
        .count();
  }

  @Test
  void a_crash_answers_exit_error_and_the_next_call_starts_fresh() {
    lambda.createFunction(r -> r.functionName("crashy").runtime(python).handler("app.handler")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", PYTHON_ECHO)))));
    InvokeResponse crashed = invoke("crashy", "{\"crash\":true}");
    assertThat(crashed.functionError()).isEqualTo("Unhandled");
    assertThat(crashed.payload().asUtf8String()).contains("Runtime.ExitError", "exit status 1");
    InvokeResponse recovered = invoke("crashy", "{}");
    assertThat(recovered.functionError()).isNull();
    assertThat(log(recovered)).contains("Init Duration");
  }

  @Test
  void an_init_error_is_reported_as_a_function_error() {
    lambda.createFunction(r -> r.functionName("broken").runtime(python).handler("missing.handler")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", PYTHON_ECHO)))));
    InvokeResponse failed = invoke("broken", "{}");
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    assertThat(failed.payload().asUtf8String()).contains("Runtime.ImportModuleError");
  }

  @Test
  void reserved_concurrency_throttles_the_second_concurrent_call() throws Exception {
    lambda.createFunction(r -> r.functionName("single").runtime(python).handler("app.handler").timeout(10)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", PYTHON_ECHO)))));
    lambda.publishVersion(r -> r.functionName("single"));
    lambda.putFunctionConcurrency(r -> r.functionName("single").reservedConcurrentExecutions(1));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<InvokeResponse> a = pool.submit(() -> invoke("single", "{\"sleep\": 2}"));
      Thread.sleep(300);
      assertThatThrownBy(() -> once.invoke(r -> r.functionName("single")))
          .isInstanceOfSatisfying(TooManyRequestsException.class, e ->
              assertThat(e.reasonAsString()).isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded"));
      // The reservation covers the function as a whole, not each qualifier.
      assertThatThrownBy(() -> once.invoke(r -> r.functionName("single").qualifier("1")))
          .isInstanceOf(TooManyRequestsException.class);
      assertThat(a.get().functionError()).isNull();
    } finally {
      pool.shutdownNow();
    }
    lambda.putFunctionConcurrency(r -> r.functionName("single").reservedConcurrentExecutions(0));
    assertThatThrownBy(() -> once.invoke(r -> r.functionName("single")))
        .isInstanceOf(TooManyRequestsException.class);
  }

  @Test
  void alias_weights_split_traffic_and_name_the_version_that_ran() {
    lambda.createFunction(r -> r.functionName("split").runtime(python).handler("app.handler")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", "def handler(e, c):\n    return 'one'\n")))));
    lambda.publishVersion(r -> r.functionName("split"));
    lambda.updateFunctionCode(r -> r.functionName("split")
        .zipFile(TestNodes.zip(Map.of("app.py", "def handler(e, c):\n    return 'two'\n"))));
    lambda.publishVersion(r -> r.functionName("split"));
    lambda.createAlias(r -> r.functionName("split").name("canary").functionVersion("1")
        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 0.1)).build()));
    int second = 0;
    for (int i = 0; i < 1000; i++) {
      InvokeResponse r = lambda.invoke(b -> b.functionName("split").qualifier("canary"));
      String expected = r.executedVersion().equals("2") ? "\"two\"" : "\"one\"";
      assertThat(r.payload().asUtf8String()).isEqualTo(expected);
      if (r.executedVersion().equals("2")) {
        second++;
      }
    }
    assertThat(second).isBetween(60, 140);
  }

  @Test
  void a_payload_over_6_mb_is_refused_with_413() {
    byte[] big = new byte[6 * 1024 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    assertThatThrownBy(() -> once.invoke(r -> r.functionName("py").payload(SdkBytes.fromByteArray(big))))
        .isInstanceOfSatisfying(LambdaException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(413);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
          assertThat(e.getMessage()).contains("6291456");
        });
  }

  @Test
  void a_function_past_its_memory_is_stopped_with_a_clear_error_and_the_node_survives() {
    lambda.createFunction(r -> r.functionName("hungry").runtime(python).handler("app.handler").memorySize(128)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py",
            "def handler(e, c):\n    x = bytearray(400 * 1024 * 1024)\n    return len(x)\n")))));
    InvokeResponse failed = invoke("hungry", "{}");
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    assertThat(failed.payload().asUtf8String()).contains("Runtime.OutOfMemory", "128 MB");
    assertThat(invoke("py", "{}").functionError()).isNull();
  }

  @Test
  void a_function_sees_neither_other_functions_code_nor_the_data_dir_nor_runs_as_root() {
    assertThat(node.sandboxed()).as("bwrap is installed (./run-tests installs it)").isTrue();
    String pyCode = dataDir.resolve("code").toString();
    lambda.createFunction(r -> r.functionName("snoop").runtime(python).handler("app.handler")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", """
            import os
            def handler(event, context):
                def visible(p):
                    try:
                        os.listdir(p)
                        return True
                    except OSError:
                        return False
                return {"dataDir": os.path.exists(event["dataDir"] + "/petrel.db"), "code": visible(event["code"]),
                        "uid": os.getuid(), "task": os.listdir("/var/task"),
                        "taskWritable": os.access("/var/task", os.W_OK)}
            """)))));
    invoke("py", "{}");
    String body = invoke("snoop", "{\"dataDir\": \"" + dataDir + "\", \"code\": \"" + pyCode + "\"}")
        .payload().asUtf8String();
    assertThat(body).contains("\"dataDir\": false", "\"code\": false", "\"task\": [\"app.py\"]",
        "\"taskWritable\": false").doesNotContain("\"uid\": 0,");
  }

  private static String instance(String body) {
    Matcher m = Pattern.compile("\"instance\": \"([0-9a-f-]+)\"").matcher(body);
    assertThat(m.find()).as("instance in %s", body).isTrue();
    return m.group(1);
  }

}
