package io.petrel.connectors;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How this node runs event-source mappings: how often it rereads them, the delay before a failed batch is run again
 * (doubling up to {@code maxRetryDelay}), the timeout of one batch's invocation, how long an unreachable source
 * waits before the next try, and how many batches per partition may wait in memory.
 */
public record MappingSettings(Duration refreshInterval, Duration retryDelay, Duration maxRetryDelay,
    Duration invokeTimeout, Duration problemRetry, int bufferedBatches, String region) {

  public static MappingSettings from(Config config) {
    Config c = config.getConfig("petrel.mappings");
    return new MappingSettings(c.getDuration("refresh-interval"), c.getDuration("retry-delay"),
        c.getDuration("max-retry-delay"), c.getDuration("invoke-timeout"), c.getDuration("problem-retry"),
        c.getInt("buffered-batches"), config.getString("petrel.gateway.region"));
  }

  Duration retryDelay(int retry) {
    Duration d = retryDelay.multipliedBy(1L << Math.min(Math.max(retry - 1, 0), 10));
    return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
  }
}
