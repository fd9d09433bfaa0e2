package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSourceMappingRequestsTest {
  private static final String ACCOUNT = "000000000000";
  private static final FunctionNames NAMES = new FunctionNames("us-east-1", ACCOUNT);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String MINIMAL = """
      "FunctionName": "fn", "Topics": ["orders"], "StartingPosition": "TRIM_HORIZON",
      "SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["localhost:9092"]}}""";

  private static EventSourceMapping create(String extra) {
    String body = "{" + MINIMAL + (extra.isEmpty() ? "" : ", " + extra) + "}";
    return EventSourceMappingRequests.create(Json.parseObject(body.getBytes(StandardCharsets.UTF_8)), NAMES,
        ACCOUNT, "u-1", NOW);
  }

  private static EventSourceMapping createOnly(String body) {
    return EventSourceMappingRequests.create(Json.parseObject(body.getBytes(StandardCharsets.UTF_8)), NAMES,
        ACCOUNT, "u-1", NOW);
  }

  private static EventSourceMapping update(String body, EventSourceMapping current) {
    return EventSourceMappingRequests.update(Json.parseObject(body.getBytes(StandardCharsets.UTF_8)), current,
        NAMES, NOW.plusSeconds(60));
  }

  @Test
  void a_minimal_kafka_mapping_gets_lambdas_defaults_and_starts_creating() {
    EventSourceMapping m = create("");
    assertThat(m).isEqualTo(new EventSourceMapping("u-1", new FunctionId(ACCOUNT, "fn"), "$LATEST",
        List.of("orders"), "TRIM_HORIZON", 100, 0, List.of("localhost:9092"), "u-1", -1, false, null, false, true,
        "Creating", "USER_INITIATED", "No records processed", NOW));
  }

  @Test
  void every_optional_field_given_is_kept_and_a_disabled_mapping_starts_disabled() {
    EventSourceMapping m = create("""
        "BatchSize": 10000, "MaximumBatchingWindowInSeconds": 300, "MaximumRetryAttempts": 10000,
        "BisectBatchOnFunctionError": true, "FunctionResponseTypes": ["ReportBatchItemFailures"], "Enabled": false,
        "SelfManagedKafkaEventSourceConfig": {"ConsumerGroupId": "billing"},
        "DestinationConfig": {"OnFailure": {"Destination": "kafka://orders-dlq"}}""");
    assertThat(m.batchSize()).isEqualTo(10_000);
    assertThat(m.maximumBatchingWindowSeconds()).isEqualTo(300);
    assertThat(m.maximumRetryAttempts()).isEqualTo(10_000);
    assertThat(m.bisectBatchOnFunctionError()).isTrue();
    assertThat(m.reportBatchItemFailures()).isTrue();
    assertThat(m.consumerGroupId()).isEqualTo("billing");
    assertThat(m.onFailure()).isEqualTo("kafka://orders-dlq");
    assertThat(m.enabled()).isFalse();
    assertThat(m.state()).isEqualTo("Disabled");
  }

  @Test
  void a_mapping_may_target_an_alias_by_name_or_arn() {
    String body = "{" + MINIMAL.replace("\"fn\"", "\"arn:aws:lambda:us-east-1:000000000000:function:fn:live\"")
        + "}";
    assertThat(createOnly(body).qualifier()).isEqualTo("live");
    assertThat(createOnly(body).function()).isEqualTo(new FunctionId(ACCOUNT, "fn"));
    assertThat(createOnly("{" + MINIMAL.replace("\"fn\"", "\"fn:3\"") + "}").qualifier()).isEqualTo("3");
  }

  @Test
  void other_event_sources_are_refused_as_only_self_managed_kafka_is_supported() {
    assertThatThrownBy(() -> create("\"EventSourceArn\": \"arn:aws:sqs:us-east-1:000000000000:q\""))
        .isInstanceOfSatisfying(LambdaError.class, e -> assertThat(e.type())
            .isEqualTo("InvalidParameterValueException"))
        .hasMessageContaining("self-managed Kafka");
    assertThatThrownBy(() -> createOnly("{\"FunctionName\": \"fn\", \"Topics\": [\"t\"],"
        + " \"StartingPosition\": \"LATEST\"}"))
        .hasMessageContaining("SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS is required")
        .hasMessageContaining("self-managed Kafka");
    assertThatThrownBy(() -> createOnly("{\"FunctionName\": \"fn\", \"Topics\": [\"t\"], \"StartingPosition\":"
        + " \"LATEST\", \"SelfManagedEventSource\": {\"Endpoints\": {\"KAFKA_BOOTSTRAP_SERVERS\": [\"h:1\"],"
        + " \"OTHER\": [\"x\"]}}}"))
        .hasMessageContaining("SelfManagedEventSource.Endpoints.OTHER");
    assertThatThrownBy(() -> create("\"FilterCriteria\": {\"Filters\": [{\"Pattern\": \"{}\"}]}"))
        .hasMessageStartingWith("FilterCriteria is not supported");
    assertThatThrownBy(() -> create("\"SourceAccessConfigurations\": [{\"Type\": \"SASL_SCRAM_512_AUTH\"}]"))
        .hasMessageStartingWith("SourceAccessConfigurations is not supported");
  }

  @Test
  void each_violation_names_its_field_and_limit() {
    assertThatThrownBy(() -> create("\"BatchSize\": 0")).hasMessage("BatchSize must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> create("\"MaximumBatchingWindowInSeconds\": 301"))
        .hasMessage("MaximumBatchingWindowInSeconds must be between 0 and 300, got 301");
    assertThatThrownBy(() -> create("\"MaximumRetryAttempts\": -2"))
        .hasMessage("MaximumRetryAttempts must be between -1 and 10000, got -2");
    assertThatThrownBy(() -> create("\"FunctionResponseTypes\": [\"Nope\"]"))
        .hasMessageStartingWith("FunctionResponseTypes");
    assertThatThrownBy(() -> create("\"SelfManagedKafkaEventSourceConfig\": {\"ConsumerGroupId\": \"a b\"}"))
        .hasMessageContaining("ConsumerGroupId");
    assertThatThrownBy(() -> create("\"DestinationConfig\": {\"OnFailure\": {\"Destination\": \"s3://b\"}}"))
        .hasMessageStartingWith("DestinationConfig.OnFailure.Destination");
    assertThatThrownBy(() -> create("\"DestinationConfig\": {\"OnSuccess\": {\"Destination\": \"kafka://ok\"}}"))
        .hasMessageStartingWith("DestinationConfig.OnSuccess is not supported");
    assertThatThrownBy(() -> createOnly("{" + MINIMAL.replace("[\"orders\"]", "[\"a\", \"b\"]") + "}"))
        .hasMessageContaining("Topics must hold exactly 1 topic");
    assertThatThrownBy(() -> createOnly("{" + MINIMAL.replace("TRIM_HORIZON", "AT_TIMESTAMP") + "}"))
        .hasMessageContaining("StartingPosition");
    assertThatThrownBy(() -> createOnly("{" + MINIMAL.replace("\"StartingPosition\": \"TRIM_HORIZON\",", "")
        + "}")).hasMessageContaining("StartingPosition is required");
    assertThatThrownBy(() -> createOnly("{" + MINIMAL.replace("\"FunctionName\": \"fn\",", "") + "}"))
        .hasMessage("FunctionName is required");
    assertThatThrownBy(() -> createOnly("{" + MINIMAL.replace("localhost:9092", "localhost") + "}"))
        .hasMessageContaining("host:port");
  }

  @Test
  void turning_a_mapping_on_or_off_moves_it_to_enabling_or_disabling() {
    EventSourceMapping enabled = create("").withState("Enabled", null, "OK");
    EventSourceMapping off = update("{\"Enabled\": false}", enabled);
    assertThat(off.enabled()).isFalse();
    assertThat(off.state()).isEqualTo("Disabling");
    assertThat(off.stateTransitionReason()).isEqualTo("USER_INITIATED");
    assertThat(off.lastProcessingResult()).isEqualTo("OK");
    EventSourceMapping on = update("{\"Enabled\": true}", off.withState("Disabled", null, "OK"));
    assertThat(on.enabled()).isTrue();
    assertThat(on.state()).isEqualTo("Enabling");
  }

  @Test
  void other_updates_change_only_what_is_given_and_keep_the_state() {
    EventSourceMapping current = create("\"DestinationConfig\": {\"OnFailure\": {\"Destination\": \"kafka://dlq\"}}")
        .withState("Enabled", null, "OK");
    EventSourceMapping updated = update("""
        {"FunctionName": "other:live", "Enabled": true, "BatchSize": 5, "MaximumBatchingWindowInSeconds": 2,
         "MaximumRetryAttempts": 3, "BisectBatchOnFunctionError": true,
         "FunctionResponseTypes": ["ReportBatchItemFailures"]}""", current);
    assertThat(updated.state()).isEqualTo("Enabled");
    assertThat(updated.function()).isEqualTo(new FunctionId(ACCOUNT, "other"));
    assertThat(updated.qualifier()).isEqualTo("live");
    assertThat(updated.batchSize()).isEqualTo(5);
    assertThat(updated.maximumBatchingWindowSeconds()).isEqualTo(2);
    assertThat(updated.maximumRetryAttempts()).isEqualTo(3);
    assertThat(updated.bisectBatchOnFunctionError()).isTrue();
    assertThat(updated.reportBatchItemFailures()).isTrue();
    assertThat(updated.onFailure()).isEqualTo("kafka://dlq");
    assertThat(updated.topics()).isEqualTo(current.topics());
    assertThat(updated.modified()).isEqualTo(NOW.plusSeconds(60));

    assertThat(update("{\"DestinationConfig\": {}}", current).onFailure()).isNull();
    assertThat(update("{}", current).onFailure()).isEqualTo("kafka://dlq");
    assertThat(update("{\"SelfManagedKafkaEventSourceConfig\": {\"ConsumerGroupId\": \"u-1\"}}", current))
        .isNotNull();
  }

  @Test
  void what_identifies_the_records_read_cannot_be_changed() {
    EventSourceMapping current = create("");
    for (String change : List.of("{\"Topics\": [\"other\"]}", "{\"StartingPosition\": \"LATEST\"}",
        "{\"SelfManagedEventSource\": {\"Endpoints\": {\"KAFKA_BOOTSTRAP_SERVERS\": [\"h:1\"]}}}",
        "{\"EventSourceArn\": \"arn:aws:kafka:us-east-1:000000000000:cluster/c\"}",
        "{\"SelfManagedKafkaEventSourceConfig\": {\"ConsumerGroupId\": \"other\"}}")) {
      assertThatThrownBy(() -> update(change, current))
          .isInstanceOfSatisfying(LambdaError.class, e -> assertThat(e.type())
              .isEqualTo("InvalidParameterValueException"))
          .hasMessageContaining("cannot be changed");
    }
    assertThatThrownBy(() -> update("{\"BatchSize\": 10001}", current)).hasMessageContaining("10000");
  }
}
