package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.petrel.connectors.DestinationRecords.Condition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DestinationRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.089Z");
  private static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:prod";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode asyncRecord(Condition condition, int invokeCount, String payload, String executedVersion,
      String functionError, String response) throws IOException {
    return JSON.readTree(DestinationRecords.asyncRecord("req-1", ARN, condition, invokeCount, utf8(payload),
        executedVersion, functionError, response == null ? null : utf8(response), NOW));
  }

  @Test
  void records_a_success_with_the_event_and_the_answer_as_json() throws IOException {
    JsonNode record = asyncRecord(Condition.Success, 1, "{\"order\":42}", "$LATEST", null, "{\"ok\":true}");

    assertThat(record.path("version").asText()).isEqualTo("1.0");
    assertThat(record.path("timestamp").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
    JsonNode context = record.path("requestContext");
    assertThat(context.path("requestId").asText()).isEqualTo("req-1");
    assertThat(context.path("functionArn").asText()).isEqualTo(ARN);
    assertThat(context.path("condition").asText()).isEqualTo("Success");
    assertThat(context.path("approximateInvokeCount").asInt()).isOne();
    assertThat(record.path("requestPayload")).isEqualTo(JSON.readTree("{\"order\":42}"));
    assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
    assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
    assertThat(record.path("responseContext").has("functionError")).isFalse();
    assertThat(record.path("responsePayload")).isEqualTo(JSON.readTree("{\"ok\":true}"));
  }

  @Test
  void records_exhausted_retries_with_the_function_error_and_a_non_json_answer_as_a_string() throws IOException {
    JsonNode record = asyncRecord(Condition.RetriesExhausted, 3, "[1,2]", "7", "Unhandled", "Task timed out");

    assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
    assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
    assertThat(record.path("requestPayload")).isEqualTo(JSON.readTree("[1,2]"));
    assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("7");
    assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
    assertThat(record.path("responsePayload").isTextual()).isTrue();
    assertThat(record.path("responsePayload").asText()).isEqualTo("Task timed out");
  }

  @Test
  void keeps_an_event_that_is_not_json_as_a_string() throws IOException {
    JsonNode record = asyncRecord(Condition.Success, 1, "plain text, not JSON", "$LATEST", null, "null");

    assertThat(record.path("requestPayload").isTextual()).isTrue();
    assertThat(record.path("requestPayload").asText()).isEqualTo("plain text, not JSON");
  }

  @Test
  void records_an_event_too_old_to_run_without_a_response() throws IOException {
    JsonNode record = asyncRecord(Condition.EventAgeExceeded, 0, "{}", null, null, null);

    assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("EventAgeExceeded");
    assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isZero();
    assertThat(record.has("responseContext")).isFalse();
    assertThat(record.has("responsePayload")).isFalse();
  }

  @Test
  void keeps_an_event_that_only_starts_like_json_as_a_string() throws IOException {
    JsonNode record = asyncRecord(Condition.Success, 1, "42 is the answer", "$LATEST", null, "null");

    assertThat(record.path("requestPayload").asText()).isEqualTo("42 is the answer");
  }

  @Test
  void records_a_kafka_batch_given_up_on_with_the_batch_and_its_event() throws IOException {
    byte[] batchEvent = utf8("{\"eventSource\":\"SelfManagedKafka\",\"records\":{}}");
    JsonNode record = JSON.readTree(DestinationRecords.batchRecord("req-2", ARN, "mapping-uuid", 3, "orders", 4,
        100, 109, 10, "Unhandled", utf8("{\"errorMessage\":\"boom\"}"), batchEvent, NOW));

    assertThat(record.path("version").asText()).isEqualTo("1.0");
    assertThat(record.path("timestamp").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
    JsonNode context = record.path("requestContext");
    assertThat(context.path("requestId").asText()).isEqualTo("req-2");
    assertThat(context.path("functionArn").asText()).isEqualTo(ARN);
    assertThat(context.path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
    assertThat(context.path("approximateInvokeCount").asInt()).isEqualTo(3);
    assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
    assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
    assertThat(record.path("responsePayload")).isEqualTo(JSON.readTree("{\"errorMessage\":\"boom\"}"));
    JsonNode batch = record.path("KafkaBatchInfo");
    assertThat(batch.path("eventSourceMappingUuid").asText()).isEqualTo("mapping-uuid");
    assertThat(batch.path("topic").asText()).isEqualTo("orders");
    assertThat(batch.path("partition").asInt()).isEqualTo(4);
    assertThat(batch.path("firstOffset").asLong()).isEqualTo(100);
    assertThat(batch.path("lastOffset").asLong()).isEqualTo(109);
    assertThat(batch.path("batchSize").asInt()).isEqualTo(10);
    assertThat(record.path("payload")).isEqualTo(JSON.readTree(batchEvent));
  }

  @Test
  void records_a_kafka_batch_that_got_no_answer_without_error_or_response() throws IOException {
    JsonNode record = JSON.readTree(DestinationRecords.batchRecord("req-3", ARN, "mapping-uuid", 1, "orders", 0,
        5, 5, 1, null, null, utf8("{}"), NOW));

    assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
    assertThat(record.path("responseContext").has("functionError")).isFalse();
    assertThat(record.has("responsePayload")).isFalse();
  }
}
