package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An account's view of the node's meters leaves out other accounts' functions and keeps the node's own. */
class MetricsRouteTest {
  private static final String SCRAPE = String.join("\n",
      "# HELP petrel_invocations_total Invocations",
      "# TYPE petrel_invocations_total counter",
      "petrel_invocations_total{account=\"111111111111\",function=\"orders\",qualifier=\"$LATEST\"} 3.0",
      "petrel_invocations_total{account=\"222222222222\",function=\"payroll\",qualifier=\"live\"} 5.0",
      "petrel_environments{state=\"warm\"} 2.0",
      "");

  @Test
  void an_account_sees_its_own_functions_and_the_node_meters_only() {
    String seen = MetricsRoute.ofAccount(() -> SCRAPE, "111111111111").get();
    assertThat(seen).contains("function=\"orders\"").contains("petrel_environments{state=\"warm\"} 2.0")
        .contains("# TYPE petrel_invocations_total counter").doesNotContain("payroll");
    assertThat(MetricsRoute.ofAccount(() -> SCRAPE, "222222222222").get()).contains("payroll")
        .doesNotContain("orders");
  }
}
