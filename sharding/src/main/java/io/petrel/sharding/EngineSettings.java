package io.petrel.sharding;

import com.typesafe.config.Config;
import java.time.Duration;

/** Typed {@code petrel.sharding} settings (see reference.conf). */
public record EngineSettings(
    Duration keepAlive,
    int defaultConcurrency,
    int queueLimit,
    long maxPayloadBytes,
    String region) {

  public static EngineSettings from(Config root) {
    Config c = root.getConfig("petrel.sharding");
    return new EngineSettings(
        c.getDuration("keep-alive"),
        c.getInt("default-concurrency"),
        c.getInt("queue-limit"),
        c.getBytes("max-payload-size"),
        root.getString("petrel.gateway.region"));
  }
}
