package io.petrel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.petrel.persistence.cassandra.CassandraSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code petrel.cassandra} into {@link CassandraSettings}, naming the setting when a value is wrong. */
final class StoreConfig {
  private static final String PATH = "petrel.cassandra";

  private StoreConfig() {}

  static CassandraSettings cassandra(Config root) {
    Config c = root.getConfig(PATH);
    try {
      Config replication = c.getConfig("replication");
      String strategy = replication.getString("strategy");
      CassandraSettings.Replication rep;
      if (strategy.equals("NetworkTopologyStrategy")) {
        Map<String, Integer> factors = new HashMap<>();
        replication.getConfig("datacenters").entrySet().forEach(e ->
            factors.put(e.getKey().replace("\"", ""), replication.getConfig("datacenters").getInt(e.getKey())));
        if (factors.isEmpty()) {
          throw new IllegalArgumentException(PATH + ".replication.datacenters must name at least one datacenter"
              + " for NetworkTopologyStrategy, e.g. { dc1 = 3 }");
        }
        rep = CassandraSettings.Replication.perDatacenter(factors);
      } else {
        rep = new CassandraSettings.Replication(strategy, Map.of("replication_factor", replication.getInt("factor")));
      }
      String user = c.getString("username");
      Optional<CassandraSettings.Credentials> credentials = user.isEmpty()
          ? Optional.empty()
          : Optional.of(new CassandraSettings.Credentials(user, c.getString("password")));
      return new CassandraSettings(contactPoints(c), c.getString("local-datacenter"), c.getString("keyspace"), rep,
          c.getString("consistency"), credentials, c.getDuration("request-timeout"), c.getDuration("log-retention"),
          c.getInt("buffer-limit"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid Cassandra setting: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid Cassandra setting: " + e.getMessage(), e);
    }
  }

  /** How long a starting node keeps trying to reach Cassandra (a very long time for 0). */
  static Duration giveUpAfter(Config root) {
    Duration d = root.getDuration(PATH + ".connect-give-up-after");
    return d.isZero() ? ChronoUnit.FOREVER.getDuration() : d;
  }

  private static List<InetSocketAddress> contactPoints(Config c) {
    List<String> entries = new ArrayList<>();
    if (c.getValue("contact-points").valueType() == ConfigValueType.LIST) {
      entries.addAll(c.getStringList("contact-points"));
    } else {
      for (String part : c.getString("contact-points").split(",")) {
        if (!part.isBlank()) {
          entries.add(part.trim());
        }
      }
    }
    List<InetSocketAddress> points = new ArrayList<>();
    for (String entry : entries) {
      int colon = entry.lastIndexOf(':');
      String host = colon < 0 ? entry : entry.substring(0, colon);
      int port = 9042;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException(PATH + ".contact-points entry '" + entry + "' is not host:port");
      }
      points.add(new InetSocketAddress(host, port));
    }
    return points;
  }
}
