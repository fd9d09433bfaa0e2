package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * A known workload (100 calls of a 128 MB and a 1024 MB function with known sleeps, some failing, some
 * throttled), then every way of looking at it must tell the same story: the metrics, the invocation query, the
 * log query and the usage report agree exactly on counts, and on GB-seconds and cost up to billing rounding.
 */
class ObservabilityIT {
  private static final String HANDLER = """
      import time
      def handler(event, context):
          time.sleep(event["sleep_ms"] / 1000.0)
          if event.get("fail"):
              raise ValueError("asked to fail")
          print("done", event["n"])
          return {"n": event["n"]}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static Instant started;

  @BeforeAll
  static void runTheWorkload() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.clientWithoutRetries(node.port());
    String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine lacks a python3 runtime"));
    for (var f : Map.of("small", 128, "big", 1024, "capped", 128).entrySet()) {
      lambda.createFunction(b -> b.functionName(f.getKey()).runtime(python).handler("app.handler")
          .memorySize(f.getValue()).timeout(10).role("arn:aws:iam::000000000000:role/petrel")
          .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", HANDLER)))));
    }
    lambda.putFunctionConcurrency(b -> b.functionName("capped").reservedConcurrentExecutions(0));
    started = Instant.now();

    for (int n = 0; n < 50; n++) {
      invoke("small", n, 20, n % 5 == 0);            // 40 succeed, 10 fail
    }
    for (int n = 0; n < 40; n++) {
      invoke("big", n, 100, false);                   // 40 succeed
    }
    for (int n = 0; n < 10; n++) {
      try {
        invoke("capped", n, 0, false);
        throw new AssertionError("capped was not throttled");
      } catch (TooManyRequestsException expected) {
        // 10 throttled, never run
      }
    }
  }

  @AfterAll
  static void stop() {
    lambda.close();
    node.stop();
  }

  @Test
  void metrics_invocation_query_log_query_and_usage_agree_with_the_workload() throws Exception {
    // Records and log lines are written in batches after the replies; wait until the query shows all of them.
    JsonNode small = eventually(() -> get("/petrel/v1/functions/small/invocations?limit=1000&from=" + started),
        r -> r.get("Invocations").size() >= 50);
    JsonNode big = eventually(() -> get("/petrel/v1/functions/big/invocations?limit=1000&from=" + started),
        r -> r.get("Invocations").size() >= 40);
    JsonNode capped = get("/petrel/v1/functions/capped/invocations?limit=1000&from=" + started);

    // The invocation query
    assertThat(outcomes(small)).containsExactlyInAnyOrderEntriesOf(Map.of("Success", 40L, "FunctionError", 10L));
    assertThat(outcomes(big)).containsExactlyInAnyOrderEntriesOf(Map.of("Success", 40L));
    assertThat(capped.get("Invocations")).isEmpty();
    assertThat(get("/petrel/v1/functions/small/invocations?outcome=FunctionError&limit=1000&from=" + started)
        .get("Invocations")).hasSize(10);
    for (JsonNode r : big.get("Invocations")) {
      assertThat(r.get("BilledDurationMs").asLong()).isGreaterThanOrEqualTo(100);
      assertThat(r.get("MemorySizeMB").asInt()).isEqualTo(1024);
    }

    // The metrics
    String metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metric(metrics, "petrel_invocations_total", "small", "outcome", "Success")).isEqualTo(40);
    assertThat(metric(metrics, "petrel_invocations_total", "small", "outcome", "FunctionError")).isEqualTo(10);
    assertThat(metric(metrics, "petrel_invocations_total", "big", "outcome", "Success")).isEqualTo(40);
    assertThat(metric(metrics, "petrel_throttles_total", "capped", null, null)).isEqualTo(10);
    assertThat(metric(metrics, "petrel_invocation_duration_seconds_count", "small", null, null)).isEqualTo(50);
    assertThat(metric(metrics, "petrel_invocation_duration_seconds_count", "big", null, null)).isEqualTo(40);
    assertThat(metric(metrics, "petrel_cold_starts_total", "big", null, null)).isEqualTo(1);

    // The log query: one REPORT per invocation that ran, one "done" line per success
    JsonNode reports = get("/petrel/v1/functions/small/logs?limit=10000&filter=REPORT&from=" + started);
    assertThat(reports.get("Events")).hasSize(50);
    JsonNode done = get("/petrel/v1/functions/small/logs?limit=10000&filter=" + encode("done") + "&from=" + started);
    assertThat(done.get("Events")).hasSize(40);
    assertThat(get("/petrel/v1/functions/big/logs?limit=10000&filter=REPORT&from=" + started).get("Events"))
        .hasSize(40);

    // The usage report: the same requests, and the GB-seconds of exactly the records listed
    JsonNode usage = get("/petrel/v1/usage");
    Map<String, JsonNode> byName = new java.util.HashMap<>();
    usage.get("Functions").forEach(f -> byName.put(f.get("FunctionName").asText(), f));
    assertThat(byName).containsOnlyKeys("small", "big");
    assertThat(byName.get("small").get("Requests").asLong()).isEqualTo(50);
    assertThat(byName.get("big").get("Requests").asLong()).isEqualTo(40);
    BigDecimal smallGbs = gbSeconds(small);
    BigDecimal bigGbs = gbSeconds(big);
    assertThat(byName.get("small").get("GbSeconds").decimalValue()).isEqualByComparingTo(smallGbs);
    assertThat(byName.get("big").get("GbSeconds").decimalValue()).isEqualByComparingTo(bigGbs);
    assertThat(bigGbs).isGreaterThanOrEqualTo(new BigDecimal("4.0")); // 40 x 1 GB x at least 0.1 s
    BigDecimal bigCost = new BigDecimal("40").multiply(new BigDecimal("0.20")).divide(new BigDecimal("1000000"))
        .add(bigGbs.multiply(new BigDecimal("0.0000166667")));
    assertThat(byName.get("big").get("Cost").decimalValue()).isCloseTo(bigCost, org.assertj.core.data.Offset
        .offset(new BigDecimal("0.0000000001")));
    JsonNode total = usage.get("Total");
    assertThat(total.get("Requests").asLong()).isEqualTo(90);
    assertThat(total.get("GbSeconds").decimalValue()).isEqualByComparingTo(smallGbs.add(bigGbs));
    assertThat(total.get("Cost").decimalValue()).isEqualByComparingTo("0"); // inside the free tier
  }

  private static void invoke(String function, int n, int sleepMs, boolean fail) {
    InvokeResponse reply = lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(
        "{\"n\": " + n + ", \"sleep_ms\": " + sleepMs + ", \"fail\": " + (fail ? "true" : "false") + "}")));
    assertThat(reply.functionError()).isEqualTo(fail ? "Unhandled" : null);
  }

  private static Map<String, Long> outcomes(JsonNode invocations) {
    Map<String, Long> counts = new java.util.HashMap<>();
    invocations.get("Invocations").forEach(r -> counts.merge(r.get("Outcome").asText(), 1L, Long::sum));
    return counts;
  }

  /** Memory (GB) times billed duration (s) summed over the listed records. */
  private static BigDecimal gbSeconds(JsonNode invocations) {
    long mbMs = 0;
    for (JsonNode r : invocations.get("Invocations")) {
      mbMs += r.get("MemorySizeMB").asLong() * r.get("BilledDurationMs").asLong();
    }
    return BigDecimal.valueOf(mbMs).divide(BigDecimal.valueOf(1024L * 1000L), MathContext.DECIMAL128);
  }

  /** The sum of a metric's samples for one function, optionally with one more label. */
  private static double metric(String text, String name, String function, String label, String value) {
    Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(text);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("function=\"" + function + "\"")
          && (label == null || labels.contains(label + "=\"" + value + "\""))) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("no sample of " + name + " for " + function + " in:\n" + text);
    }
    return sum;
  }

  private static JsonNode get(String pathAndQuery) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", pathAndQuery, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode eventually(ThrowingSupplier<JsonNode> read, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode value = read.get();
    while (!done.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      value = read.get();
    }
    return value;
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.port() + pathAndQuery);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
