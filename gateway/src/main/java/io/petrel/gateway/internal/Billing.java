package io.petrel.gateway.internal;

import io.petrel.gateway.Prices;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * What a month of usage costs: requests and GB-seconds (memory in GB times billed duration), less the monthly
 * free tier, at the configured prices. Amounts are exact decimals; nothing is rounded until it is shown.
 */
final class Billing {
  private static final BigDecimal MB_MS_PER_GB_SECOND = BigDecimal.valueOf(1024L * 1000L);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000L);

  private Billing() {}

  /** One month's bill of an account. */
  record Bill(long requests, BigDecimal gbSeconds, long freeRequests, BigDecimal freeGbSeconds,
      long billableRequests, BigDecimal billableGbSeconds, BigDecimal requestCost, BigDecimal computeCost) {

    BigDecimal cost() {
      return requestCost.add(computeCost);
    }
  }

  /** GB-seconds of {@code billedMbMs} megabyte-milliseconds. */
  static BigDecimal gbSeconds(long billedMbMs) {
    return BigDecimal.valueOf(billedMbMs).divide(MB_MS_PER_GB_SECOND, MathContext.DECIMAL128).stripTrailingZeros();
  }

  /** The cost of usage at list price, before any free tier. */
  static BigDecimal listCost(long requests, long billedMbMs, Prices prices) {
    return requestCost(requests, prices).add(gbSeconds(billedMbMs).multiply(prices.perGbSecond()));
  }

  /** A month of an account's usage with the month's free tier taken off. */
  static Bill month(long requests, long billedMbMs, Prices prices) {
    BigDecimal gbSeconds = gbSeconds(billedMbMs);
    long freeRequests = Math.min(requests, prices.freeRequestsPerMonth());
    BigDecimal freeGbSeconds = gbSeconds.min(prices.freeGbSecondsPerMonth());
    long billableRequests = requests - freeRequests;
    BigDecimal billableGbSeconds = gbSeconds.subtract(freeGbSeconds);
    return new Bill(requests, gbSeconds, freeRequests, freeGbSeconds, billableRequests, billableGbSeconds,
        requestCost(billableRequests, prices), billableGbSeconds.multiply(prices.perGbSecond()));
  }

  private static BigDecimal requestCost(long requests, Prices prices) {
    return BigDecimal.valueOf(requests).multiply(prices.perMillionRequests()).divide(MILLION, MathContext.DECIMAL128);
  }

  /** An amount for people: USD with up to 10 decimals, trailing zeros removed. */
  static BigDecimal shown(BigDecimal amount) {
    BigDecimal scaled = amount.setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
    return scaled.scale() < 0 ? scaled.setScale(0) : scaled;
  }
}
