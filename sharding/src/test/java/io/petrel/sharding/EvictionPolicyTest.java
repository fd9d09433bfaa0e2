package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.sharding.EvictionPolicy.Idle;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionPolicyTest {

  @Test
  void evicts_least_recently_used_idle_environment_first() {
    var a = new Idle<>("a", 128, 10);
    var b = new Idle<>("b", 512, 20);
    var c = new Idle<>("c", 128, 30);
    assertThat(EvictionPolicy.choose(List.of(c, b, a), 256)).containsExactly(a, b);
  }

  @Test
  void evicts_only_as_many_as_needed() {
    var a = new Idle<>("a", 1024, 10);
    var b = new Idle<>("b", 1024, 20);
    assertThat(EvictionPolicy.choose(List.of(b, a), 512)).containsExactly(a);
  }

  @Test
  void evicts_nothing_when_all_idle_memory_would_not_be_enough() {
    var a = new Idle<>("a", 128, 10);
    assertThat(EvictionPolicy.choose(List.of(a), 256)).isEmpty();
    assertThat(EvictionPolicy.choose(List.<Idle<String>>of(), 1)).isEmpty();
  }
}
