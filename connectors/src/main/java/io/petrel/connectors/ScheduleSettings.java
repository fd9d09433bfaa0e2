package io.petrel.connectors;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How rules are fired: how often the scheduler looks for due ticks, how often it rereads the rules, and the
 * shortest rate allowed (a minute in production; tests lower it).
 */
public record ScheduleSettings(Duration tick, Duration refresh, Duration minimumInterval, String region) {

  public static ScheduleSettings from(Config config) {
    return new ScheduleSettings(config.getDuration("petrel.schedules.tick"),
        config.getDuration("petrel.schedules.refresh-interval"),
        config.getDuration("petrel.schedules.minimum-interval"), config.getString("petrel.gateway.region"));
  }
}
