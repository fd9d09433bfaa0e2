package io.petrel.sharding;

import io.petrel.persistence.Alias;

/**
 * Which version of an alias runs one invocation. An alias sends {@code weight} of its traffic to its additional
 * version and the rest to its primary version; a uniform draw in [0, 1) below the weight picks the additional
 * one. Example: primary 1, routing {2: 0.1}: a draw of 0.05 runs version 2, a draw of 0.5 runs version 1, so
 * over many calls about 10% run version 2.
 */
public final class WeightedRouting {
  private WeightedRouting() {}

  public static String choose(Alias alias, double uniformDraw) {
    return alias.routing()
        .filter(r -> uniformDraw < r.weight())
        .map(Alias.Routing::version)
        .orElse(alias.functionVersion());
  }
}
