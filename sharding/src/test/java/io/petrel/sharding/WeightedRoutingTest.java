package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.Alias;
import io.petrel.persistence.FunctionId;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedRoutingTest {

  private static final FunctionId FUNCTION = new FunctionId("123456789012", "my-function");
  private static final String PRIMARY = "1";
  private static final String ADDITIONAL = "2";

  private static Alias alias(Optional<Alias.Routing> routing) {
    return new Alias(FUNCTION, "live", PRIMARY, "", routing, "rev-1");
  }

  private static Alias weighted(double weight) {
    return alias(Optional.of(new Alias.Routing(ADDITIONAL, weight)));
  }

  @Test
  void an_alias_without_routing_always_runs_the_primary_version() {
    Alias alias = alias(Optional.empty());
    for (double draw : new double[] {0.0, 0.05, 0.5, 0.999_999}) {
      assertThat(WeightedRouting.choose(alias, draw)).isEqualTo(PRIMARY);
    }
  }

  @Test
  void a_draw_below_the_weight_runs_the_additional_version() {
    assertThat(WeightedRouting.choose(weighted(0.1), 0.05)).isEqualTo(ADDITIONAL);
  }

  @Test
  void a_draw_of_zero_runs_the_additional_version_when_the_weight_is_positive() {
    assertThat(WeightedRouting.choose(weighted(0.1), 0.0)).isEqualTo(ADDITIONAL);
  }

  @Test
  void a_draw_equal_to_the_weight_runs_the_primary_version() {
    assertThat(WeightedRouting.choose(weighted(0.1), 0.1)).isEqualTo(PRIMARY);
  }

  @Test
  void a_draw_above_the_weight_runs_the_primary_version() {
    assertThat(WeightedRouting.choose(weighted(0.1), 0.5)).isEqualTo(PRIMARY);
  }

  @Test
  void a_weight_of_zero_never_runs_the_additional_version() {
    Alias alias = weighted(0.0);
    for (double draw : new double[] {0.0, Double.MIN_VALUE, 0.1, 0.5, 0.999_999}) {
      assertThat(WeightedRouting.choose(alias, draw)).as("draw %s", draw).isEqualTo(PRIMARY);
    }
  }

  @Test
  void a_weight_of_one_always_runs_the_additional_version_for_draws_in_the_unit_interval() {
    Alias alias = weighted(1.0);
    double largestDrawBelowOne = Math.nextDown(1.0);
    for (double draw : new double[] {0.0, 0.1, 0.5, 0.999_999, largestDrawBelowOne}) {
      assertThat(WeightedRouting.choose(alias, draw)).as("draw %s", draw).isEqualTo(ADDITIONAL);
    }
  }

  @Test
  void about_a_tenth_of_seeded_uniform_draws_run_the_additional_version_with_weight_0_1() {
    Alias alias = weighted(0.1);
    Random random = new Random(20_240_601L);
    int draws = 10_000;
    int additional = 0;
    for (int i = 0; i < draws; i++) {
      if (WeightedRouting.choose(alias, random.nextDouble()).equals(ADDITIONAL)) {
        additional++;
      }
    }
    assertThat(additional / (double) draws).isBetween(0.08, 0.12);
  }
}
