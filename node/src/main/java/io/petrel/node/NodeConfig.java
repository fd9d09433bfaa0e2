package io.petrel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How a node's configuration is layered, highest first: command-line options, system properties, the
 * {@code --config} file, application.conf, for {@code petrel node} the cluster defaults (petrel-cluster.conf) and
 * for {@code petrel dev} requests without signatures,
 * Petrel's Pekko settings (petrel-node.conf), then every module's reference.conf. Environment overrides are the
 * {@code ${?PETREL_...}} lines inside those files.
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load(Map<String, ?> overrides) {
    return load(overrides, Optional.empty(), false);
  }

  /** As {@link #load(Map)}, with a configuration file and, for a cluster member, the cluster defaults. */
  public static Config load(Map<String, ?> overrides, Optional<Path> file, boolean clusterMember) {
    Config fromFile = ConfigFactory.empty();
    if (file.isPresent()) {
      if (!Files.isRegularFile(file.get())) {
        throw new IllegalArgumentException("configuration file " + file.get() + " does not exist");
      }
      fromFile = ConfigFactory.parseFile(file.get().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    }
    // `petrel dev` runs on a developer's own machine: requests need no signature unless it is asked for.
    Config cluster = clusterMember ? ConfigFactory.parseResources("petrel-cluster.conf")
        : ConfigFactory.parseString("petrel.auth.required = false\npetrel.auth.required = ${?PETREL_AUTH_REQUIRED}");
    return ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.defaultOverrides())
        .withFallback(fromFile)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(cluster)
        .withFallback(ConfigFactory.parseResources("petrel-node.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
