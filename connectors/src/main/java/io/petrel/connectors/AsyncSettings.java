package io.petrel.connectors;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How asynchronous invocations are run: {@code retryDelay} before the first retry of a failed event (doubling for
 * each further one), {@code throttleDelay} before trying a throttled event again (doubling up to
 * {@code maxThrottleDelay}), {@code invokeTimeout} for one attempt, {@code maxInFlight} events running at once
 * per node, and the Kafka queue's topic, partitions and consumer group (cluster mode).
 */
public record AsyncSettings(Duration retryDelay, Duration throttleDelay, Duration maxThrottleDelay,
    Duration invokeTimeout, int maxInFlight, String topic, int topicPartitions, short topicReplication,
    String consumerGroup, String region) {

  public static AsyncSettings from(Config config) {
    Config c = config.getConfig("petrel.async");
    return new AsyncSettings(c.getDuration("retry-delay"), c.getDuration("throttle-delay"),
        c.getDuration("max-throttle-delay"), c.getDuration("invoke-timeout"), c.getInt("max-in-flight"),
        c.getString("topic"), c.getInt("topic-partitions"), (short) c.getInt("topic-replication"),
        c.getString("consumer-group"), config.getString("petrel.gateway.region"));
  }

  /** The delay before retry number {@code retry} (1 for the first). */
  Duration retryDelay(int retry) {
    return retryDelay.multipliedBy(1L << Math.min(Math.max(retry - 1, 0), 10));
  }

  Duration throttleDelay(int throttles) {
    Duration d = throttleDelay.multipliedBy(1L << Math.min(Math.max(throttles - 1, 0), 10));
    return d.compareTo(maxThrottleDelay) > 0 ? maxThrottleDelay : d;
  }
}
