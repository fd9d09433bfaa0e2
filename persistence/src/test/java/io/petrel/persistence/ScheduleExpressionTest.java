package io.petrel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** EventBridge schedule expressions: what is accepted, what is refused and why, and when each one ticks. */
class ScheduleExpressionTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant ANCHOR = Instant.parse("2025-03-01T12:01:30Z");

  @Nested
  class Parsing {

    @ParameterizedTest
    @ValueSource(strings = {
        "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(365 days)",
        "rate(999999999 days)",
        "cron(0 12 * * ? *)", "cron(15 10 ? * 6L 2022-2023)", "cron(0/15 * * * ? *)", "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)", "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)",
        "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)", "cron(0 0 15W * ? *)", "cron(0 0 ? * L *)",
        "cron(0 0 1 JAN,jul ? *)", "cron(0 0 ? * sun *)", "cron(59 23 31 12 ? 2199)", "cron(0 0 1 1 ? 1970)",
        "cron(5,35 14 * * ? *)", "cron(0 */2 * * ? *)", "cron(0 0 ? * FRI#3 *)", "cron(0 0 ? * 1-7/2 *)",
        "cron(0 0 1 */3 ? 2025/2)", "cron(0 0 30 2 ? *)", "cron(0 0 1-15/7 JAN-MAR ? *)", "cron(0 0 ? * 1L *)"})
    void accepts_what_eventbridge_accepts(String expression) {
      assertThatCode(() -> ScheduleExpression.parse(expression, MINUTE)).doesNotThrowAnyException();
      assertThat(ScheduleExpression.parse(expression, MINUTE)).hasToString(expression);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rate(1 minutes)       | rate unit 'minutes' needs a value above 1; with 1 write 'minute'",
        "rate(1 hours)         | rate unit 'hours' needs a value above 1",
        "rate(5 minute)        | rate unit 'minute' takes only the value 1; with 5 write 'minutes'",
        "rate(2 day)           | rate unit 'day' takes only the value 1",
        "rate(0 minutes)       | rate value '0' is not a whole number",
        "rate(-5 minutes)      | rate value '-5' is not a whole number",
        "rate(1.5 hours)       | rate value '1.5' is not a whole number",
        "rate(1000000000 days) | rate value '1000000000' is not a whole number from 1 to 999999999",
        "rate(5 weeks)         | rate unit 'weeks' is not one of minute, minutes, hour, hours, day, days",
        "rate(5 Minutes)       | rate unit 'Minutes' is not one of",
        "rate(30 seconds)      | rate unit 'seconds' is not one of minute, minutes",
        "rate(5)               | rate needs a value and a unit, as in rate(5 minutes)",
        "rate()                | rate needs a value and a unit",
        "rate(5 minutes now)   | rate needs a value and a unit",
        "cron(0 12 * * * *)    | cron needs '?' in exactly one of day-of-month ('*') and day-of-week ('*')",
        "cron(0 12 ? * ? *)    | cron needs '?' in exactly one of day-of-month ('?') and day-of-week ('?')",
        "cron(0 0 L * MON *)   | cron needs '?' in exactly one of day-of-month ('L') and day-of-week ('MON')",
        "cron(0 12 * * ?)      | cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 5",
        "cron(0 12 * * ? * *)  | found 7",
        "cron()                | found 0",
        "cron(60 * * * ? *)    | cron minutes '60' is not a minute (0-59)",
        "cron(5,61 * * * ? *)  | cron minutes '5,61' has '61', which is not a minute (0-59)",
        "cron(0 24 * * ? *)    | cron hours '24' is not an hour (0-23)",
        "cron(0 ? * * ? *)     | cron hours '?' may not be '?'",
        "cron(0 0 32 * ? *)    | cron day-of-month '32' is not a day of the month (1-31)",
        "cron(0 0 0 * ? *)     | cron day-of-month '0' is not a day of the month",
        "cron(0 0 32W * ? *)   | cron day-of-month '32W' has '32', which is not a day of the month",
        "cron(0 0 5,6W * ? *)  | cron day-of-month '5,6W' has '5,6'",
        "cron(0 0 1 13 ? *)    | cron month '13' is not a month (1-12 or JAN-DEC)",
        "cron(0 0 1 JANUARY ? *) | cron month 'JANUARY' is not a month",
        "cron(0 0 ? * FOO *)   | cron day-of-week 'FOO' is not a day of the week (1-7 or SUN-SAT)",
        "cron(0 0 ? * 0 *)     | cron day-of-week '0' is not a day of the week",
        "cron(0 0 ? * 8 *)     | cron day-of-week '8' is not a day of the week",
        "cron(0 0 ? * 2#6 *)   | cron day-of-week '2#6' needs a week of the month from 1 to 5 after '#'",
        "cron(0 0 ? * 9L *)    | cron day-of-week '9L' has '9', which is not a day of the week",
        "cron(0 0 ? * 6-2 *)   | cron day-of-week '6-2' has the range '6-2', which runs backwards",
        "cron(0 0 1 1 ? 1969)  | cron year '1969' is not a year (1970-2199)",
        "cron(0 0 1 1 ? 2200)  | cron year '2200' is not a year",
        "cron(*/0 * * * ? *)   | cron minutes '*/0' has the increment '0', which is not a number from 1 to 60",
        "cron(0 0 1,,2 * ? *)  | cron day-of-month '1,,2' has '', which is not a day of the month",
        "hello                 | 'hello' is neither rate(...) nor cron(...)",
        "' rate(5 minutes)'    | is neither rate(...) nor cron(...)",
        "rate(5 minutes        | is neither rate(...) nor cron(...)"})
    void refuses_what_eventbridge_refuses_and_says_what_is_wrong(String expression, String problem) {
      assertThatThrownBy(() -> ScheduleExpression.parse(expression, MINUTE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Parameter ScheduleExpression is not valid: ")
          .hasMessageContaining(problem);
    }

    @Test
    void refuses_an_empty_or_overlong_expression() {
      assertThatThrownBy(() -> ScheduleExpression.parse("", MINUTE)).hasMessageContaining("it is empty");
      assertThatThrownBy(() -> ScheduleExpression.parse(null, MINUTE)).hasMessageContaining("it is empty");
      String overlong = "cron(0 0 1 1 ? " + "2025,".repeat(50) + "2026)";
      assertThatThrownBy(() -> ScheduleExpression.parse(overlong, MINUTE))
          .hasMessageContaining("longer than 256 characters");
    }

    @Test
    void seconds_are_a_unit_only_where_the_minimum_interval_is_below_a_minute() {
      Duration tenSeconds = Duration.ofSeconds(10);

      assertThatCode(() -> ScheduleExpression.parse("rate(10 seconds)", tenSeconds)).doesNotThrowAnyException();
      assertThatCode(() -> ScheduleExpression.parse("rate(1 second)", Duration.ofSeconds(1)))
          .doesNotThrowAnyException();
      assertThatThrownBy(() -> ScheduleExpression.parse("rate(1 seconds)", tenSeconds))
          .hasMessageContaining("rate unit 'seconds' needs a value above 1");
      assertThatThrownBy(() -> ScheduleExpression.parse("rate(7 weeks)", tenSeconds))
          .hasMessageContaining("is not one of second, seconds, minute, minutes, hour, hours, day, days");
      assertThatThrownBy(() -> ScheduleExpression.parse("rate(10 seconds)", MINUTE))
          .hasMessageContaining("rate unit 'seconds' is not one of minute");
    }

    @Test
    void a_rate_shorter_than_the_minimum_interval_is_refused() {
      assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 seconds)", Duration.ofSeconds(10)))
          .hasMessage("Parameter ScheduleExpression is not valid: rate(5 seconds) is shorter than the minimum"
              + " interval of 10 seconds");
      assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 minutes)", Duration.ofMinutes(10)))
          .hasMessageContaining("rate(5 minutes) is shorter than the minimum interval of 600 seconds");
      assertThatCode(() -> ScheduleExpression.parse("rate(10 minutes)", Duration.ofMinutes(10)))
          .doesNotThrowAnyException();
      // A cron ticks once a minute at most, and the minimum does not apply to it.
      assertThatCode(() -> ScheduleExpression.parse("cron(* * * * ? *)", Duration.ofMinutes(10)))
          .doesNotThrowAnyException();
    }
  }

  @Nested
  class RateTicks {
    private final ScheduleExpression fiveMinutes = ScheduleExpression.parse("rate(5 minutes)", MINUTE);

    @Test
    void the_first_tick_is_one_interval_after_the_anchor() {
      assertThat(fiveMinutes.nextAfter(ANCHOR, ANCHOR)).isEqualTo("2025-03-01T12:06:30Z");
      assertThat(fiveMinutes.nextAfter(ANCHOR.minusSeconds(3600), ANCHOR)).isEqualTo("2025-03-01T12:06:30Z");
      assertThat(fiveMinutes.latestAtOrBefore(ANCHOR, ANCHOR)).isNull();
      assertThat(fiveMinutes.latestAtOrBefore(Instant.parse("2025-03-01T12:06:29.999Z"), ANCHOR)).isNull();
    }

    @Test
    void ticks_follow_strictly_after_and_are_found_at_or_before() {
      Instant tick = Instant.parse("2025-03-01T12:06:30Z");

      assertThat(fiveMinutes.nextAfter(tick.minusMillis(1), ANCHOR)).isEqualTo(tick);
      assertThat(fiveMinutes.nextAfter(tick, ANCHOR)).isEqualTo("2025-03-01T12:11:30Z");
      assertThat(fiveMinutes.latestAtOrBefore(tick, ANCHOR)).isEqualTo(tick);
      assertThat(fiveMinutes.latestAtOrBefore(Instant.parse("2025-03-01T12:16:29Z"), ANCHOR))
          .isEqualTo("2025-03-01T12:11:30Z");
    }

    @Test
    void a_daily_rate_keeps_the_anchor_time_of_day_across_month_and_year_ends() {
      ScheduleExpression daily = ScheduleExpression.parse("rate(1 day)", MINUTE);
      Instant anchor = Instant.parse("2024-02-28T09:00:00Z");

      assertThat(daily.nextAfter(Instant.parse("2024-02-28T09:00:00Z"), anchor)).isEqualTo("2024-02-29T09:00:00Z");
      assertThat(daily.nextAfter(Instant.parse("2024-12-31T09:00:00Z"), anchor)).isEqualTo("2025-01-01T09:00:00Z");
      assertThat(daily.latestAtOrBefore(Instant.parse("2025-03-01T08:59:59Z"), anchor))
          .isEqualTo("2025-02-28T09:00:00Z");
    }

    @Test
    void ticks_of_a_rate_in_seconds_count_from_an_anchor_with_milliseconds() {
      ScheduleExpression seconds = ScheduleExpression.parse("rate(2 seconds)", Duration.ofSeconds(1));
      Instant anchor = Instant.parse("2025-03-01T00:00:00.250Z");

      assertThat(ticks(seconds, anchor, anchor, 3)).containsExactly(Instant.parse("2025-03-01T00:00:02.250Z"),
          Instant.parse("2025-03-01T00:00:04.250Z"), Instant.parse("2025-03-01T00:00:06.250Z"));
    }
  }

  @Nested
  class CronTicks {

    @Test
    void a_cron_ticks_at_second_zero_strictly_after_and_at_or_before() {
      ScheduleExpression noon = cron("0 12 * * ? *");

      assertThat(noon.nextAfter(Instant.parse("2025-03-01T11:59:59.999Z"), ANCHOR)).isEqualTo("2025-03-01T12:00:00Z");
      assertThat(noon.nextAfter(Instant.parse("2025-03-01T12:00:00Z"), ANCHOR)).isEqualTo("2025-03-02T12:00:00Z");
      assertThat(noon.nextAfter(Instant.parse("2025-03-01T12:00:00.001Z"), ANCHOR))
          .isEqualTo("2025-03-02T12:00:00Z");
      assertThat(noon.latestAtOrBefore(Instant.parse("2025-03-01T12:00:00Z"), ANCHOR))
          .isEqualTo("2025-03-01T12:00:00Z");
      assertThat(noon.latestAtOrBefore(Instant.parse("2025-03-01T12:00:59.999Z"), ANCHOR))
          .isEqualTo("2025-03-01T12:00:00Z");
      assertThat(noon.latestAtOrBefore(Instant.parse("2025-03-01T11:59:59.999Z"), ANCHOR))
          .isEqualTo("2025-02-28T12:00:00Z");
    }

    @Test
    void day_of_week_numbers_start_with_sunday_as_1() {
      Instant wednesday = Instant.parse("2025-01-15T00:00:00Z");

      assertThat(cron("0 0 ? * 1 *").nextAfter(wednesday, ANCHOR)).isEqualTo("2025-01-19T00:00:00Z");
      assertThat(cron("0 0 ? * SUN *").nextAfter(wednesday, ANCHOR)).isEqualTo("2025-01-19T00:00:00Z");
      assertThat(cron("0 0 ? * 2 *").nextAfter(wednesday, ANCHOR)).isEqualTo("2025-01-20T00:00:00Z");
      assertThat(cron("0 0 ? * MON *").nextAfter(wednesday, ANCHOR)).isEqualTo("2025-01-20T00:00:00Z");
      assertThat(cron("0 0 ? * 7 *").nextAfter(wednesday, ANCHOR)).isEqualTo("2025-01-18T00:00:00Z");
      assertThat(cron("0 0 ? * sat *").nextAfter(wednesday, ANCHOR)).isEqualTo("2025-01-18T00:00:00Z");
      assertThat(days(cron("0 0 ? * MON-FRI *"), wednesday, 5)).containsExactly(DayOfWeek.THURSDAY,
          DayOfWeek.FRIDAY, DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY);
      assertThat(ticks(cron("0 0 ? * mon-fri *"), wednesday, 10)).isEqualTo(ticks(cron("0 0 ? * 2-6 *"), wednesday,
          10));
    }

    @Test
    void lists_ranges_and_increments_combine() {
      assertThat(ticks(cron("0/15 3 ? * 2,4 *"), Instant.parse("2025-01-01T03:20:00Z"), 4)).containsExactly(
          Instant.parse("2025-01-01T03:30:00Z"), Instant.parse("2025-01-01T03:45:00Z"),
          Instant.parse("2025-01-06T03:00:00Z"), Instant.parse("2025-01-06T03:15:00Z"));
      assertThat(ticks(cron("5,35 8-9 1 JAN,jul ? *"), Instant.parse("2025-01-01T00:00:00Z"), 5)).containsExactly(
          Instant.parse("2025-01-01T08:05:00Z"), Instant.parse("2025-01-01T08:35:00Z"),
          Instant.parse("2025-01-01T09:05:00Z"), Instant.parse("2025-01-01T09:35:00Z"),
          Instant.parse("2025-07-01T08:05:00Z"));
    }

    @Test
    void l_in_the_day_of_month_is_the_last_day_of_each_month_leap_years_included() {
      ScheduleExpression last = cron("0 0 L * ? *");

      assertThat(ticks(last, Instant.parse("2024-01-31T00:00:00Z"), 3)).containsExactly(
          Instant.parse("2024-02-29T00:00:00Z"), Instant.parse("2024-03-31T00:00:00Z"),
          Instant.parse("2024-04-30T00:00:00Z"));
      assertThat(last.nextAfter(Instant.parse("2023-02-01T00:00:00Z"), ANCHOR)).isEqualTo("2023-02-28T00:00:00Z");
      assertThat(last.latestAtOrBefore(Instant.parse("2024-03-15T00:00:00Z"), ANCHOR))
          .isEqualTo("2024-02-29T00:00:00Z");
    }

    @Test
    void a_day_that_some_months_lack_skips_those_months() {
      assertThat(ticks(cron("0 0 31 * ? *"), Instant.parse("2025-01-31T00:00:00Z"), 3)).containsExactly(
          Instant.parse("2025-03-31T00:00:00Z"), Instant.parse("2025-05-31T00:00:00Z"),
          Instant.parse("2025-07-31T00:00:00Z"));
      assertThat(ticks(cron("0 0 29 2 ? *"), Instant.parse("2025-01-01T00:00:00Z"), 2)).containsExactly(
          Instant.parse("2028-02-29T00:00:00Z"), Instant.parse("2032-02-29T00:00:00Z"));
      assertThat(cron("0 0 30 2 ? *").nextAfter(Instant.parse("2025-01-01T00:00:00Z"), ANCHOR)).isNull();
      assertThat(cron("0 0 30 2 ? *").latestAtOrBefore(Instant.parse("2025-01-01T00:00:00Z"), ANCHOR)).isNull();
    }

    @Test
    void lw_is_the_last_weekday_of_the_month() {
      assertThat(ticks(cron("0 0 LW * ? *"), Instant.parse("2025-04-30T00:00:00Z"), 4)).containsExactly(
          Instant.parse("2025-05-30T00:00:00Z"), // the 31st is a Saturday
          Instant.parse("2025-06-30T00:00:00Z"),
          Instant.parse("2025-07-31T00:00:00Z"),
          Instant.parse("2025-08-29T00:00:00Z")); // the 31st is a Sunday
    }

    @Test
    void w_is_the_weekday_nearest_the_day_without_leaving_the_month() {
      assertThat(ticks(cron("0 0 15W * ? *"), Instant.parse("2025-01-31T00:00:00Z"), 5)).containsExactly(
          Instant.parse("2025-02-14T00:00:00Z"), // the 15th is a Saturday
          Instant.parse("2025-03-14T00:00:00Z"), // a Saturday
          Instant.parse("2025-04-15T00:00:00Z"),
          Instant.parse("2025-05-15T00:00:00Z"),
          Instant.parse("2025-06-16T00:00:00Z")); // a Sunday
      // Saturday the 1st goes forward to Monday the 3rd, Sunday the 30th (last of November) back to Friday.
      assertThat(cron("0 0 1W * ? *").nextAfter(Instant.parse("2025-02-28T00:00:00Z"), ANCHOR))
          .isEqualTo("2025-03-03T00:00:00Z");
      assertThat(cron("0 0 30W * ? *").nextAfter(Instant.parse("2025-11-01T00:00:00Z"), ANCHOR))
          .isEqualTo("2025-11-28T00:00:00Z");
      // 31W skips the months of 30 days and February.
      assertThat(ticks(cron("0 0 31W * ? *"), Instant.parse("2025-01-31T00:00:00Z"), 4)).containsExactly(
          Instant.parse("2025-03-31T00:00:00Z"),
          Instant.parse("2025-05-30T00:00:00Z"), // the 31st is a Saturday
          Instant.parse("2025-07-31T00:00:00Z"),
          Instant.parse("2025-08-29T00:00:00Z")); // a Sunday
      assertThat(cron("0 0 31W * ? *").latestAtOrBefore(Instant.parse("2025-03-30T23:59:59Z"), ANCHOR))
          .isEqualTo("2025-01-31T00:00:00Z");
      assertThat(cron("0 0 31W 2 ? *").nextAfter(Instant.parse("2025-01-01T00:00:00Z"), ANCHOR)).isNull();
      assertThat(cron("0 0 31W 2 ? *").latestAtOrBefore(Instant.parse("2025-01-01T00:00:00Z"), ANCHOR)).isNull();
    }

    @Test
    void w_combines_with_the_time_month_and_year_fields() {
      ScheduleExpression morning = cron("30 9 15W * ? *");
      assertThat(morning.nextAfter(Instant.parse("2025-06-16T09:00:00Z"), ANCHOR)).isEqualTo("2025-06-16T09:30:00Z");
      assertThat(morning.nextAfter(Instant.parse("2025-06-16T09:30:00Z"), ANCHOR)).isEqualTo("2025-07-15T09:30:00Z");
      assertThat(morning.latestAtOrBefore(Instant.parse("2025-06-16T09:29:59Z"), ANCHOR))
          .isEqualTo("2025-05-15T09:30:00Z");
      assertThat(morning.latestAtOrBefore(Instant.parse("2025-06-20T00:00:00Z"), ANCHOR))
          .isEqualTo("2025-06-16T09:30:00Z");

      ScheduleExpression march = cron("0 0 1W 3 ? 2025-2026");
      assertThat(ticks(march, Instant.parse("2025-01-01T00:00:00Z"), 3)).containsExactly(
          Instant.parse("2025-03-03T00:00:00Z"), Instant.parse("2026-03-02T00:00:00Z"), null);
      assertThat(march.latestAtOrBefore(Instant.parse("2030-01-01T00:00:00Z"), ANCHOR))
          .isEqualTo("2026-03-02T00:00:00Z");
    }

    @Test
    void hash_is_the_nth_such_day_of_the_month_and_skips_months_without_one() {
      assertThat(ticks(cron("0 9 ? * 2#1 *"), Instant.parse("2025-03-01T00:00:00Z"), 2)).containsExactly(
          Instant.parse("2025-03-03T09:00:00Z"), Instant.parse("2025-04-07T09:00:00Z"));
      assertThat(ticks(cron("0 0 ? * 5#5 *"), Instant.parse("2025-01-01T00:00:00Z"), 3)).containsExactly(
          Instant.parse("2025-01-30T00:00:00Z"), Instant.parse("2025-05-29T00:00:00Z"),
          Instant.parse("2025-07-31T00:00:00Z"));
      assertThat(cron("0 0 ? * FRI#3 *").nextAfter(Instant.parse("2025-03-01T00:00:00Z"), ANCHOR))
          .isEqualTo("2025-03-21T00:00:00Z");
    }

    @Test
    void l_in_the_day_of_week_is_saturday_alone_and_the_last_such_day_after_a_day() {
      assertThat(days(cron("0 0 ? * L *"), Instant.parse("2025-03-01T00:00:00Z"), 3))
          .containsOnly(DayOfWeek.SATURDAY);
      assertThat(ticks(cron("15 10 ? * 6L 2025"), Instant.parse("2025-01-01T00:00:00Z"), 3)).containsExactly(
          Instant.parse("2025-01-31T10:15:00Z"), Instant.parse("2025-02-28T10:15:00Z"),
          Instant.parse("2025-03-28T10:15:00Z"));
      assertThat(cron("5 0 ? * 1L *").nextAfter(Instant.parse("2025-01-01T00:00:00Z"), ANCHOR))
          .isEqualTo("2025-01-26T00:05:00Z");
    }

    @Test
    void a_cron_limited_to_years_ends() {
      ScheduleExpression lastFridays = cron("15 10 ? * 6L 2025");
      assertThat(lastFridays.latestAtOrBefore(Instant.parse("2031-01-01T00:00:00Z"), ANCHOR))
          .isEqualTo("2025-12-26T10:15:00Z");
      assertThat(lastFridays.nextAfter(Instant.parse("2025-12-26T10:15:00Z"), ANCHOR)).isNull();
      assertThat(lastFridays.latestAtOrBefore(Instant.parse("2025-01-31T10:14:59Z"), ANCHOR)).isNull();

      ScheduleExpression newYear2020 = cron("0 0 1 1 ? 2020");
      assertThat(newYear2020.nextAfter(Instant.parse("2025-06-01T00:00:00Z"), ANCHOR)).isNull();
      assertThat(newYear2020.latestAtOrBefore(Instant.parse("2025-06-01T00:00:00Z"), ANCHOR))
          .isEqualTo("2020-01-01T00:00:00Z");
      assertThat(ticks(cron("0 0 1 1 ? 2025/2"), Instant.parse("2025-01-01T00:00:00Z"), 2)).containsExactly(
          Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2029-01-01T00:00:00Z"));
      assertThat(cron("0 0 1 1 ? *").nextAfter(Instant.parse("2199-01-01T00:00:00Z"), ANCHOR)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 12 * * ? *", "0/15 * ? * MON-FRI *", "0 0 L * ? *", "0 0 LW * ? *",
        "30 9 15W * ? *", "0 0 31W * ? *", "0 0 1W * ? *", "0 9 ? * 2#1 *", "0 0 ? * 6L *", "0 0 ? * L *",
        "0 6,18 1-10/3 * ? *"})
    void every_tick_found_forwards_is_the_latest_at_or_before_itself_and_follows_the_one_before(String fields) {
      ScheduleExpression cron = cron(fields);
      Instant previous = null;
      Instant tick = Instant.parse("2024-11-01T00:00:00Z");
      for (int i = 0; i < 200; i++) {
        tick = cron.nextAfter(tick, ANCHOR);
        assertThat(tick.atZone(ZoneOffset.UTC).getSecond()).isZero();
        assertThat(cron.latestAtOrBefore(tick, ANCHOR)).as("latest at tick %s", tick).isEqualTo(tick);
        assertThat(cron.latestAtOrBefore(tick.plusSeconds(59), ANCHOR)).isEqualTo(tick);
        if (previous != null) {
          assertThat(cron.latestAtOrBefore(tick.minusMillis(1), ANCHOR)).as("latest before tick %s", tick)
              .isEqualTo(previous);
        }
        previous = tick;
      }
    }
  }

  private static ScheduleExpression cron(String fields) {
    return ScheduleExpression.parse("cron(" + fields + ")", MINUTE);
  }

  /** The next {@code n} ticks after {@code after} (null for each one past the end). */
  private static List<Instant> ticks(ScheduleExpression expression, Instant after, int n) {
    return ticks(expression, after, ANCHOR, n);
  }

  private static List<Instant> ticks(ScheduleExpression expression, Instant after, Instant anchor, int n) {
    List<Instant> ticks = new ArrayList<>();
    Instant tick = after;
    for (int i = 0; i < n; i++) {
      tick = tick == null ? null : expression.nextAfter(tick, anchor);
      ticks.add(tick);
    }
    return ticks;
  }

  private static List<DayOfWeek> days(ScheduleExpression expression, Instant after, int n) {
    return ticks(expression, after, n).stream().map(t -> t.atZone(ZoneOffset.UTC).getDayOfWeek()).toList();
  }
}
