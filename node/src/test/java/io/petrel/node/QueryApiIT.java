package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Petrel's query API (invocations, logs, live tail) against a dev node whose function really ran: what
 * {@code petrel invocations} and {@code petrel logs} show a user. Records and log lines are written
 * asynchronously in batches, so the queries are retried for a bounded time instead of sleeping.
 */
class QueryApiIT {
  private static final String FUNCTION = """
      import json
      def handler(event, context):
          print("query-it got " + json.dumps(event, sort_keys=True))
          if event.get("fail"):
              raise ValueError("asked to fail")
          return {"n": event.get("n")}
      """;
  private static final int INVOCATIONS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static Instant before;
  static Instant after;
  /** The request ids of the invocations, in the order they ran; n = 1 and 3 failed. */
  static final List<String> requestIds = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.client(node.port());
    String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine lacks a python3 runtime"));
    lambda.createFunction(r -> r.functionName("qit").runtime(python).handler("app.handler")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", FUNCTION)))));
    before = Instant.now();
    for (int n = 0; n < INVOCATIONS; n++) {
      String payload = n % 2 == 1 ? "{\"n\": " + n + ", \"fail\": true}" : "{\"n\": " + n + "}";
      InvokeResponse response = invoke(payload);
      assertThat(response.functionError()).isEqualTo(n % 2 == 1 ? "Unhandled" : null);
      requestIds.add(response.responseMetadata().requestId());
    }
    after = Instant.now().plusMillis(1);
  }

  @AfterAll
  static void stop() {
    lambda.close();
    node.stop();
  }

