package io.petrel.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The invocation records Lambda sends to destinations, in its shape (see lambda-api.md, "Async destination record"). */
final class DestinationRecords {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Why a record was sent. */
  enum Condition { Success, RetriesExhausted, EventAgeExceeded, RetryAttemptsExhausted }

  private DestinationRecords() {}

  /**
   * The record of an asynchronous invocation: the event it was given and what the last attempt answered.
   * {@code functionError} is null for a success; {@code response} null when no attempt got an answer.
   */
  static byte[] asyncRecord(String requestId, String functionArn, Condition condition, int invokeCount,
      byte[] requestPayload, String executedVersion, String functionError, byte[] response, Instant now) {
    ObjectNode record = header(requestId, functionArn, condition, invokeCount, now);
    record.set("requestPayload", jsonOrText(requestPayload));
    if (response != null || executedVersion != null) {
      ObjectNode responseContext = record.putObject("responseContext");
      responseContext.put("statusCode", 200);
      if (executedVersion != null) {
        responseContext.put("executedVersion", executedVersion);
      }
      if (functionError != null) {
        responseContext.put("functionError", functionError);
      }
    }
    if (response != null) {
      record.set("responsePayload", jsonOrText(response));
    }
    return bytes(record);
  }

  /**
   * The record of a Kafka batch that a mapping gave up on: which records (topic, partition, offsets), how often it
   * was tried, what the function answered last, and the batch's event itself under {@code payload}.
   */
  static byte[] batchRecord(String requestId, String functionArn, String mappingUuid, int invokeCount,
      String topic, int partition, long firstOffset, long lastOffset, int records, String functionError,
      byte[] response, byte[] batchEvent, Instant now) {
    ObjectNode record = header(requestId, functionArn, Condition.RetryAttemptsExhausted, invokeCount, now);
    ObjectNode responseContext = record.putObject("responseContext");
    responseContext.put("statusCode", 200);
    if (functionError != null) {
      responseContext.put("functionError", functionError);
    }
    if (response != null) {
      record.set("responsePayload", jsonOrText(response));
    }
    ObjectNode batch = record.putObject("KafkaBatchInfo");
    batch.put("eventSourceMappingUuid", mappingUuid);
    batch.put("topic", topic);
    batch.put("partition", partition);
    batch.put("firstOffset", firstOffset);
    batch.put("lastOffset", lastOffset);
    batch.put("batchSize", records);
    record.set("payload", jsonOrText(batchEvent));
    return bytes(record);
  }

  /** What every record starts with: its version and time, and which invocation it is about and why it was sent. */
  private static ObjectNode header(String requestId, String functionArn, Condition condition, int invokeCount,
      Instant now) {
    ObjectNode record = JSON.createObjectNode();
    record.put("version", "1.0");
    record.put("timestamp", now.toString());
    ObjectNode context = record.putObject("requestContext");
    context.put("requestId", requestId);
    context.put("functionArn", functionArn);
    context.put("condition", condition.name());
    context.put("approximateInvokeCount", invokeCount);
    return record;
  }

  /** A JSON payload as JSON, anything else as a string. */
  private static JsonNode jsonOrText(byte[] payload) {
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      return TextNode.valueOf(new String(payload, StandardCharsets.UTF_8));
    }
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
