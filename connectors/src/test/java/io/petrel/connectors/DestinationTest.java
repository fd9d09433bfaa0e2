package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.persistence.FunctionId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationTest {

  @Test
  void reads_a_function_arn_without_qualifier_as_latest() {
    assertThat(Destination.parse("arn:aws:lambda:eu-west-1:123456789012:function:audit"))
        .isEqualTo(new Destination.Function(new FunctionId("123456789012", "audit"), "$LATEST"));
  }

  @Test
  void reads_the_qualifier_of_a_function_arn() {
    assertThat(Destination.parse("arn:aws:lambda:eu-west-1:123456789012:function:audit:prod"))
        .isEqualTo(new Destination.Function(new FunctionId("123456789012", "audit"), "prod"));
    assertThat(Destination.parse("arn:aws:lambda:eu-west-1:123456789012:function:audit:7"))
        .isEqualTo(new Destination.Function(new FunctionId("123456789012", "audit"), "7"));
  }

  @Test
  void reads_a_kafka_topic() {
    assertThat(Destination.parse("kafka://failed.orders_v-2")).isEqualTo(new Destination.KafkaTopic("failed.orders_v-2"));
    assertThat(Destination.parse("kafka://" + "t".repeat(249))).isEqualTo(new Destination.KafkaTopic("t".repeat(249)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kafka://", "kafka://two words", "kafka://orders/0", "kafka://caf\u00e9"})
  void rejects_a_kafka_destination_that_names_no_topic(String destination) {
    assertThatThrownBy(() -> Destination.parse(destination)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + destination + "'").hasMessageContaining("Kafka topic");
  }

  @Test
  void rejects_a_kafka_topic_longer_than_kafka_allows() {
    assertThatThrownBy(() -> Destination.parse("kafka://" + "t".repeat(250)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "audit",
      "arn:aws:lambda:eu-west-1:123456789012:function:",
      "arn:aws:lambda:eu-west-1:123456789012:function",
      "arn:aws:lambda:eu-west-1:123456789012:layer:audit",
      "arn:aws:sqs:eu-west-1:123456789012:function:audit",
      "urn:aws:lambda:eu-west-1:123456789012:function:audit",
      "arn:aws:lambda:eu-west-1:123456789012:function:audit:prod:extra",
      "https://example.com/hook"})
  void rejects_what_is_neither_a_function_arn_nor_a_kafka_topic(String destination) {
    assertThatThrownBy(() -> Destination.parse(destination)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + destination + "'").hasMessageContaining("function ARN");
  }

  @Test
  void rejects_a_function_arn_with_an_empty_qualifier() {
    assertThatThrownBy(() -> Destination.parse("arn:aws:lambda:eu-west-1:123456789012:function:audit:"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
