package io.petrel.node;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code petrel} command line. {@code petrel dev} runs a single node with the embedded store until Ctrl-C
 * or SIGTERM, which run CoordinatedShutdown.
 */
public final class Petrel {
  private static final String USAGE = """
      usage: petrel dev [--port N] [--host ADDRESS] [--data-dir DIR]
        dev        run a single node with the embedded SQLite store (defaults: port 9000, data dir .petrel)
      environment: PETREL_PORT, PETREL_HOST, PETREL_DATA_DIR, PETREL_REGION, PETREL_ACCOUNT
      """;

  private Petrel() {}

  public static void main(String[] args) {
    if (args.length == 0 || List.of("help", "--help", "-h").contains(args[0])) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    switch (args[0]) {
      case "dev" -> dev(args);
      case "node" -> fail("petrel node (cluster mode) is not supported yet: it needs the Cassandra store."
          + " Use petrel dev for a single node.");
      default -> fail("unknown command '" + args[0] + "'\n" + USAGE);
    }
  }

  private static void dev(String[] args) {
    Map<String, Object> overrides = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        fail(flag + " needs a value\n" + USAGE);
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> overrides.put("petrel.gateway.port", parsePort(value));
        case "--host" -> overrides.put("petrel.gateway.host", value);
        case "--data-dir" -> overrides.put("petrel.node.data-dir", value);
        default -> fail("unknown option " + flag + "\n" + USAGE);
      }
    }
    Config config = NodeConfig.load(overrides);
    PetrelNode node;
    try {
      node = PetrelNode.startDev(config);
    } catch (IllegalStateException e) {
      fail(e.getMessage());
      return;
    }
    System.out.printf("Petrel dev node ready: http://%s:%d  (data dir %s; Ctrl-C stops it)%n",
        config.getString("petrel.gateway.host"), node.port(), config.getString("petrel.node.data-dir"));
    System.out.printf("Try: aws --endpoint-url http://%s:%d lambda list-functions%n",
        config.getString("petrel.gateway.host"), node.port());
    node.system().getWhenTerminated().toCompletableFuture().join();
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    fail("--port must be a number from 0 to 65535, got '" + value + "'");
    return -1;
  }

  private static void fail(String message) {
    System.err.println("petrel: " + message);
    System.exit(2);
  }
}
