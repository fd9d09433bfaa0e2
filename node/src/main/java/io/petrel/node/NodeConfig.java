package io.petrel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/**
 * How a node's configuration is layered, highest first: command-line options, system properties,
 * application.conf, Petrel's Pekko settings (petrel-node.conf), then every module's reference.conf.
 * Environment overrides are the {@code ${?PETREL_...}} lines inside those files.
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load(Map<String, ?> overrides) {
    return ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.defaultOverrides())
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.parseResources("petrel-node.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
