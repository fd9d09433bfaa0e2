package io.petrel.persistence.cassandra;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a node reaches its Cassandra cluster and how Petrel's keyspace is laid out.
 *
 * @param contactPoints nodes to connect to first; the driver discovers the rest of the ring
 * @param localDatacenter the datacenter whose nodes serve this Petrel node's queries
 * @param keyspace Petrel's keyspace, created with {@code replication} when missing
 * @param replication how the keyspace is replicated when Petrel creates it
 * @param consistency the consistency level of reads and writes (LOCAL_QUORUM by default); lightweight
 *     transactions use the matching serial level (LOCAL_SERIAL, or SERIAL for a non-local level)
 * @param credentials user name and password for PasswordAuthenticator, when the cluster requires them
 * @param requestTimeout how long one query may take before it counts as failed
 * @param logRetention how long log lines are kept (a Cassandra TTL)
 * @param bufferLimit invocation records and log lines held while Cassandra cannot be written; beyond this,
 *     new items are refused, counted and logged
 */
public record CassandraSettings(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    Replication replication,
    String consistency,
    Optional<Credentials> credentials,
    Duration requestTimeout,
    Duration logRetention,
    int bufferLimit) {

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final List<String> LEVELS =
      List.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("Cassandra contact-points must name at least one host:port");
    }
    Objects.requireNonNull(localDatacenter, "localDatacenter");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("Cassandra keyspace '" + keyspace + "' must be 1 to 48 lower-case"
          + " letters, digits or underscores, starting with a letter");
    }
    Objects.requireNonNull(replication, "replication");
    if (!LEVELS.contains(consistency)) {
      throw new IllegalArgumentException("Cassandra consistency '" + consistency + "' must be one of " + LEVELS);
    }
    credentials = credentials == null ? Optional.empty() : credentials;
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("Cassandra request-timeout must be positive");
    }
    if (logRetention.toSeconds() < 1) {
      throw new IllegalArgumentException("log retention must be at least one second");
    }
    if (bufferLimit < 1) {
      throw new IllegalArgumentException("the invocation log buffer must hold at least one item");
    }
  }

  /** Settings for one local node: SimpleStrategy with one replica, LOCAL_QUORUM, 30 days of logs. */
  public static CassandraSettings local(InetSocketAddress contactPoint, String localDatacenter, String keyspace) {
    return new CassandraSettings(List.of(contactPoint), localDatacenter, keyspace, Replication.simple(1),
        "LOCAL_QUORUM", Optional.empty(), Duration.ofSeconds(10), Duration.ofDays(30), 200_000);
  }

  public CassandraSettings withReplication(Replication newReplication) {
    return new CassandraSettings(contactPoints, localDatacenter, keyspace, newReplication, consistency,
        credentials, requestTimeout, logRetention, bufferLimit);
  }

  public CassandraSettings withRequestTimeout(Duration timeout) {
    return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency, credentials,
        timeout, logRetention, bufferLimit);
  }

  public CassandraSettings withBufferLimit(int limit) {
    return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency, credentials,
        requestTimeout, logRetention, limit);
  }

  /** The serial consistency level that goes with {@link #consistency}. */
  public String serialConsistency() {
    return consistency.startsWith("LOCAL_") ? "LOCAL_SERIAL" : "SERIAL";
  }

  public record Credentials(String username, String password) {
    public Credentials {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Credentials[" + username + ", ***]";
    }
  }

  /** The replication a keyspace is created with: SimpleStrategy with a factor, or factors per datacenter. */
  public record Replication(String strategy, Map<String, Integer> factors) {
    public Replication {
      factors = Map.copyOf(factors);
      if (!strategy.equals("SimpleStrategy") && !strategy.equals("NetworkTopologyStrategy")) {
        throw new IllegalArgumentException("Cassandra replication strategy '" + strategy
            + "' must be SimpleStrategy or NetworkTopologyStrategy");
      }
      if (factors.isEmpty() || factors.values().stream().anyMatch(f -> f < 1)) {
        throw new IllegalArgumentException("Cassandra replication factors must be at least 1");
      }
      if (strategy.equals("SimpleStrategy") && !factors.keySet().equals(java.util.Set.of("replication_factor"))) {
        throw new IllegalArgumentException("SimpleStrategy takes one replication_factor");
      }
      for (String dc : factors.keySet()) {
        if (!dc.matches("[A-Za-z0-9_.-]+")) {
          throw new IllegalArgumentException("Cassandra datacenter name '" + dc + "' is not valid");
        }
      }
    }

    public static Replication simple(int factor) {
      return new Replication("SimpleStrategy", Map.of("replication_factor", factor));
    }

    public static Replication perDatacenter(Map<String, Integer> factors) {
      return new Replication("NetworkTopologyStrategy", factors);
    }

    /** The CQL map literal for CREATE KEYSPACE. */
    String toCql() {
      StringBuilder cql = new StringBuilder("{'class': '").append(strategy).append('\'');
      factors.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> cql.append(", '").append(e.getKey()).append("': ").append(e.getValue()));
      return cql.append('}').toString();
    }
  }
}
