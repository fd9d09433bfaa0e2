package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  @Test
  void an_up_member_whose_store_answers_and_that_is_not_shutting_down_is_ready_with_200() {
    Readiness readiness = new Readiness("Up", Optional.empty(), false);

    assertThat(readiness.ready()).isTrue();
    assertThat(readiness.reply().status()).isEqualTo(200);
    assertThat(body(readiness)).isEqualTo(
        "{\"ready\":true,\"member\":\"Up\",\"store\":\"ok\",\"reasons\":[]}");
  }

  @Test
  void a_weakly_up_member_is_not_ready() {
    Readiness readiness = new Readiness("WeaklyUp", Optional.empty(), false);

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.reasons()).containsExactly("cluster member status is WeaklyUp, not Up");
  }

  @Test
  void every_failing_check_is_one_reason_in_plain_words_and_the_reply_is_503() throws Exception {
    Readiness readiness = new Readiness("Joining", Optional.of("did not answer within 2000 ms"), true);

    assertThat(readiness.reply().status()).isEqualTo(503);
    JsonNode body = Json.MAPPER.readTree(readiness.reply().body());
    assertThat(body.get("ready").asBoolean()).isFalse();
    assertThat(body.get("member").asText()).isEqualTo("Joining");
    assertThat(body.get("store").asText()).isEqualTo("did not answer within 2000 ms");
    assertThat(body.get("reasons")).extracting(JsonNode::asText).containsExactly(
        "cluster member status is Joining, not Up", "store: did not answer within 2000 ms", "shutting down");
  }

  @Test
  void a_node_shutting_down_is_not_ready_even_when_everything_else_is_fine() {
    Readiness readiness = new Readiness("Up", Optional.empty(), true);

    assertThat(readiness.reply().status()).isEqualTo(503);
    assertThat(readiness.reasons()).containsExactly("shutting down");
  }

  private static String body(Readiness readiness) {
    return new String(readiness.reply().body(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
