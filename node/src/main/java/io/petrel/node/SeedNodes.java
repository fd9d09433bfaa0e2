package io.petrel.node;

import java.util.ArrayList;
import java.util.List;

/** Seed nodes as people write them ({@code host:port}, a bare host for port 2551, or a full Pekko address). */
final class SeedNodes {
  static final int DEFAULT_PORT = 2551;

  private SeedNodes() {}

  /** Comma-separated seeds as Pekko addresses of the {@code petrel} actor system. */
  static List<String> parse(String commaSeparated) {
    List<String> out = new ArrayList<>();
    for (String raw : commaSeparated.split(",")) {
      String seed = raw.strip();
      if (seed.isEmpty()) {
        continue;
      }
      if (seed.startsWith("pekko://")) {
        out.add(seed);
        continue;
      }
      int colon = seed.lastIndexOf(':');
      String host = colon < 0 ? seed : seed.substring(0, colon);
      int port = DEFAULT_PORT;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(seed.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (host.isEmpty() || port < 1 || port > 65535 || host.contains("/") || host.contains("@")) {
        throw new IllegalArgumentException("seed node '" + seed + "' is not HOST:PORT (e.g. 10.0.0.1:2551)");
      }
      out.add("pekko://petrel@" + host + ":" + port);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--seed-nodes names no node; give HOST:PORT,HOST:PORT");
    }
    return out;
  }
}
