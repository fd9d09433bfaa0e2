package io.petrel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns {@code petrel.cluster.tls} into Pekko Artery's TLS transport: TLS 1.3 between members, each side proving
 * itself with its key store and checking the other against its trust store.
 */
final class ClusterTls {
  private ClusterTls() {}

  /** The configuration to start the actor system with: unchanged unless {@code petrel.cluster.tls.enabled}. */
  static Config apply(Config config) {
    Config tls = config.getConfig("petrel.cluster.tls");
    if (!tls.getBoolean("enabled")) {
      return config;
    }
    String keyStore = store(tls, "key-store");
    String trustStore = store(tls, "trust-store");
    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    return config
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue(engine + "key-store", ConfigValueFactory.fromAnyRef(keyStore))
        .withValue(engine + "key-store-password", tls.getValue("key-store-password"))
        .withValue(engine + "key-password", tls.getValue("key-store-password"))
        .withValue(engine + "trust-store", ConfigValueFactory.fromAnyRef(trustStore))
        .withValue(engine + "trust-store-password", tls.getValue("trust-store-password"))
        .withValue(engine + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true));
  }

  private static String store(Config tls, String key) {
    String value = tls.getString(key);
    if (value.isBlank()) {
      throw new IllegalArgumentException("petrel.cluster.tls.enabled is on but petrel.cluster.tls." + key
          + " is not set");
    }
    Path path = Path.of(value).toAbsolutePath();
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("petrel.cluster.tls." + key + " " + path + " does not exist or cannot be"
          + " read");
    }
    return path.toString();
  }
}
