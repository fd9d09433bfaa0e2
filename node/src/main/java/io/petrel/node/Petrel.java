package io.petrel.node;

import com.typesafe.config.Config;
import io.petrel.persistence.StoreException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code petrel} command line. {@code petrel dev} runs a single node with the embedded store, {@code petrel
 * node} a cluster node on Cassandra; both until Ctrl-C or SIGTERM, which run CoordinatedShutdown.
 */
public final class Petrel {
  private static final String USAGE = """
      usage: petrel dev  [--port N] [--host ADDRESS] [--data-dir DIR]
             petrel node [--config FILE] [--port N] [--host ADDRESS] [--data-dir DIR]
                         [--cluster-host ADDRESS] [--cluster-port N] [--seed-nodes HOST:PORT,...]
                         [--cassandra HOST:PORT,...] [--datacenter DC] [--keyspace NAME] [--replication-factor N]
             petrel deploy <folder|zip> [--name NAME] [--runtime R] [--handler H] [--memory MB] [--timeout S]
                           [--env K=V]... [--publish] [--alias NAME]
             petrel invoke <function[:qualifier]> [payload-json | @file] [--log]
             petrel logs <function> [--follow] [--since 10m|1h|2d|INSTANT] [--request-id ID] [--filter PATTERN]
             petrel invocations <function> [--since 1h] [--outcome OUTCOME] [--limit N]
             petrel usage [--month YYYY-MM] [--function NAME]
             petrel functions
             petrel cluster
        dev        run a single node with the embedded SQLite store (defaults: port 9000, data dir .petrel)
        node       run a cluster node that keeps everything in Cassandra (default 127.0.0.1:9042, keyspace
                   petrel). It joins the --seed-nodes (cluster addresses host:port, default port 2551), or
                   forms a cluster of its own without any; --config FILE holds the rest (Cluster Bootstrap,
                   credentials, consistency): see deploy/vm/petrel.conf.template
        deploy     create or update a function from a folder or zip; publish a version, move an alias
        invoke     invoke a function and print its response payload
        logs       print a function's log lines; --follow keeps printing new ones
        invocations
                   list a function's invocations: duration, memory, outcome
        usage      requests, GB-seconds and cost of a month, with the free tier
        functions  list the functions
        cluster    list the cluster's members, their status and the functions each hosts
                   These talk to a running node: --endpoint URL, else PETREL_ENDPOINT, else
                   http://127.0.0.1:9000. 'petrel COMMAND --help' explains each. Exit code 0 on success,
                   1 when a call failed, 2 on a usage error.
      environment: PETREL_PORT, PETREL_HOST, PETREL_DATA_DIR, PETREL_REGION, PETREL_ACCOUNT,
                   PETREL_CLUSTER_HOST, PETREL_CLUSTER_PORT, PETREL_SEED_NODES, PETREL_CLUSTER_JOIN,
                   PETREL_MANAGEMENT_PORT, PETREL_CLUSTER_TLS, PETREL_CLUSTER_TLS_KEY_STORE(_PASSWORD),
                   PETREL_CLUSTER_TLS_TRUST_STORE(_PASSWORD), PETREL_CASSANDRA_CONTACT_POINTS, PETREL_CASSANDRA_DATACENTER,
                   PETREL_CASSANDRA_KEYSPACE, PETREL_CASSANDRA_USERNAME, PETREL_CASSANDRA_PASSWORD,
                   PETREL_ENVIRONMENT_KEY_FILE or PETREL_ENVIRONMENT_KEY (the key that encrypts functions'
                   environment variables at rest; petrel node needs one, the same on every node)
      """;

  private Petrel() {}

  public static void main(String[] args) {
    if (args.length == 0 || List.of("help", "--help", "-h").contains(args[0])) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    switch (args[0]) {
      case "dev" -> run(args, false);
      case "node" -> run(args, true);
      case "deploy", "invoke", "logs", "invocations", "usage", "functions", "cluster" ->
          System.exit(io.petrel.node.cli.Cli.run(args));
      default -> fail("unknown command '" + args[0] + "'\n" + USAGE);
    }
  }

  private static void run(String[] args, boolean cluster) {
    Map<String, Object> overrides = new HashMap<>();
    java.util.Optional<java.nio.file.Path> file = java.util.Optional.empty();
    String seeds = System.getenv("PETREL_SEED_NODES");
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        fail(flag + " needs a value\n" + USAGE);
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> overrides.put("petrel.gateway.port", parsePort(flag, value));
        case "--host" -> overrides.put("petrel.gateway.host", value);
        case "--data-dir" -> overrides.put("petrel.node.data-dir", value);
        case "--cassandra" -> overrides.put("petrel.cassandra.contact-points", value);
        case "--datacenter" -> overrides.put("petrel.cassandra.local-datacenter", value);
        case "--keyspace" -> overrides.put("petrel.cassandra.keyspace", value);
        case "--replication-factor" -> overrides.put("petrel.cassandra.replication.factor", value);
        case "--config" -> file = java.util.Optional.of(java.nio.file.Path.of(value));
        case "--cluster-host" -> overrides.put("pekko.remote.artery.canonical.hostname", value);
        case "--cluster-port" -> overrides.put("pekko.remote.artery.canonical.port", parsePort(flag, value));
        case "--seed-nodes" -> seeds = value;
        default -> fail("unknown option " + flag + "\n" + USAGE);
      }
      if (!cluster && flag.startsWith("--") && !List.of("--port", "--host", "--data-dir").contains(flag)) {
        fail(flag + " applies to petrel node only; petrel dev keeps everything in SQLite");
      }
    }
    if (cluster && seeds != null && !seeds.isBlank()) {
      try {
        overrides.put("pekko.cluster.seed-nodes", SeedNodes.parse(seeds));
      } catch (IllegalArgumentException e) {
        fail(e.getMessage());
      }
    }
    Config config;
    PetrelNode node;
    try {
      config = NodeConfig.load(overrides, file, cluster);
    } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
      fail(e.getMessage());
      return;
    }
    try {
      node = cluster ? PetrelNode.startNode(config) : PetrelNode.startDev(config);
    } catch (IllegalStateException | IllegalArgumentException | StoreException e) {
      fail(e.getMessage());
      return;
    }
    System.out.printf("Petrel %s ready: http://%s:%d  (data dir %s; Ctrl-C stops it)%n",
        cluster ? "node" : "dev node", config.getString("petrel.gateway.host"), node.port(),
        config.getString("petrel.node.data-dir"));
    System.out.printf("Try: aws --endpoint-url http://%s:%d lambda list-functions%n",
        config.getString("petrel.gateway.host"), node.port());
    node.system().getWhenTerminated().toCompletableFuture().join();
    var reason = org.apache.pekko.actor.CoordinatedShutdown.get(node.system()).getShutdownReason();
    if (reason.isPresent() && reason.get() == org.apache.pekko.actor.CoordinatedShutdown.clusterDowningReason()) {
      // Not a stop anybody asked for: exit as a failure, so that a service manager starts the node again.
      System.err.println("petrel: this node was downed by the cluster (unreachable from the majority); it stopped."
          + " Start it again to rejoin.");
      System.exit(3);
    }
  }

  private static int parsePort(String flag, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    fail(flag + " must be a number from 0 to 65535, got '" + value + "'");
    return -1;
  }

  private static void fail(String message) {
    System.err.println("petrel: " + message);
    System.exit(2);
  }
}
