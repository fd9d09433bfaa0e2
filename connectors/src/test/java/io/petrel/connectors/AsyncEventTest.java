package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.persistence.FunctionId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsyncEventTest {
  private static final String COMPLETE =
      "{\"requestId\":\"r\",\"account\":\"a\",\"function\":\"f\",\"qualifier\":\"q\",\"payload\":\"e30=\","
      + "\"clientContext\":null,\"acceptedAtMillis\":1}";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodes_what_it_encoded_with_the_payload_bytes_exact() {
    byte[] payload = {'{', '}', 0, (byte) 0xff, (byte) 0xc3, (byte) 0x28, (byte) 0x80, '\n'};
    AsyncEvent event = new AsyncEvent("req-1", "123456789012", "orders", "prod", payload,
        "eyJjdXN0b20iOnt9fQ==", 1_700_000_000_123L);

    AsyncEvent decoded = AsyncEvent.decode(event.encode());

    assertThat(decoded.requestId()).isEqualTo("req-1");
    assertThat(decoded.account()).isEqualTo("123456789012");
    assertThat(decoded.function()).isEqualTo("orders");
    assertThat(decoded.qualifier()).isEqualTo("prod");
    assertThat(decoded.payload()).containsExactly(payload);
    assertThat(decoded.clientContext()).isEqualTo("eyJjdXN0b20iOnt9fQ==");
    assertThat(decoded.acceptedAtMillis()).isEqualTo(1_700_000_000_123L);
  }

  @Test
  void keeps_an_empty_payload_and_an_absent_client_context() {
    AsyncEvent decoded = AsyncEvent.decode(new AsyncEvent("req-2", "a", "f", "$LATEST", new byte[0], null, 0).encode());

    assertThat(decoded.payload()).isEmpty();
    assertThat(decoded.clientContext()).isNull();
    assertThat(decoded.qualifier()).isEqualTo("$LATEST");
  }

  @Test
  void queues_every_event_of_one_function_qualifier_under_one_key() {
    AsyncEvent first = new AsyncEvent("r1", "123", "orders", "prod", new byte[0], null, 0);
    AsyncEvent second = new AsyncEvent("r2", "123", "orders", "prod", new byte[] {1}, null, 9);
    AsyncEvent otherQualifier = new AsyncEvent("r3", "123", "orders", "dev", new byte[0], null, 0);

    assertThat(first.queueKey()).isEqualTo(second.queueKey()).isNotEqualTo(otherQualifier.queueKey());
    assertThat(first.functionId()).isEqualTo(new FunctionId("123", "orders"));
  }

  @Test
  void decodes_a_complete_queued_event() {
    assertThat(AsyncEvent.decode(utf8(COMPLETE)).payload()).isEqualTo(utf8("{}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[]", "42", "{}", "{\"requestId\":\"r\"",
      "{\"requestId\":\"r\",\"account\":\"a\",\"function\":\"f\",\"qualifier\":\"q\",\"payload\":\"e30=\","
          + "\"acceptedAtMillis\":\"yesterday\"}",
      "{\"requestId\":\"r\",\"account\":\"a\",\"function\":\"f\",\"qualifier\":\"q\",\"payload\":\"!!not base64!!\"}"})
  void rejects_what_is_not_a_queued_event(String bytes) {
    assertThatThrownBy(() -> AsyncEvent.decode(utf8(bytes))).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"requestId", "account", "function", "qualifier", "payload"})
  void rejects_a_queued_event_lacking_a_field(String field) {
    String lacking = COMPLETE.replaceFirst("\"" + field + "\":\"[^\"]*\",", "");
    assertThat(lacking).doesNotContain("\"" + field + "\"");

    assertThatThrownBy(() -> AsyncEvent.decode(utf8(lacking))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lacks a field");
  }

  @Test
  void rejects_bytes_that_are_not_text() {
    assertThatThrownBy(() -> AsyncEvent.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejects_a_json_null() {
    assertThatThrownBy(() -> AsyncEvent.decode(utf8("null"))).isInstanceOf(IllegalArgumentException.class);
  }
}