  private static InvokeResponse invoke(String payload) {
    return lambda.invoke(r -> r.functionName("qit").payload(SdkBytes.fromUtf8String(payload)));
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.port() + "/petrel/v1/functions/" + pathAndQuery);
  }

  private static HttpResponse<String> get(String pathAndQuery) {
    try {
      return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode ok(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String range() {
    return "from=" + before + "&to=" + after.toEpochMilli();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static List<String> field(JsonNode items, String name) {
    List<String> values = new ArrayList<>();
    items.forEach(i -> values.add(i.path(name).asText()));
    return values;
  }

  /** Retries an assertion for up to 10 s: records and log lines reach the store shortly after the invocation. */
  private static void eventually(Runnable assertion) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void invocations_of_a_time_range_are_listed_oldest_first_with_what_each_cost() throws Exception {
    eventually(() -> assertThat(field(ok("qit/invocations?" + range()).get("Invocations"), "RequestId"))
        .containsExactlyElementsOf(requestIds));
    JsonNode items = ok("qit/invocations?" + range()).get("Invocations");
    assertThat(field(items, "Outcome"))
        .containsExactly("Success", "FunctionError", "Success", "FunctionError", "Success");
    JsonNode first = items.get(0);
    assertThat(first.get("FunctionName").asText()).isEqualTo("qit");
    assertThat(first.get("Qualifier").asText()).isEqualTo("$LATEST");
    assertThat(first.get("ExecutedVersion").asText()).isEqualTo("$LATEST");
    assertThat(first.get("StartTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(Instant.parse(first.get("StartTime").asText())).isBetween(before, after);
    assertThat(first.get("DurationMs").asDouble()).isPositive();
    assertThat(first.get("BilledDurationMs").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(first.get("MemorySizeMB").asInt()).isEqualTo(128);
    assertThat(first.get("MaxMemoryUsedMB").isIntegralNumber()).isTrue();
    assertThat(first.get("InitDurationMs").asDouble()).as("the cold start").isPositive();
    assertThat(items.get(2).has("InitDurationMs")).as("a warm start").isFalse();
    assertThat(first.has("ErrorType")).isFalse();
    assertThat(ok("qit/invocations?" + range() + "&limit=2").get("Invocations")).hasSize(2);
  }

  @Test
  void invocations_filter_by_outcome_and_by_request_id() throws Exception {
    eventually(() -> assertThat(field(ok("qit/invocations?" + range() + "&outcome=FunctionError")
        .get("Invocations"), "RequestId")).containsExactly(requestIds.get(1), requestIds.get(3)));
    JsonNode failed = ok("qit/invocations?" + range() + "&outcome=FunctionError").get("Invocations");
    assertThat(field(failed, "ErrorType")).containsExactly("ValueError", "ValueError");
    assertThat(ok("qit/invocations?" + range() + "&outcome=NoSuchOutcome").get("Invocations")).isEmpty();

    JsonNode one = ok("qit/invocations?requestId=" + requestIds.get(2)).get("Invocations");
    assertThat(field(one, "RequestId")).containsExactly(requestIds.get(2));
  }

  @Test
  void the_logs_of_one_request_are_its_start_output_end_and_report_lines() throws Exception {
    String id = requestIds.get(1);
    eventually(() -> {
      List<String> messages = field(ok("qit/logs?requestId=" + id).get("Events"), "Message");
      assertThat(messages).hasSizeGreaterThanOrEqualTo(4);
      assertThat(messages.get(0)).startsWith("START RequestId: " + id + " Version: $LATEST");
      assertThat(messages).contains("query-it got {\"fail\": true, \"n\": 1}");
      assertThat(messages.get(messages.size() - 2)).isEqualTo("END RequestId: " + id);
      assertThat(messages.get(messages.size() - 1)).startsWith("REPORT RequestId: " + id + "\tDuration: ");
    });
    JsonNode events = ok("qit/logs?requestId=" + id).get("Events");
    assertThat(field(events, "RequestId")).containsOnly(id);
    assertThat(events.get(0).get("Timestamp").asText()).endsWith("Z");
  }

  @Test
  void logs_of_a_range_are_filtered_by_a_pattern() throws Exception {
    String printed = "qit/logs?" + range() + "&filter=" + encode("\"query-it got\" -fail");
    eventually(() -> assertThat(field(ok(printed).get("Events"), "Message")).containsExactly(
        "query-it got {\"n\": 0}", "query-it got {\"n\": 2}", "query-it got {\"n\": 4}"));

    String either = "qit/logs?" + range() + "&filter=" + encode("\"query-it got\" ?\"\\\"n\\\": 1\" ?\"\\\"n\\\": 4\"");
    assertThat(field(ok(either).get("Events"), "Message"))
        .containsExactly("query-it got {\"fail\": true, \"n\": 1}", "query-it got {\"n\": 4}");

    String reports = "qit/logs?" + range() + "&filter=REPORT&limit=2";
    assertThat(field(ok(reports).get("Events"), "RequestId")).containsExactly(requestIds.get(0), requestIds.get(1));

    List<String> all = field(ok("qit/logs?" + range()).get("Events"), "Timestamp");
    assertThat(all).hasSizeGreaterThanOrEqualTo(INVOCATIONS * 4).isSorted();
  }

  @Test
  void the_live_tail_streams_a_new_line_within_seconds() throws Exception {
    String marker = "tail-" + UUID.randomUUID();
    HttpResponse<InputStream> stream = http.send(
        HttpRequest.newBuilder(uri("qit/logs/tail?filter=" + encode(marker))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "tail-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      String id = invoke("{\"marker\": \"" + marker + "\"}").responseMetadata().requestId();
      String data = lines.poll(10, TimeUnit.SECONDS);
      assertThat(data).as("an event within 10 s").isNotNull().startsWith("data: ");
      JsonNode event = JSON.readTree(data.substring("data: ".length()));
      assertThat(event.get("RequestId").asText()).isEqualTo(id);
      assertThat(event.get("Message").asText()).isEqualTo("query-it got {\"marker\": \"" + marker + "\"}");
      assertThat(event.get("Timestamp").asText()).endsWith("Z");
      assertThat(lines.poll(5, TimeUnit.SECONDS)).as("the blank line ending the event").isEmpty();
      assertThat(lines.poll(1, TimeUnit.SECONDS)).as("the line is sent once").isNull();
    } finally {
      stream.body().close();
    }
  }

  @Test
  void an_unknown_function_is_not_found() {
    for (String path : List.of("nope/invocations", "nope/logs", "nope/logs/tail")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).as(path).contains("ResourceNotFoundException");
      assertThat(response.body()).as(path).contains("Function not found: arn:aws:lambda:");
    }
  }

  @Test
  void a_malformed_from_is_a_bad_request_naming_the_parameter_and_the_formats() {
    for (String path : List.of("qit/invocations?from=yesterday", "qit/logs?from=yesterday")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(400);
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("InvalidParameterValueException");
      assertThat(response.body()).contains("'yesterday' at 'from'", "ISO-8601", "epoch milliseconds");
    }
  }
}
