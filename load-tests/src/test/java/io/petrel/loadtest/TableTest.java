package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void alignsTextLeftAndNumbersRight() {
    String table = new Table(1, "runtime", "p50 ms").row("python3.11", "1.250").row("nodejs20.x", "12.000")
        .render("  ");
    assertThat(table).isEqualTo("""
          runtime      p50 ms
          python3.11    1.250
          nodejs20.x   12.000
        """);
  }

  @Test
  void formatsMillisecondsAndRatios() {
    assertThat(Report.ms(1234)).isEqualTo("1.234");
    assertThat(Report.ratio(300, 100)).isEqualTo("3.00x");
    assertThat(Report.ratio(300, 0)).isEqualTo("n/a");
  }
}
