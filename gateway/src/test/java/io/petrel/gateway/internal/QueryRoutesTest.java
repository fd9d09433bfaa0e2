package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationQuery;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import io.petrel.persistence.PetrelStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query routes over HTTP against a store held in memory: shapes, errors, and the tail's lifecycle. */
class QueryRoutesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T16:05:00Z");
  private static final GatewaySettings SETTINGS = GatewaySettings.from(ConfigFactory.load());
  private static final FunctionId FN = new FunctionId(SETTINGS.account(), "fn");
  private static final FunctionId ELSEWHERE = new FunctionId("111111111111", "other");

  static ActorSystem system;
  static ServerBinding binding;
  static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final List<InvocationRecord> records = new CopyOnWriteArrayList<>();
  static final LogCursorTest.MemoryLog log = new LogCursorTest.MemoryLog();
  static final List<String> logsOfCalls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create("QueryRoutesTest");
    Instant start = NOW.minusSeconds(60);
    records.add(record("r1", start, "Success", Optional.of(150.25), Optional.empty()));
    records.add(record("r2", start.plusMillis(5), "FunctionError", Optional.empty(), Optional.of("Unhandled")));
    log.add(new LogLine(FN, "r1", start, "START RequestId: r1 Version: $LATEST"),
        new LogLine(FN, "r1", start.plusMillis(3), "hello {\"n\": 1}"),
        new LogLine(FN, "r2", start.plusMillis(8), "hello {\"n\": 2} failing"));
    ApiContext ctx = new ApiContext(SETTINGS, store(), null, Runnable::run, null, null,
        Clock.fixed(NOW, ZoneOffset.UTC));
    binding = Http.get(system).newServerAt("127.0.0.1", 0)
        .bind(new ControlPlaneRoutes(ctx, Materializer.matFromSystem(system)).route())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static InvocationRecord record(String id, Instant start, String outcome, Optional<Double> init,
      Optional<String> errorType) {
    return new InvocationRecord(id, FN, "$LATEST", "$LATEST", start, 12.3456, 13, 128, 40, init, outcome, errorType);
  }

  /** Answers the calls the queries make; any other store call fails the test loudly. */
  private static PetrelStore store() {
    FunctionConfig config = new FunctionConfig("python3.12", "app.handler", "", "", 3, 128, Map.of(), List.of(),
        "00", 1, "rev", NOW);
    return (PetrelStore) Proxy.newProxyInstance(PetrelStore.class.getClassLoader(), new Class<?>[] {PetrelStore.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getFunction" -> CompletableFuture.completedFuture(args[0].equals(FN) || args[0].equals(ELSEWHERE)
              ? Optional.of(new FunctionDefinition((FunctionId) args[0], config, Map.of(), OptionalInt.empty(), NOW))
              : Optional.empty());
          case "findInvocations" -> CompletableFuture.completedFuture(records.stream()
              .filter(r -> r.function().equals(args[0]) && ((InvocationQuery) args[1]).matches(r))
              .limit(((InvocationQuery) args[1]).limit()).toList());
          case "logsBetween" -> args[0].equals(FN)
              ? log.between((Instant) args[1], (Instant) args[2], (Integer) args[3])
              : CompletableFuture.completedFuture(List.of());
          case "logsOf" -> {
            logsOfCalls.add((String) args[1]);
            yield CompletableFuture.completedFuture(log.lines.stream()
                .filter(l -> l.function().equals(args[0]) && l.requestId().equals(args[1])).toList());
          }
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/petrel/v1/functions/"
        + pathAndQuery);
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void invocations_answer_the_records_of_the_range_in_the_contract_shape() throws Exception {
    HttpResponse<String> response = get("fn/invocations");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode items = json(response).get("Invocations");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).toString()).isEqualTo("{\"RequestId\":\"r1\",\"FunctionName\":\"fn\",\"Qualifier\":"
        + "\"$LATEST\",\"ExecutedVersion\":\"$LATEST\",\"StartTime\":\"2026-11-23T16:04:00.000Z\",\"DurationMs\":12.35,"
        + "\"BilledDurationMs\":13,\"MemorySizeMB\":128,\"MaxMemoryUsedMB\":40,\"InitDurationMs\":150.25,"
        + "\"Outcome\":\"Success\"}");
    assertThat(items.get(1).get("ErrorType").asText()).isEqualTo("Unhandled");
    assertThat(items.get(1).has("InitDurationMs")).isFalse();
  }

  @Test
  void invocations_filter_by_outcome_and_request_id_and_unknown_outcomes_just_match_nothing() throws Exception {
    assertThat(json(get("fn/invocations?outcome=FunctionError")).get("Invocations"))
        .extracting(n -> n.get("RequestId").asText()).containsExactly("r2");
    assertThat(json(get("fn/invocations?requestId=r1")).get("Invocations"))
        .extracting(n -> n.get("RequestId").asText()).containsExactly("r1");
    HttpResponse<String> unknown = get("fn/invocations?outcome=Exploded");
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(json(unknown).get("Invocations")).isEmpty();
  }

  @Test
  void invocations_honour_the_range_and_the_limit() throws Exception {
    assertThat(json(get("fn/invocations?from=2026-11-23T16:04:00.001Z")).get("Invocations")).hasSize(1);
    assertThat(json(get("fn/invocations?to=" + NOW.minusSeconds(60).toEpochMilli())).get("Invocations")).isEmpty();
    assertThat(json(get("fn/invocations?limit=1")).get("Invocations")).hasSize(1);
    assertThat(json(get("fn/invocations?from=2026-11-23T17:04:00.001%2B01:00")).get("Invocations")).hasSize(1);
    assertThat(json(get("fn/invocations?from=2026-11-23T17:04:00.001+01:00")).get("Invocations"))
        .as("an unescaped + arrives as a space").hasSize(1);
  }

  @Test
  void logs_answer_events_in_time_order_and_apply_a_filter() throws Exception {
    String before = "to=" + NOW.minusSeconds(30); // lines the tail test adds come later
    JsonNode events = json(get("fn/logs?" + before)).get("Events");
    assertThat(events).extracting(n -> n.get("Message").asText()).containsExactly(
        "START RequestId: r1 Version: $LATEST", "hello {\"n\": 1}", "hello {\"n\": 2} failing");
    assertThat(events.get(0).toString()).isEqualTo("{\"Timestamp\":\"2026-11-23T16:04:00.000Z\",\"RequestId\":\"r1\","
        + "\"Message\":\"START RequestId: r1 Version: $LATEST\"}");
    HttpResponse<String> filtered = get("fn/logs?" + before + "&filter=" + encode("hello -failing"));
    assertThat(json(filtered).get("Events")).extracting(n -> n.get("Message").asText())
        .containsExactly("hello {\"n\": 1}");
    assertThat(filtered.headers().firstValue(QueryApi.TRUNCATED_HEADER)).isEmpty();
  }

  @Test
  void logs_of_one_request_come_from_its_own_lines() throws Exception {
    JsonNode events = json(get("fn/logs?requestId=r1&filter=hello")).get("Events");
    assertThat(events).extracting(n -> n.get("Message").asText()).containsExactly("hello {\"n\": 1}");
    assertThat(logsOfCalls).contains("r1");
  }

  @Test
  void bad_parameters_answer_400_in_lambdas_shape_naming_the_parameter() throws Exception {
    HttpResponse<String> from = get("fn/invocations?from=yesterday");
    assertThat(from.statusCode()).isEqualTo(400);
    assertThat(from.headers().firstValue("x-amzn-ErrorType")).contains("InvalidParameterValueException");
    assertThat(json(from).get("Message").asText()).contains("at 'from'", "2026-11-23T16:05:00Z",
        "epoch milliseconds");
    assertThat(json(get("fn/logs?limit=10001")).get("Message").asText()).contains("at 'limit'", "10000");
    assertThat(json(get("fn/invocations?limit=0")).get("Message").asText()).contains("at 'limit'");
    assertThat(json(get("fn/logs?filter=" + encode("\"open"))).get("Message").asText()).contains("at 'filter'");
    assertThat(get("fn/logs/tail?since=later").statusCode()).isEqualTo(400);
  }

  @Test
  void unknown_functions_and_other_accounts_answer_404() throws Exception {
    for (String path : List.of("nope/invocations", "nope/logs", "nope/logs/tail", "other/logs",
        "arn:aws:lambda:" + SETTINGS.region() + ":111111111111:function:other/invocations")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).as(path).contains("ResourceNotFoundException");
    }
  }

  @Test
  void the_tail_streams_new_lines_as_server_sent_events() throws Exception {
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri("fn/logs/tail?filter=tailed")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/event-stream"));
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-cache");
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      log.add(new LogLine(FN, "r3", NOW.minusMillis(1), "tailed but older than since"),
          new LogLine(FN, "r3", NOW.plusMillis(10), "not this one"),
          new LogLine(FN, "r3", NOW.plusMillis(20), "tailed line"));
      assertThat(lines.readLine()).isEqualTo("data: {\"Timestamp\":\"2026-11-23T16:05:00.020Z\",\"RequestId\":\"r3\","
          + "\"Message\":\"tailed line\"}");
      assertThat(lines.readLine()).isEmpty();
    }
  }

  /**
   * Pekko HTTP does not read from a connection while it streams a response, so it learns that the client left
   * when a write fails (akka-http#1977); the keep-alive comments make sure one comes. Shown with a 200 ms
   * keep-alive: polling stops about a second after the client closed.
   */
  @Test
  void the_tail_stops_polling_once_a_write_finds_the_client_gone() throws Exception {
    LogCursorTest.MemoryLog quiet = new LogCursorTest.MemoryLog();
    var settings = new LogTail.Settings(Duration.ofMillis(50), Duration.ofMillis(200), 10, 1);
    Route route = Directives.complete(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(),
        LogTail.events(quiet, NOW, LogFilter.ALL, () -> NOW, settings)));
    ServerBinding tailOnly = Http.get(system).newServerAt("127.0.0.1", 0).bind(route)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + tailOnly.localAddress().getPort() + "/")).build(), HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        assertThat(lines.readLine()).isEqualTo(": keep-alive");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int polls;
      do {
        polls = quiet.asked.size();
        Thread.sleep(500); // ten poll intervals
      } while (quiet.asked.size() != polls && System.nanoTime() < deadline);
      assertThat(quiet.asked).as("polls after the client left").hasSize(polls);
    } finally {
      tailOnly.unbind();
    }
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
