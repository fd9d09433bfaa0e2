package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRepresentationsTest {
  private static final FunctionId FN = new FunctionId("000000000000", "fn");
  private static final Instant MODIFIED = Instant.parse("2026-03-01T10:00:00.250Z");
  private static final EventRepresentations SHAPES =
      new EventRepresentations(new FunctionNames("us-east-1", "000000000000"));

  /** What a client reads: the bytes on the wire. */
  private static String wire(JsonNode n) {
    return new String(Json.bytes(n), StandardCharsets.UTF_8);
  }

  private static EventSourceMapping mapping(String qualifier, String onFailure, boolean reportFailures) {
    return new EventSourceMapping("u-1", FN, qualifier, List.of("orders"), "LATEST", 100, 0,
        List.of("localhost:9092"), "u-1", -1, false, onFailure, reportFailures, true, "Creating", "USER_INITIATED",
        "No records processed", MODIFIED);
  }

  @Test
  void an_invoke_config_names_its_qualifier_in_the_arn_and_its_time_as_plain_epoch_seconds() {
    JsonNode n = SHAPES.invokeConfig(new EventInvokeConfig(FN, "$LATEST", 1, 600, null, "kafka://dlq", MODIFIED));
    assertThat(n.get("FunctionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST");
    assertThat(n.get("MaximumRetryAttempts").asInt()).isEqualTo(1);
    assertThat(n.get("MaximumEventAgeInSeconds").asInt()).isEqualTo(600);
    assertThat(n.get("DestinationConfig").has("OnSuccess")).isFalse();
    assertThat(n.get("DestinationConfig").get("OnFailure").get("Destination").asText()).isEqualTo("kafka://dlq");
    assertThat(wire(n)).contains("\"LastModified\":1772359200.250");
  }

  @Test
  void a_whole_second_is_still_written_as_a_plain_number() {
    JsonNode n = SHAPES.invokeConfig(EventInvokeConfig.defaults(FN, "live"));
    assertThat(wire(n)).contains("\"LastModified\":0.000").contains("function:fn:live\"");
  }

  @Test
  void a_mapping_of_latest_has_the_plain_function_arn_and_an_alias_mapping_the_qualified_one() {
    assertThat(SHAPES.mapping(mapping("$LATEST", null, false)).get("FunctionArn").asText())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn");
    assertThat(SHAPES.mapping(mapping("live", null, false)).get("FunctionArn").asText())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn:live");
  }

  @Test
  void a_mapping_shows_its_kafka_source_and_its_destination_only_when_set() {
    JsonNode plain = SHAPES.mapping(mapping("$LATEST", null, false));
    assertThat(plain.get("UUID").asText()).isEqualTo("u-1");
    assertThat(plain.get("Topics")).extracting(JsonNode::asText).containsExactly("orders");
    assertThat(plain.get("SelfManagedEventSource").get("Endpoints").get("KAFKA_BOOTSTRAP_SERVERS"))
        .extracting(JsonNode::asText).containsExactly("localhost:9092");
    assertThat(plain.get("SelfManagedKafkaEventSourceConfig").get("ConsumerGroupId").asText()).isEqualTo("u-1");
    assertThat(plain.get("MaximumRetryAttempts").asInt()).isEqualTo(-1);
    assertThat(plain.has("DestinationConfig")).isFalse();
    assertThat(plain.get("FunctionResponseTypes")).isEmpty();
    assertThat(plain.get("State").asText()).isEqualTo("Creating");
    assertThat(plain.get("LastProcessingResult").asText()).isEqualTo("No records processed");
    assertThat(wire(plain)).contains("\"LastModified\":1772359200.250");

    JsonNode full = SHAPES.mapping(mapping("$LATEST", "kafka://dlq", true));
    assertThat(full.get("DestinationConfig").get("OnFailure").get("Destination").asText()).isEqualTo("kafka://dlq");
    assertThat(full.get("FunctionResponseTypes")).extracting(JsonNode::asText)
        .containsExactly("ReportBatchItemFailures");
  }
}
