package io.petrel.persistence;

import io.petrel.persistence.internal.EventBridgeCron;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A rule's schedule as EventBridge writes it: {@code rate(N minute|minutes|hour|hours|day|days)} (1 takes the
 * singular unit, more the plural), or {@code cron(minutes hours day-of-month month day-of-week year)} in UTC with
 * AWS's rules (one of day-of-month and day-of-week is {@code ?}; L, W, # as in AWS; day-of-week 1 is Sunday). Where
 * a configured minimum interval below a minute allows it (tests), {@code rate(N second|seconds)} too.
 *
 * <p>Ticks: a rate ticks at {@code anchor + k * interval} for k = 1, 2, ... (its first tick is one interval after
 * the anchor); a cron ticks at second 0 of every minute it matches. For example {@code rate(5 minutes)} anchored at
 * 12:01:30 ticks at 12:06:30, 12:11:30, ...; {@code cron(0 12 ? * MON-FRI *)} at noon UTC on weekdays.
 * Instances are immutable and safe to share between threads.
 */
public final class ScheduleExpression {
  private static final String INVALID = "Parameter ScheduleExpression is not valid: ";
  private static final int MAX_LENGTH = 256;
  private static final Map<String, Duration> UNITS = Map.of(
      "second", Duration.ofSeconds(1), "minute", Duration.ofMinutes(1), "hour", Duration.ofHours(1),
      "day", Duration.ofDays(1));

  private final String text;
  /** The interval of a rate; null for a cron. */
  private final Duration interval;
  /** The cron; null for a rate. */
  private final EventBridgeCron cron;

  private ScheduleExpression(String text, Duration interval, EventBridgeCron cron) {
    this.text = text;
    this.interval = interval;
    this.cron = cron;
  }

  /**
   * Parses {@code expression}; {@link IllegalArgumentException} with a message naming what is wrong (the unit, the
   * field, the value), and when a rate is shorter than {@code minimumInterval}. The minimum applies to rates only:
   * a cron ticks at most once a minute.
   */
  public static ScheduleExpression parse(String expression, Duration minimumInterval) {
    Objects.requireNonNull(minimumInterval, "minimumInterval");
    if (expression == null || expression.isEmpty()) {
      throw new IllegalArgumentException(INVALID + "it is empty; write rate(...) or cron(...)");
    }
    if (expression.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(INVALID + "it is longer than " + MAX_LENGTH + " characters");
    }
    try {
      if (expression.startsWith("rate(") && expression.endsWith(")")) {
        return new ScheduleExpression(expression, rate(expression.substring(5, expression.length() - 1),
            minimumInterval), null);
      }
      if (expression.startsWith("cron(") && expression.endsWith(")")) {
        return new ScheduleExpression(expression, null,
            EventBridgeCron.parse(expression.substring(5, expression.length() - 1)));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(INVALID + e.getMessage(), e);
    }
    throw new IllegalArgumentException(INVALID + "'" + expression + "' is neither rate(...) nor cron(...)");
  }

  private static Duration rate(String spec, Duration minimumInterval) {
    String[] parts = spec.strip().split(" +");
    if (parts.length != 2 || spec.isBlank()) {
      throw new IllegalArgumentException("rate needs a value and a unit, as in rate(5 minutes), not rate(" + spec
          + ")");
    }
    String value = parts[0];
    String unit = parts[1];
    if (!value.matches("[0-9]{1,9}") || Long.parseLong(value) < 1) {
      throw new IllegalArgumentException("rate value '" + value + "' is not a whole number from 1 to 999999999");
    }
    long n = Long.parseLong(value);
    boolean seconds = minimumInterval.compareTo(Duration.ofMinutes(1)) < 0;
    String singular = unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
    Duration each = UNITS.get(singular);
    if (each == null || (singular.equals("second") && !seconds)) {
      throw new IllegalArgumentException("rate unit '" + unit + "' is not one of "
          + (seconds ? "second, seconds, " : "") + "minute, minutes, hour, hours, day, days");
    }
    if (unit.equals(singular) && n != 1) {
      throw new IllegalArgumentException("rate unit '" + unit + "' takes only the value 1; with " + n + " write '"
          + unit + "s'");
    }
    if (!unit.equals(singular) && n == 1) {
      throw new IllegalArgumentException("rate unit '" + unit + "' needs a value above 1; with 1 write '"
          + singular + "'");
    }
    Duration interval = each.multipliedBy(n);
    if (interval.compareTo(minimumInterval) < 0) {
      throw new IllegalArgumentException("rate(" + spec + ") is shorter than the minimum interval of "
          + minimumInterval.toSeconds() + " seconds");
    }
    return interval;
  }

  /**
   * The first tick strictly after {@code after}, or null when there is none (a cron whose last year is past). A
   * rate counts its ticks from {@code anchor}: the first is one interval after it.
   */
  public Instant nextAfter(Instant after, Instant anchor) {
    Objects.requireNonNull(after, "after");
    if (cron != null) {
      return cron.nextAfter(after);
    }
    Objects.requireNonNull(anchor, "anchor");
    Instant first = anchor.plus(interval);
    if (after.isBefore(first)) {
      return first;
    }
    long ticks = Duration.between(anchor, after).dividedBy(interval);
    return anchor.plus(interval.multipliedBy(ticks + 1));
  }

  /**
   * The latest tick at or before {@code at}, or null when there is none: for a rate one counted from
   * {@code anchor} (so none before {@code anchor} plus one interval), for a cron one before the cron's first year.
   */
  public Instant latestAtOrBefore(Instant at, Instant anchor) {
    Objects.requireNonNull(at, "at");
    if (cron != null) {
      return cron.latestAtOrBefore(at);
    }
    Objects.requireNonNull(anchor, "anchor");
    if (at.isBefore(anchor.plus(interval))) {
      return null;
    }
    return anchor.plus(interval.multipliedBy(Duration.between(anchor, at).dividedBy(interval)));
  }

  /** The expression as written. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScheduleExpression that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
