package io.petrel.gateway;

import com.typesafe.config.Config;
import java.math.BigDecimal;

/**
 * What invocations cost (see {@code petrel.gateway.prices}): a price per million requests, a price per
 * GB-second of billed duration, and a monthly free tier of requests and GB-seconds per account. The defaults
 * are Lambda's public x86 prices.
 */
public record Prices(
    BigDecimal perMillionRequests,
    BigDecimal perGbSecond,
    long freeRequestsPerMonth,
    BigDecimal freeGbSecondsPerMonth) {

  public Prices {
    if (perMillionRequests.signum() < 0 || perGbSecond.signum() < 0 || freeRequestsPerMonth < 0
        || freeGbSecondsPerMonth.signum() < 0) {
      throw new IllegalArgumentException("prices and free tier amounts must not be negative");
    }
  }

  public static Prices lambdaDefaults() {
    return new Prices(new BigDecimal("0.20"), new BigDecimal("0.0000166667"), 1_000_000, new BigDecimal("400000"));
  }

  static Prices from(Config gateway) {
    Config c = gateway.getConfig("prices");
    return new Prices(new BigDecimal(c.getString("per-million-requests")), new BigDecimal(c.getString("per-gb-second")),
        c.getLong("free-tier.requests-per-month"), new BigDecimal(c.getString("free-tier.gb-seconds-per-month")));
  }
}
