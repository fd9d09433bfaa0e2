package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventValidationTest {
  private static final String FIELD = "DestinationConfig.OnFailure.Destination";

  @Test
  void function_arns_with_or_without_qualifier_and_kafka_topics_are_destinations() {
    for (String d : List.of("arn:aws:lambda:us-east-1:000000000000:function:sink",
        "arn:aws:lambda:eu-west-1:123456789012:function:sink:live",
        "arn:aws:lambda:us-east-1:000000000000:function:sink:$LATEST", "kafka://failures.orders_v-1")) {
      assertThat(EventValidation.destination(FIELD, d)).isEqualTo(d);
    }
  }

  @Test
  void an_empty_destination_means_none() {
    assertThat(EventValidation.destination(FIELD, "")).isNull();
    assertThat(EventValidation.destination(FIELD, null)).isNull();
  }

  @Test
  void other_destinations_are_refused_naming_the_field_and_what_is_accepted() {
    for (String d : List.of("arn:aws:sqs:us-east-1:000000000000:queue", "arn:aws:sns:us-east-1:000000000000:t",
        "arn:aws:lambda:us-east-1:000000000000:function:bad name", "arn:aws:lambda:us-east-1:12:function:f",
        "https://example.com", "kafka://", "kafka://has space", "kafka://" + "t".repeat(250))) {
      assertThatThrownBy(() -> EventValidation.destination(FIELD, d))
          .isInstanceOfSatisfying(LambdaError.class, e -> {
            assertThat(e.type()).isEqualTo("InvalidParameterValueException");
            assertThat(e.status()).isEqualTo(400);
          })
          .hasMessageStartingWith(FIELD);
    }
    assertThatThrownBy(() -> EventValidation.destination(FIELD, "arn:aws:sqs:us-east-1:000000000000:queue"))
        .hasMessageContaining("kafka://<topic>").hasMessageContaining("arn:aws:lambda:");
  }

  @Test
  void ranges_name_the_field_and_both_limits() {
    assertThat(EventValidation.range("BatchSize", 10_000, 1, 10_000)).isEqualTo(10_000);
    assertThatThrownBy(() -> EventValidation.range("BatchSize", 10_001, 1, 10_000))
        .hasMessage("BatchSize must be between 1 and 10000, got 10001");
  }

  @Test
  void exactly_one_topic_with_kafka_characters_is_accepted() {
    assertThat(EventValidation.topics(List.of("orders.v1"))).containsExactly("orders.v1");
    assertThatThrownBy(() -> EventValidation.topics(List.of())).hasMessageContaining("exactly 1");
    assertThatThrownBy(() -> EventValidation.topics(List.of("a", "b"))).hasMessageContaining("got 2");
    assertThatThrownBy(() -> EventValidation.topics(List.of("or/ders"))).hasMessageStartingWith("Topics");
    assertThat(EventValidation.topics(List.of("t".repeat(249)))).hasSize(1);
    assertThatThrownBy(() -> EventValidation.topics(List.of("t".repeat(250)))).hasMessageContaining("249");
  }

  @Test
  void bootstrap_servers_are_one_to_ten_host_port_pairs() {
    assertThat(EventValidation.bootstrapServers(List.of("localhost:9092", "10.0.0.1:1", "kafka-1.example:65535",
        "[::1]:9092"))).hasSize(4);
    for (String bad : List.of("localhost", "localhost:", ":9092", "localhost:0", "localhost:65536", "host:port",
        "bad host:9092", "-host:9092")) {
      assertThatThrownBy(() -> EventValidation.bootstrapServers(List.of(bad)))
          .hasMessageStartingWith("SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS")
          .hasMessageContaining("1 to 65535");
    }
    assertThatThrownBy(() -> EventValidation.bootstrapServers(List.of())).hasMessageContaining("1 to 10");
    assertThatThrownBy(() -> EventValidation.bootstrapServers(Collections.nCopies(11, "h:1")))
        .hasMessageContaining("1 to 10 brokers, got 11");
  }

  @Test
  void consumer_group_ids_allow_lambdas_characters_up_to_200() {
    assertThat(EventValidation.consumerGroupId("group-1/a*b:c_d+e=f.g@h")).isEqualTo("group-1/a*b:c_d+e=f.g@h");
    assertThat(EventValidation.consumerGroupId("g".repeat(200))).hasSize(200);
    assertThatThrownBy(() -> EventValidation.consumerGroupId("g".repeat(201)))
        .hasMessageContaining("ConsumerGroupId").hasMessageContaining("200");
    assertThatThrownBy(() -> EventValidation.consumerGroupId("a b")).hasMessageContaining("ConsumerGroupId");
    assertThatThrownBy(() -> EventValidation.consumerGroupId("")).hasMessageContaining("ConsumerGroupId");
  }

  @Test
  void starting_positions_and_response_types_are_the_ones_kafka_mappings_have() {
    assertThat(EventValidation.startingPosition("LATEST")).isEqualTo("LATEST");
    assertThat(EventValidation.startingPosition("TRIM_HORIZON")).isEqualTo("TRIM_HORIZON");
    assertThatThrownBy(() -> EventValidation.startingPosition("AT_TIMESTAMP"))
        .hasMessageContaining("TRIM_HORIZON or LATEST");
    assertThat(EventValidation.reportBatchItemFailures(List.of())).isFalse();
    assertThat(EventValidation.reportBatchItemFailures(List.of("ReportBatchItemFailures"))).isTrue();
    assertThatThrownBy(() -> EventValidation.reportBatchItemFailures(List.of("Other")))
        .hasMessageStartingWith("FunctionResponseTypes");
  }
}
