package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.sqlite.SqliteStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** GET /metrics on a dev node: what Prometheus scrapes after a known workload of real invocations. */
class MetricsIT {
  private static final String ACCOUNT = "000000000000";
  private static final String HANDLER = """
      import time
      def handler(event, context):
          if event.get("fail"):
              raise ValueError("asked to fail")
          if event.get("sleep"):
              time.sleep(event["sleep"])
          return {"ok": True}
      """;

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static LambdaClient once;
  static String python;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.client(node.port());
    once = TestNodes.clientWithoutRetries(node.port());
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine lacks a python3 runtime"));
  }

  @AfterAll
  static void stop() {
    lambda.close();
    once.close();
    node.stop();
  }

  private static void create(String name, int timeoutSeconds) {
    lambda.createFunction(r -> r.functionName(name).runtime(python).handler("app.handler").timeout(timeoutSeconds)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", HANDLER)))));
  }

  private static void invoke(String name, String payload) {
    lambda.invoke(r -> r.functionName(name).payload(SdkBytes.fromUtf8String(payload)));
  }

  @Test
  void counts_invocations_errors_durations_and_one_cold_start_of_a_function() {
    create("metered", 3);
    for (int i = 0; i < 3; i++) {
      invoke("metered", "{}");
    }
    invoke("metered", "{\"fail\": true}");
    invoke("metered", "{\"fail\": true}");

    Scrape metrics = scrape();
    Map<String, String> fn = Map.of("account", ACCOUNT, "function", "metered", "qualifier", "$LATEST");
    assertThat(metrics.value("petrel_invocations_total", fn, "outcome", "Success")).isEqualTo(3);
    assertThat(metrics.value("petrel_invocations_total", fn, "outcome", "FunctionError")).isEqualTo(2);
    assertThat(metrics.value("petrel_errors_total", fn, "error_type", "ValueError")).isEqualTo(2);
    assertThat(metrics.value("petrel_invocation_duration_seconds_count", fn)).isEqualTo(5);
    assertThat(metrics.value("petrel_invocation_duration_seconds_bucket", fn, "le", "+Inf")).isEqualTo(5);
    assertThat(metrics.value("petrel_invocation_duration_seconds_bucket", fn, "le", "900.0")).isEqualTo(5);
    assertThat(metrics.value("petrel_cold_starts_total", fn)).isEqualTo(1);
    assertThat(metrics.value("petrel_init_duration_seconds_count", fn)).isEqualTo(1);
    assertThat(metrics.value("petrel_init_duration_seconds_sum", fn)).isPositive();
    assertThat(metrics.samples("petrel_throttles_total", fn)).isEmpty();
  }

  @Test
  void a_call_to_a_function_that_does_not_exist_adds_no_series() {
    assertThatThrownBy(() -> once.invoke(r -> r.functionName("no-such-function")))
        .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);

    assertThat(scrape().samples("petrel_invocations_total", Map.of())).noneMatch(s ->
        s.labels().get("function").equals("no-such-function"));
    assertThat(get("/metrics").body()).doesNotContain("no-such-function");
  }

  @Test
  void every_call_to_a_function_with_reserved_concurrency_zero_is_counted_as_throttled() {
    create("closed", 3);
    lambda.putFunctionConcurrency(r -> r.functionName("closed").reservedConcurrentExecutions(0));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> once.invoke(r -> r.functionName("closed")))
          .isInstanceOf(TooManyRequestsException.class);
    }

    Scrape metrics = scrape();
    Map<String, String> fn = Map.of("account", ACCOUNT, "function", "closed", "qualifier", "$LATEST");
    assertThat(metrics.value("petrel_invocations_total", fn, "outcome", "Throttled")).isEqualTo(2);
    assertThat(metrics.value("petrel_throttles_total", fn, "reason",
        "ReservedFunctionConcurrentInvocationLimitExceeded")).isEqualTo(2);
    assertThat(metrics.samples("petrel_invocations_total", fn)).hasSize(1);
    assertThat(metrics.value("petrel_invocation_duration_seconds_count", fn)).isZero();
    assertThat(metrics.value("petrel_cold_starts_total", fn)).isZero();
  }

  @Test
  void a_timeout_is_counted_with_its_error_type() {
    create("slow", 1);
    invoke("slow", "{}"); // a cold start's first invocation has longer (the timeout plus the init limit)
    invoke("slow", "{\"sleep\": 5}");

    Scrape metrics = scrape();
    Map<String, String> fn = Map.of("account", ACCOUNT, "function", "slow", "qualifier", "$LATEST");
    assertThat(metrics.value("petrel_invocations_total", fn, "outcome", "Success")).isEqualTo(1);
    assertThat(metrics.value("petrel_invocations_total", fn, "outcome", "Timeout")).isEqualTo(1);
    assertThat(metrics.value("petrel_errors_total", fn, "error_type", "Sandbox.Timedout")).isEqualTo(1);
    assertThat(metrics.value("petrel_invocation_duration_seconds_count", fn)).isEqualTo(2);
    assertThat(metrics.value("petrel_invocation_duration_seconds_bucket", fn, "le", "0.5")).isEqualTo(1);
    assertThat(metrics.value("petrel_invocation_duration_seconds_sum", fn)).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void the_counts_equal_the_stored_invocation_records() {
    create("recorded", 3);
    for (int i = 0; i < 4; i++) {
      invoke("recorded", i % 2 == 0 ? "{}" : "{\"fail\": true}");
    }
    invoke("recorded", "{\"sleep\": 0.2}");

    Scrape metrics = scrape();
    Map<String, String> fn = Map.of("account", ACCOUNT, "function", "recorded", "qualifier", "$LATEST");
    FunctionId id = new FunctionId(ACCOUNT, "recorded");
    try (SqliteStore reader = SqliteStore.open(dataDir.resolve("petrel.db"))) {
      List<InvocationRecord> records = eventually(() -> reader.listInvocations(id, Instant.EPOCH, 100)
          .toCompletableFuture().join(), r -> r.size() >= 5);
      Map<String, Long> byOutcome = records.stream()
          .collect(Collectors.groupingBy(InvocationRecord::outcome, Collectors.counting()));
      assertThat(byOutcome).containsOnlyKeys("Success", "FunctionError");
      byOutcome.forEach((outcome, n) ->
          assertThat(metrics.value("petrel_invocations_total", fn, "outcome", outcome)).isEqualTo(n.doubleValue()));
      assertThat(metrics.value("petrel_invocation_duration_seconds_count", fn)).isEqualTo((double) records.size());
      assertThat(metrics.value("petrel_cold_starts_total", fn))
          .isEqualTo((double) records.stream().filter(r -> r.initDurationMs().isPresent()).count());
      assertThat(metrics.value("petrel_invocation_duration_seconds_sum", fn) * 1000)
          .isCloseTo(records.stream().mapToDouble(InvocationRecord::durationMs).sum(),
              org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void the_node_shows_its_environments_memory_store_and_jvm_in_prometheus_text_format() throws Exception {
    create("gauged", 3);
    invoke("gauged", "{}");

    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("# TYPE petrel_invocations_total counter",
        "# TYPE petrel_invocation_duration_seconds histogram");

    // every environment of this node has 128 MB; once they are all idle, they hold all the memory in use
    Scrape idle = eventually(MetricsIT::scrape, s -> s.value("petrel_concurrent_executions",
        Map.of("function", "gauged")) == 0 && s.value("petrel_execution_environments", Map.of("state", "busy")) == 0
        && s.value("petrel_memory_budget_used_megabytes", Map.of())
            == 128 * s.value("petrel_execution_environments", Map.of("state", "idle")));
    assertThat(idle.value("petrel_execution_environments", Map.of("state", "idle"))).isGreaterThanOrEqualTo(1);
    assertThat(idle.value("petrel_execution_environments", Map.of("state", "starting"))).isZero();
    assertThat(idle.value("petrel_memory_budget_used_megabytes", Map.of()))
        .isEqualTo(128 * idle.value("petrel_execution_environments", Map.of("state", "idle")));
    assertThat(idle.value("petrel_memory_budget_total_megabytes", Map.of())).isPositive();
    assertThat(idle.value("petrel_queue_depth", Map.of())).isZero();
    assertThat(idle.value("petrel_queue_oldest_age_seconds", Map.of())).isZero();
    assertThat(idle.samples("petrel_store_buffered_items", Map.of())).hasSize(1);
    assertThat(idle.value("petrel_store_refused_items_total", Map.of())).isZero();
    assertThat(idle.samples("jvm_memory_used_bytes", Map.of())).isNotEmpty();
    assertThat(idle.samples("jvm_threads_live_threads", Map.of())).hasSize(1);

    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/metrics"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isNotEqualTo(200);
  }

  @Test
  void calls_waiting_for_an_environment_show_in_the_queue_until_they_run() throws Exception {
    PetrelNode one = TestNodes.start(dataDir.resolve("one-at-a-time"),
        Map.of("petrel.sharding.default-concurrency", 1));
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(3);
    try (LambdaClient client = TestNodes.client(one.port())) {
      client.createFunction(r -> r.functionName("queued").runtime(python).handler("app.handler").timeout(10)
          .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", HANDLER)))));
      List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(callers.submit(() -> client.invoke(r -> r.functionName("queued")
            .payload(SdkBytes.fromUtf8String("{\"sleep\": 1.5}")))));
      }
      Map<String, String> fn = Map.of("function", "queued");
      // the oldest call's age is read at the scrape: right as the second call queues it can still be 0
      Scrape waiting = eventually(() -> scrape(one), s -> s.value("petrel_function_queue_depth", fn) == 2
          && s.value("petrel_queue_oldest_age_seconds", Map.of()) > 0);
      assertThat(waiting.value("petrel_function_queue_depth", fn)).isEqualTo(2);
      assertThat(waiting.value("petrel_queue_depth", Map.of())).isEqualTo(2);
      assertThat(waiting.value("petrel_concurrent_executions", fn)).isEqualTo(1);
      assertThat(waiting.value("petrel_queue_oldest_age_seconds", Map.of())).isPositive();
      for (var call : calls) {
        call.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }

      Scrape done = scrape(one);
      assertThat(done.value("petrel_invocations_total", fn, "outcome", "Success")).isEqualTo(3);
      assertThat(done.value("petrel_queue_depth", Map.of())).isZero();
      assertThat(done.value("petrel_queue_oldest_age_seconds", Map.of())).isZero();
    } finally {
      callers.shutdownNow();
      one.stop();
    }
  }

  // ---- reading the exposition format ----

  private static HttpResponse<String> get(String path) {
    return get(node, path);
  }

  private static HttpResponse<String> get(PetrelNode target, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Scrape scrape() {
    return scrape(node);
  }

  private static Scrape scrape(PetrelNode target) {
    HttpResponse<String> response = get(target, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return Scrape.parse(response.body());
  }

  private record Sample(String name, Map<String, String> labels, double value) {}

  /** The samples of one scrape: {@code name{label="value",...} number} lines. */
  private record Scrape(List<Sample> all) {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape parse(String text) {
      List<Sample> samples = new ArrayList<>();
      for (String line : text.split("\n")) {
        Matcher m = LINE.matcher(line);
        if (line.startsWith("#") || !m.matches()) {
          continue;
        }
        Map<String, String> labels = new HashMap<>();
        if (m.group(2) != null) {
          Matcher l = LABEL.matcher(m.group(2));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
      }
      return new Scrape(samples);
    }

    List<Sample> samples(String name, Map<String, String> labels) {
      return all.stream().filter(s -> s.name().equals(name)
          && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** The sum of the samples of {@code name} that carry these labels (0 when there are none). */
    double value(String name, Map<String, String> labels) {
      return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    double value(String name, Map<String, String> labels, String label, String labelValue) {
      Map<String, String> more = new HashMap<>(labels);
      more.put(label, labelValue);
      return value(name, more);
    }
  }

  private static <T> T eventually(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T value = read.get();
    while (!done.test(value) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      value = read.get();
    }
    return value;
  }
}
