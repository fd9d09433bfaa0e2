package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.gateway.Prices;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BillingTest {
  private static final Prices LAMBDA = Prices.lambdaDefaults();

  @Test
  void one_gb_second_is_1024_megabytes_for_1000_milliseconds() {
    assertThat(Billing.gbSeconds(1024 * 1000)).isEqualByComparingTo("1");
    assertThat(Billing.gbSeconds(128 * 1)).isEqualByComparingTo("0.000125");
  }

  @Test
  void a_month_within_the_free_tier_costs_nothing() {
    Billing.Bill bill = Billing.month(1_000_000, 400_000L * 1024 * 1000, LAMBDA);

    assertThat(bill.billableRequests()).isZero();
    assertThat(bill.billableGbSeconds()).isEqualByComparingTo("0");
    assertThat(bill.cost()).isEqualByComparingTo("0");
  }

  @Test
  void requests_beyond_the_free_tier_cost_twenty_cents_a_million() {
    // 2 million calls of 128 MB for 100 ms: 25,000 GB-seconds, inside the compute free tier.
    Billing.Bill bill = Billing.month(2_000_000, 2_000_000L * 128 * 100, LAMBDA);

    assertThat(bill.gbSeconds()).isEqualByComparingTo("25000");
    assertThat(bill.freeRequests()).isEqualTo(1_000_000);
    assertThat(bill.billableRequests()).isEqualTo(1_000_000);
    assertThat(bill.requestCost()).isEqualByComparingTo("0.20");
    assertThat(bill.computeCost()).isEqualByComparingTo("0");
  }

  @Test
  void compute_beyond_the_free_tier_is_billed_per_gb_second() {
    // 10 million calls of 1024 MB for 1 s: 10,000,000 GB-seconds, 9,600,000 of them billable.
    Billing.Bill bill = Billing.month(10_000_000, 10_000_000L * 1024 * 1000, LAMBDA);

    assertThat(bill.billableGbSeconds()).isEqualByComparingTo("9600000");
    assertThat(bill.requestCost()).isEqualByComparingTo("1.80");
    assertThat(bill.computeCost()).isEqualByComparingTo(new BigDecimal("9600000").multiply(
        new BigDecimal("0.0000166667")));
    assertThat(bill.cost()).isEqualByComparingTo("161.80032");
  }

  @Test
  void list_cost_ignores_the_free_tier() {
    assertThat(Billing.listCost(1_000_000, 1024L * 1000 * 1000, LAMBDA))
        .isEqualByComparingTo(new BigDecimal("0.20").add(new BigDecimal("0.0166667")));
  }

  @Test
  void amounts_are_shown_with_at_most_ten_decimals() {
    assertThat(Billing.shown(new BigDecimal("0.000000000049"))).isEqualByComparingTo("0");
    assertThat(Billing.shown(new BigDecimal("161.800320000"))).hasToString("161.80032");
    assertThat(Billing.shown(new BigDecimal("200"))).hasToString("200");
  }
}
