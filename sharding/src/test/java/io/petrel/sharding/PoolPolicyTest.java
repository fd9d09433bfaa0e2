package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.sharding.PoolPolicy.Decision;
import org.junit.jupiter.api.Test;

class PoolPolicyTest {

  @Test
  void runs_below_the_limit() {
    assertThat(PoolPolicy.decide(0, 1, true, 0, 10)).isEqualTo(Decision.RUN);
    assertThat(PoolPolicy.decide(99, 100, false, 0, 10)).isEqualTo(Decision.RUN);
  }

  @Test
  void reserved_concurrency_throttles_at_once_at_its_limit() {
    assertThat(PoolPolicy.decide(1, 1, true, 0, 10)).isEqualTo(Decision.THROTTLE_RESERVED);
  }

  @Test
  void reserved_concurrency_of_zero_always_throttles() {
    assertThat(PoolPolicy.decide(0, 0, true, 0, 10)).isEqualTo(Decision.THROTTLE_RESERVED);
  }

  @Test
  void the_node_default_limit_queues_until_the_queue_is_full() {
    assertThat(PoolPolicy.decide(2, 2, false, 0, 1)).isEqualTo(Decision.QUEUE);
    assertThat(PoolPolicy.decide(2, 2, false, 1, 1)).isEqualTo(Decision.THROTTLE_QUEUE_FULL);
  }
}
