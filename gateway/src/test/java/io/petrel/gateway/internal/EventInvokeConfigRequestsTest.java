package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.FunctionId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventInvokeConfigRequestsTest {
  private static final FunctionId FN = new FunctionId("000000000000", "fn");
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.250Z");
  private static final String SINK = "arn:aws:lambda:us-east-1:000000000000:function:sink";

  private static EventInvokeConfig put(String body) {
    return EventInvokeConfigRequests.put(Json.parseObject(body.getBytes(StandardCharsets.UTF_8)), FN, "live", NOW);
  }

  private static EventInvokeConfig update(String body, EventInvokeConfig current) {
    return EventInvokeConfigRequests.update(Json.parseObject(body.getBytes(StandardCharsets.UTF_8)), current, NOW);
  }

  @Test
  void a_put_of_nothing_stores_the_defaults() {
    assertThat(put("{}")).isEqualTo(new EventInvokeConfig(FN, "live", 2, 21_600, null, null, NOW));
  }

  @Test
  void a_put_stores_every_field_given() {
    assertThat(put("""
        {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60,
         "DestinationConfig": {"OnSuccess": {"Destination": "kafka://done"}, "OnFailure": {"Destination": "%s"}}}
        """.formatted(SINK))).isEqualTo(new EventInvokeConfig(FN, "live", 0, 60, "kafka://done", SINK, NOW));
  }

  @Test
  void an_update_changes_only_the_fields_given() {
    EventInvokeConfig current = new EventInvokeConfig(FN, "live", 1, 3600, "kafka://done", SINK, Instant.EPOCH);
    assertThat(update("{\"MaximumEventAgeInSeconds\": 120}", current))
        .isEqualTo(new EventInvokeConfig(FN, "live", 1, 120, "kafka://done", SINK, NOW));
    assertThat(update("{\"DestinationConfig\": {\"OnSuccess\": {}}}", current))
        .isEqualTo(new EventInvokeConfig(FN, "live", 1, 3600, null, SINK, NOW));
    assertThat(update("{\"DestinationConfig\": {\"OnFailure\": {\"Destination\": \"kafka://dlq\"}}}", current))
        .isEqualTo(new EventInvokeConfig(FN, "live", 1, 3600, "kafka://done", "kafka://dlq", NOW));
  }

  @Test
  void out_of_range_values_name_the_field_and_its_limits() {
    assertThatThrownBy(() -> put("{\"MaximumRetryAttempts\": 3}"))
        .hasMessage("MaximumRetryAttempts must be between 0 and 2, got 3");
    assertThatThrownBy(() -> put("{\"MaximumEventAgeInSeconds\": 59}"))
        .hasMessage("MaximumEventAgeInSeconds must be between 60 and 21600, got 59");
    assertThatThrownBy(() -> update("{\"MaximumEventAgeInSeconds\": 21601}", EventInvokeConfig.defaults(FN, "x")))
        .hasMessageContaining("21600");
  }

  @Test
  void an_unsupported_destination_names_its_place_in_the_body() {
    assertThatThrownBy(() -> put("{\"DestinationConfig\": {\"OnFailure\": {\"Destination\":"
        + " \"arn:aws:sqs:us-east-1:000000000000:dlq\"}}}"))
        .isInstanceOfSatisfying(LambdaError.class, e -> assertThat(e.type())
            .isEqualTo("InvalidParameterValueException"))
        .hasMessageStartingWith("DestinationConfig.OnFailure.Destination");
  }

  @Test
  void fields_of_the_wrong_type_are_invalid_request_content() {
    assertThatThrownBy(() -> put("{\"MaximumRetryAttempts\": \"two\"}"))
        .isInstanceOfSatisfying(LambdaError.class, e -> assertThat(e.type())
            .isEqualTo("InvalidRequestContentException"))
        .hasMessageContaining("MaximumRetryAttempts");
  }
}
