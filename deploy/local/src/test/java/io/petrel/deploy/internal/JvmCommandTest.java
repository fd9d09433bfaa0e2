package io.petrel.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JvmCommandTest {
  @Test
  void the_initial_heap_is_at_most_256m() {
    assertThat(JvmCommand.heapOptions("1g")).containsExactly("-Xms256m", "-Xmx1g");
    assertThat(JvmCommand.heapOptions("128m")).containsExactly("-Xms128m", "-Xmx128m");
    assertThat(JvmCommand.heapOptions("2G")).containsExactly("-Xms256m", "-Xmx2G");
  }

  @Test
  void a_heap_size_that_is_not_a_size_is_refused() {
    assertThatThrownBy(() -> JvmCommand.heapOptions("lots")).hasMessageContaining("heap must look like 512m or 2g");
    assertThatThrownBy(() -> JvmCommand.heapOptions("1m")).hasMessageContaining("at least 16m");
  }
}
