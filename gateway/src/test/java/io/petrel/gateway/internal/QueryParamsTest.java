package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T16:05:00.123Z");

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Runnable call) {
    return assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("InvalidParameterValueException");
        });
  }

  // --- instants

  @Test
  void iso_instants_parse_with_or_without_fractions() {
    assertThat(QueryParams.parseInstant("from", "2026-11-23T16:05:00Z")).isEqualTo("2026-11-23T16:05:00Z");
    assertThat(QueryParams.parseInstant("from", "2026-11-23T16:05:00.123Z"))
        .isEqualTo(Instant.parse("2026-11-23T16:05:00.123Z"));
  }

  @Test
  void iso_times_with_an_offset_are_converted_to_utc() {
    assertThat(QueryParams.parseInstant("from", "2026-11-23T17:05:00+01:00"))
        .isEqualTo(Instant.parse("2026-11-23T16:05:00Z"));
  }

  @Test
  void an_offsets_plus_that_arrived_as_a_space_is_read_as_a_plus() {
    assertThat(QueryParams.parseInstant("from", "2026-11-23T17:05:00 01:00"))
        .isEqualTo(Instant.parse("2026-11-23T16:05:00Z"));
  }

  @Test
  void epoch_milliseconds_parse_as_instants() {
    assertThat(QueryParams.parseInstant("to", "1795449900123")).isEqualTo(Instant.ofEpochMilli(1795449900123L));
    assertThat(QueryParams.parseInstant("to", "0")).isEqualTo(Instant.EPOCH);
  }

  @Test
  void instants_are_cut_to_the_millisecond_the_store_keeps() {
    assertThat(QueryParams.parseInstant("from", "2026-11-23T16:05:00.123456789Z"))
        .isEqualTo(Instant.parse("2026-11-23T16:05:00.123Z"));
  }

  @Test
  void a_malformed_instant_names_the_parameter_and_both_formats() {
    for (String bad : new String[] {"yesterday", "2026-11-23", "2026-11-23T16:05:00", "-5", "1.5e12",
        "2026-13-01T00:00:00Z", "12345678901234567890"}) {
      assertRefused(() -> QueryParams.parseInstant("from", bad))
          .hasMessageContaining("Value '" + bad + "' at 'from'")
          .hasMessageContaining("ISO-8601 instant such as 2026-11-23T16:05:00Z")
          .hasMessageContaining("epoch milliseconds");
    }
  }

  @Test
  void instants_after_the_year_9999_are_refused() {
    assertRefused(() -> QueryParams.parseInstant("to", "+10000-01-01T00:00:00Z")).hasMessageContaining("'to'");
    assertRefused(() -> QueryParams.parseInstant("to", "999999999999999")).hasMessageContaining("'to'");
  }

  @Test
  void an_empty_parameter_counts_as_absent() {
    assertThat(QueryParams.instant(Map.of("since", ""), "since")).isEmpty();
    assertThat(QueryParams.string(Map.of("outcome", ""), "outcome")).isEmpty();
    assertThat(QueryParams.string(Map.of("outcome", "Timeout"), "outcome")).contains("Timeout");
  }

  // --- ranges

  @Test
  void the_default_range_is_the_last_hour_up_to_one_second_ahead() {
    QueryParams.TimeRange range = QueryParams.range(Map.of(), NOW);
    assertThat(range.from()).isEqualTo(NOW.minusSeconds(3600));
    assertThat(range.to()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void a_given_from_keeps_the_default_end() {
    QueryParams.TimeRange range = QueryParams.range(Map.of("from", "2026-11-20T00:00:00Z"), NOW);
    assertThat(range.from()).isEqualTo("2026-11-20T00:00:00Z");
    assertThat(range.to()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void a_given_to_alone_reaches_back_one_hour_from_it() {
    QueryParams.TimeRange range = QueryParams.range(Map.of("to", "2026-11-20T12:00:00Z"), NOW);
    assertThat(range.from()).isEqualTo("2026-11-20T11:00:00Z");
    assertThat(range.to()).isEqualTo("2026-11-20T12:00:00Z");
  }

  @Test
  void from_must_come_before_to() {
    assertRefused(() -> QueryParams.range(Map.of("from", "2026-11-20T12:00:00Z", "to", "2026-11-20T12:00:00Z"), NOW))
        .hasMessageContaining("'from' (2026-11-20T12:00:00Z) must be before 'to' (2026-11-20T12:00:00Z)");
    assertRefused(() -> QueryParams.range(Map.of("from", "2026-11-24T00:00:00Z"), NOW))
        .hasMessageContaining("the default: now + 1 s");
  }

  @Test
  void a_malformed_to_is_refused_by_name() {
    assertRefused(() -> QueryParams.range(Map.of("to", "soon"), NOW)).hasMessageContaining("at 'to'");
  }

  // --- limits

  @Test
  void limit_defaults_when_absent_or_empty() {
    assertThat(QueryParams.limit(Map.of(), 100, 10_000)).isEqualTo(100);
    assertThat(QueryParams.limit(Map.of("limit", ""), 1000, 10_000)).isEqualTo(1000);
  }

  @Test
  void limit_accepts_its_bounds() {
    assertThat(QueryParams.limit(Map.of("limit", "1"), 100, 10_000)).isEqualTo(1);
    assertThat(QueryParams.limit(Map.of("limit", "10000"), 100, 10_000)).isEqualTo(10_000);
  }

  @Test
  void limit_out_of_range_or_not_a_number_names_the_bounds() {
    for (String bad : new String[] {"0", "10001", "-1", "ten", "1.5", "99999999999"}) {
      assertRefused(() -> QueryParams.limit(Map.of("limit", bad), 100, 10_000))
          .hasMessage("Value '" + bad + "' at 'limit' failed to satisfy constraint: Member must be a number between"
              + " 1 and 10000");
    }
  }

  @Test
  void optional_helpers_read_absent_parameters_as_empty() {
    assertThat(QueryParams.instant(Map.of(), "from")).isEqualTo(Optional.empty());
  }
}
