package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.petrel.gateway.EventIntake;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.Alias;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.sqlite.SqliteStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous-invocation routes over HTTP against a real embedded store: Event invokes handed to an intake
 * (and refused by a gateway without one), event invoke configs and Kafka event-source mappings.
 */
class EventRoutesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final GatewaySettings SETTINGS = GatewaySettings.from(ConfigFactory.load());
  private static final FunctionId FN = new FunctionId(SETTINGS.account(), "fn");
  private static final String ARN = "arn:aws:lambda:" + SETTINGS.region() + ":" + SETTINGS.account() + ":function:";

  static Path dir;
  static SqliteStore store;
  static ActorSystem system;
  static int withIntake;
  static int withoutIntake;
  static final List<EventIntake.AsyncRequest> submitted = new CopyOnWriteArrayList<>();
  static final AtomicReference<Throwable> intakeFailure = new AtomicReference<>();
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("petrel-event-routes");
    store = SqliteStore.open(dir.resolve("petrel.db"));
    FunctionConfig config = new FunctionConfig("python3.12", "app.handler", "", "", 3, 128, Map.of(), List.of(),
        "00", 1, "rev", NOW);
    store.createFunction(new FunctionDefinition(FN, config, Map.of(), OptionalInt.empty(), NOW))
        .thenCompose(f -> store.publishVersion(FN, null, null, "rev-1", NOW))
        .thenCompose(v -> store.createAlias(new Alias(FN, "live", "1", "", Optional.empty(), "rev-a")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    system = ActorSystem.create("EventRoutesTest");
    EventIntake intake = request -> {
      Throwable failure = intakeFailure.get();
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      submitted.add(request);
      return CompletableFuture.completedFuture(null);
    };
    withIntake = bind(new ApiContext(SETTINGS, store, null, Runnable::run, null, null, intake,
        Clock.fixed(NOW, ZoneOffset.UTC)));
    withoutIntake = bind(new ApiContext(SETTINGS, store, null, Runnable::run, null, null,
        Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private static int bind(ApiContext ctx) throws Exception {
    return Http.get(system).newServerAt("127.0.0.1", 0)
        .bind(new ControlPlaneRoutes(ctx, Materializer.matFromSystem(system)).route())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    system.terminate();
    store.close();
  }

  @BeforeEach
  void reset() {
    submitted.clear();
    intakeFailure.set(null);
  }

  private static HttpResponse<String> send(int port, String method, String path, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> event(int port, String functionAndQuery, byte[] payload, String... headers)
      throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "X-Amz-Invocation-Type";
    all[1] = "Event";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return send(port, "POST", "/2015-03-31/functions/" + functionAndQuery, payload, all);
  }

  private static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return send(withIntake, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static String errorType(HttpResponse<String> r) {
    return r.headers().firstValue("x-amzn-ErrorType").orElse("");
  }

  // ---- Invoke with InvocationType Event ----

  @Test
  void an_event_is_handed_to_the_intake_and_answered_202_with_its_request_id() throws Exception {
    HttpResponse<String> r = event(withIntake, "fn/invocations", "{\"n\":1}".getBytes(),
        "X-Amz-Client-Context", "eyJhIjoxfQ==");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEmpty();
    assertThat(submitted).hasSize(1);
    EventIntake.AsyncRequest request = submitted.get(0);
    assertThat(r.headers().firstValue("x-amzn-RequestId")).hasValue(request.requestId());
    assertThat(request.function()).isEqualTo(FN);
    assertThat(request.qualifier()).isEqualTo("$LATEST");
    assertThat(request.payload()).isEqualTo("{\"n\":1}".getBytes());
    assertThat(request.clientContext()).isEqualTo("eyJhIjoxfQ==");
    assertThat(request.received()).isEqualTo(NOW);
  }

  @Test
  void the_qualifier_given_by_parameter_name_or_arn_is_queued_as_given() throws Exception {
    assertThat(event(withIntake, "fn/invocations?Qualifier=live", new byte[0]).statusCode()).isEqualTo(202);
    assertThat(event(withIntake, "fn%3A1/invocations", new byte[0]).statusCode()).isEqualTo(202);
    assertThat(event(withIntake, ARN + "fn/invocations", new byte[0]).statusCode()).isEqualTo(202);
    assertThat(submitted).extracting(EventIntake.AsyncRequest::qualifier).containsExactly("live", "1", "$LATEST");
    assertThat(submitted.get(0).clientContext()).isNull();
  }

  @Test
  void a_payload_over_256_kb_is_refused_413_and_one_of_exactly_256_kb_is_queued() throws Exception {
    HttpResponse<String> big = event(withIntake, "fn/invocations", new byte[262_145]);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(errorType(big)).isEqualTo("RequestEntityTooLargeException");
    assertThat(json(big).get("Message").asText())
        .isEqualTo("Request must be smaller than 262144 bytes for the InvokeFunction operation");
    assertThat(event(withIntake, "fn/invocations", new byte[262_144]).statusCode()).isEqualTo(202);
    assertThat(submitted).hasSize(1);
  }

  @Test
  void a_missing_function_or_qualifier_answers_404_and_queues_nothing() throws Exception {
    for (String target : List.of("nope/invocations", "fn/invocations?Qualifier=7", "fn%3Adark/invocations")) {
      HttpResponse<String> r = event(withIntake, target, new byte[0]);
      assertThat(r.statusCode()).as(target).isEqualTo(404);
      assertThat(errorType(r)).isEqualTo("ResourceNotFoundException");
    }
    assertThat(event(withoutIntake, "nope/invocations", new byte[0]).statusCode()).isEqualTo(404);
    assertThat(submitted).isEmpty();
  }

  @Test
  void an_oversized_client_context_is_invalid() throws Exception {
    HttpResponse<String> r = event(withIntake, "fn/invocations", new byte[0], "X-Amz-Client-Context",
        "a".repeat(3584));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("Message").asText()).contains("X-Amz-Client-Context", "3583");
  }

  @Test
  void a_gateway_without_intake_says_event_invocations_are_not_available_here_and_why() throws Exception {
    HttpResponse<String> r = event(withoutIntake, "fn/invocations", new byte[0]);
    assertThat(r.statusCode()).isEqualTo(501);
    assertThat(errorType(r)).isEqualTo("NotSupportedException");
    assertThat(json(r).get("Message").asText()).contains("InvocationType Event", "not available",
        "started without an event queue");
  }

  @Test
  void an_intake_that_cannot_queue_answers_503_on_an_outage_and_500_otherwise() throws Exception {
    intakeFailure.set(new StoreException.Unavailable("kafka is down"));
    HttpResponse<String> outage = event(withIntake, "fn/invocations", new byte[0]);
    assertThat(outage.statusCode()).isEqualTo(503);
    assertThat(errorType(outage)).isEqualTo("ServiceException");
    assertThat(json(outage).get("Message").asText()).contains("kafka is down");

    intakeFailure.set(new IllegalStateException("disk full"));
    HttpResponse<String> broken = event(withIntake, "fn/invocations", new byte[0]);
    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(errorType(broken)).isEqualTo("ServiceException");
  }

  // ---- event invoke config ----

  @Test
  void an_event_invoke_config_is_put_read_updated_listed_and_deleted() throws Exception {
    String path = "/2019-09-25/functions/fn/event-invoke-config?Qualifier=live";
    HttpResponse<String> put = call("PUT", path, "{\"MaximumRetryAttempts\": 1,"
        + " \"DestinationConfig\": {\"OnFailure\": {\"Destination\": \"kafka://dlq\"}}}");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(json(put).get("FunctionArn").asText()).isEqualTo(ARN + "fn:live");
    assertThat(json(put).get("MaximumEventAgeInSeconds").asInt()).isEqualTo(21_600);
    assertThat(json(put).get("LastModified").isNumber()).isTrue();

    HttpResponse<String> updated = call("POST", path, "{\"MaximumEventAgeInSeconds\": 120}");
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(json(updated).get("MaximumRetryAttempts").asInt()).isEqualTo(1);
    assertThat(json(updated).get("MaximumEventAgeInSeconds").asInt()).isEqualTo(120);
    assertThat(json(call("GET", path, null)).get("DestinationConfig").get("OnFailure").get("Destination").asText())
        .isEqualTo("kafka://dlq");

    JsonNode list = json(call("GET", "/2019-09-25/functions/fn/event-invoke-config/list", null));
    assertThat(list.get("FunctionEventInvokeConfigs")).extracting(n -> n.get("FunctionArn").asText())
        .contains(ARN + "fn:live");

    assertThat(call("DELETE", path, null).statusCode()).isEqualTo(204);
    HttpResponse<String> gone = call("GET", path, null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).get("Message").asText())
        .isEqualTo("The function " + ARN + "fn:live doesn't have an EventInvokeConfig");
    assertThat(call("DELETE", path, null).statusCode()).isEqualTo(404);
  }

  @Test
  void event_invoke_configs_of_unknown_functions_and_invalid_bodies_are_refused() throws Exception {
    assertThat(call("PUT", "/2019-09-25/functions/nope/event-invoke-config", "{}").statusCode()).isEqualTo(404);
    assertThat(call("GET", "/2019-09-25/functions/fn/event-invoke-config?Qualifier=9", null).statusCode())
        .isEqualTo(404);
    HttpResponse<String> bad = call("PUT", "/2019-09-25/functions/fn/event-invoke-config",
        "{\"MaximumRetryAttempts\": 5}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(errorType(bad)).isEqualTo("InvalidParameterValueException");
    HttpResponse<String> malformed = call("PUT", "/2019-09-25/functions/fn/event-invoke-config", "{oops");
    assertThat(errorType(malformed)).isEqualTo("InvalidRequestContentException");
  }

  // ---- event-source mappings ----

  @Test
  void a_kafka_mapping_is_created_read_updated_listed_and_deleted() throws Exception {
    HttpResponse<String> created = call("POST", "/2015-03-31/event-source-mappings", """
        {"FunctionName": "fn:live", "Topics": ["orders"], "StartingPosition": "LATEST",
         "SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["localhost:9092"]}}}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    JsonNode m = json(created);
    String uuid = m.get("UUID").asText();
    assertThat(m.get("FunctionArn").asText()).isEqualTo(ARN + "fn:live");
    assertThat(m.get("State").asText()).isEqualTo("Creating");
    assertThat(m.get("BatchSize").asInt()).isEqualTo(100);
    assertThat(m.get("SelfManagedKafkaEventSourceConfig").get("ConsumerGroupId").asText()).isEqualTo(uuid);

    String one = "/2015-03-31/event-source-mappings/" + uuid;
    assertThat(json(call("GET", one, null)).get("UUID").asText()).isEqualTo(uuid);
    HttpResponse<String> disabled = call("PUT", one, "{\"Enabled\": false, \"BatchSize\": 7}");
    assertThat(disabled.statusCode()).isEqualTo(202);
    assertThat(json(disabled).get("State").asText()).isEqualTo("Disabling");
    assertThat(json(disabled).get("BatchSize").asInt()).isEqualTo(7);

    assertThat(json(call("GET", "/2015-03-31/event-source-mappings?FunctionName=fn", null))
        .get("EventSourceMappings")).extracting(n -> n.get("UUID").asText()).contains(uuid);
    assertThat(json(call("GET", "/2015-03-31/event-source-mappings?FunctionName=fn%3Aother", null))
        .get("EventSourceMappings")).isEmpty();

    HttpResponse<String> deleted = call("DELETE", one, null);
    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(json(deleted).get("State").asText()).isEqualTo("Deleting");
    assertThat(call("GET", one, null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", one, null).statusCode()).isEqualTo(404);
  }

  @Test
  void mappings_of_unknown_functions_other_sources_and_fixed_fields_are_refused() throws Exception {
    String kafka = "\"Topics\": [\"orders\"], \"StartingPosition\": \"LATEST\", \"SelfManagedEventSource\":"
        + " {\"Endpoints\": {\"KAFKA_BOOTSTRAP_SERVERS\": [\"localhost:9092\"]}}";
    assertThat(call("POST", "/2015-03-31/event-source-mappings", "{\"FunctionName\": \"nope\", " + kafka + "}")
        .statusCode()).isEqualTo(404);
    HttpResponse<String> sqs = call("POST", "/2015-03-31/event-source-mappings", "{\"FunctionName\": \"fn\","
        + " \"EventSourceArn\": \"arn:aws:sqs:us-east-1:000000000000:q\"}");
    assertThat(sqs.statusCode()).isEqualTo(400);
    assertThat(json(sqs).get("Message").asText()).contains("self-managed Kafka");

    String uuid = json(call("POST", "/2015-03-31/event-source-mappings", "{\"FunctionName\": \"fn\", " + kafka
        + "}")).get("UUID").asText();
    HttpResponse<String> change = call("PUT", "/2015-03-31/event-source-mappings/" + uuid,
        "{\"Topics\": [\"other\"]}");
    assertThat(change.statusCode()).isEqualTo(400);
    assertThat(errorType(change)).isEqualTo("InvalidParameterValueException");
    assertThat(call("PUT", "/2015-03-31/event-source-mappings/" + uuid, "{\"FunctionName\": \"nope\"}")
        .statusCode()).isEqualTo(404);
    assertThat(call("GET", "/2015-03-31/event-source-mappings/no-such-uuid", null).statusCode()).isEqualTo(404);
  }
}
