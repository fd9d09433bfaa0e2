package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the delays between tries grow: {@link AsyncSettings} for asynchronous invocations, {@link MappingSettings} for batches. */
class RetryDelaysTest {
  private static final AsyncSettings ASYNC = new AsyncSettings(Duration.ofSeconds(1), Duration.ofMillis(100),
      Duration.ofSeconds(5), Duration.ofSeconds(30), 64, "petrel-async", 8, (short) 1, "petrel-async", "eu-west-1");
  private static final MappingSettings MAPPINGS = new MappingSettings(Duration.ofSeconds(10), Duration.ofMillis(500),
      Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(5), 2, "eu-west-1");

  @Test
  void async_retries_start_at_the_retry_delay_and_double() {
    assertThat(ASYNC.retryDelay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(ASYNC.retryDelay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ASYNC.retryDelay(3)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void async_retries_stop_growing_after_ten_doublings() {
    assertThat(ASYNC.retryDelay(11)).isEqualTo(Duration.ofSeconds(1024));
    assertThat(ASYNC.retryDelay(12)).isEqualTo(Duration.ofSeconds(1024));
    assertThat(ASYNC.retryDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1024));
  }

  @Test
  void async_throttle_waits_start_at_the_throttle_delay_and_double_up_to_the_maximum() {
    assertThat(ASYNC.throttleDelay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(ASYNC.throttleDelay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(ASYNC.throttleDelay(6)).isEqualTo(Duration.ofMillis(3200));
    assertThat(ASYNC.throttleDelay(7)).as("6.4s is capped").isEqualTo(Duration.ofSeconds(5));
    assertThat(ASYNC.throttleDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void async_throttle_wait_before_any_throttle_is_the_throttle_delay() {
    assertThat(ASYNC.throttleDelay(0)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void async_throttle_waits_stop_growing_after_ten_doublings_when_the_maximum_is_higher() {
    AsyncSettings generous = new AsyncSettings(Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofHours(1),
        Duration.ofSeconds(30), 64, "petrel-async", 8, (short) 1, "petrel-async", "eu-west-1");

    assertThat(generous.throttleDelay(11)).isEqualTo(Duration.ofMillis(1024));
    assertThat(generous.throttleDelay(40)).isEqualTo(Duration.ofMillis(1024));
  }

  @Test
  void batch_retries_start_at_the_retry_delay_and_double_up_to_the_maximum() {
    assertThat(MAPPINGS.retryDelay(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(MAPPINGS.retryDelay(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(MAPPINGS.retryDelay(6)).isEqualTo(Duration.ofSeconds(16));
    assertThat(MAPPINGS.retryDelay(7)).as("32s is capped").isEqualTo(Duration.ofSeconds(20));
    assertThat(MAPPINGS.retryDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void batch_retry_before_any_failure_is_the_retry_delay() {
    assertThat(MAPPINGS.retryDelay(0)).isEqualTo(Duration.ofMillis(500));
  }
}
