package io.petrel.persistence.internal;

import com.cronutils.model.definition.CronConstraintsFactory;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The six fields of an EventBridge {@code cron(...)}: minutes, hours, day-of-month, month, day-of-week (1-7 is
 * SUN-SAT), year; in UTC, ticking at second 0 of each matching minute.
 *
 * <p>Every field is checked here first, so that an error names the field and the value (cron-utils' own messages
 * name neither), and handed to cron-utils with names turned into numbers. The ticks are cron-utils', with one
 * exception: the nearest weekday {@code nW} of the day-of-month is computed here, because cron-utils 9.2.1 fails on
 * a month without day n and keeps a Sunday that ends a month. EventBridge (as Quartz) moves a Saturday to the
 * Friday before and a Sunday to the Monday after, never across the month: 1W on a Saturday the 1st is Monday the
 * 3rd, 30W on a Sunday the 30th of November is Friday the 28th, and 31W skips months of 30 days.
 */
public final class EventBridgeCron {
  private static final ZoneOffset UTC = ZoneOffset.UTC;
  private static final int FIRST_YEAR = 1970;
  private static final int LAST_YEAR = 2199;

  private static final CronDefinition DEFINITION = CronDefinitionBuilder.defineCron()
      .withMinutes().withValidRange(0, 59).withStrictRange().and()
      .withHours().withValidRange(0, 23).withStrictRange().and()
      .withDayOfMonth().withValidRange(1, 31).supportsL().supportsLW().supportsQuestionMark().withStrictRange().and()
      .withMonth().withValidRange(1, 12).withStrictRange().and()
      .withDayOfWeek().withValidRange(1, 7).withMondayDoWValue(2).supportsHash().supportsL().supportsQuestionMark()
      .withStrictRange().and()
      .withYear().withValidRange(FIRST_YEAR, LAST_YEAR).withStrictRange().and()
      .withCronValidation(CronConstraintsFactory.ensureEitherDayOfWeekOrDayOfMonth())
      .instance();

  private enum Field {
    MINUTES("minutes", "a minute (0-59)", 0, 59, List.of()),
    HOURS("hours", "an hour (0-23)", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", "a day of the month (1-31)", 1, 31, List.of()),
    MONTH("month", "a month (1-12 or JAN-DEC)", 1, 12,
        List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    DAY_OF_WEEK("day-of-week", "a day of the week (1-7 or SUN-SAT)", 1, 7,
        List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
    YEAR("year", "a year (1970-2199)", FIRST_YEAR, LAST_YEAR, List.of());

    final String label;
    final String what;
    final int min;
    final int max;
    final List<String> names;

    Field(String label, String what, int min, int max, List<String> names) {
      this.label = label;
      this.what = what;
      this.min = min;
      this.max = max;
      this.names = names;
    }
  }

  private final ExecutionTime times;
  /** The n of a day-of-month {@code nW}, whose days this class picks; 0 when cron-utils picks the days. */
  private final int nearestWeekdayTo;

  private EventBridgeCron(ExecutionTime times, int nearestWeekdayTo) {
    this.times = times;
    this.nearestWeekdayTo = nearestWeekdayTo;
  }

  /**
   * Parses the text between the parentheses of {@code cron(...)}. {@link IllegalArgumentException} with a message
   * that starts with "cron" and names the field and value at fault.
   */
  public static EventBridgeCron parse(String fields) {
    String[] parts = fields.strip().split(" +");
    if (parts.length != 6 || fields.isBlank()) {
      throw new IllegalArgumentException("cron needs 6 fields (minutes hours day-of-month month day-of-week year)"
          + ", found " + (fields.isBlank() ? 0 : parts.length));
    }
    Field[] order = Field.values();
    String[] normalized = new String[6];
    for (int i = 0; i < 6; i++) {
      normalized[i] = normalize(order[i], parts[i]);
    }
    boolean domAny = normalized[2].equals("?");
    boolean dowAny = normalized[4].equals("?");
    if (domAny == dowAny) {
      throw new IllegalArgumentException("cron needs '?' in exactly one of day-of-month ('" + parts[2]
          + "') and day-of-week ('" + parts[4] + "')");
    }
    int nearestWeekdayTo = 0;
    if (normalized[2].endsWith("W") && !normalized[2].equals("LW")) {
      nearestWeekdayTo = Integer.parseInt(normalized[2].substring(0, normalized[2].length() - 1));
      normalized[2] = "*";
    }
    try {
      return new EventBridgeCron(ExecutionTime.forCron(new CronParser(DEFINITION).parse(String.join(" ",
          normalized))), nearestWeekdayTo);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cron '" + fields + "' is not valid: " + e.getMessage(), e);
    }
  }

  /** The first tick strictly after {@code after}, or null when there is none (its last year is past). */
  public Instant nextAfter(Instant after) {
    // Ticks are whole minutes, so what follows a second's start follows every instant within that second.
    ZonedDateTime from = after.truncatedTo(ChronoUnit.SECONDS).atZone(UTC);
    Optional<ZonedDateTime> next = nearestWeekdayTo == 0 ? times.nextExecution(from) : nextOnNearestWeekday(from);
    return next.map(ZonedDateTime::toInstant).orElse(null);
  }

  /** The latest tick at or before {@code at}, or null when there is none. */
  public Instant latestAtOrBefore(Instant at) {
    ZonedDateTime until = at.truncatedTo(ChronoUnit.MINUTES).atZone(UTC);
    Optional<ZonedDateTime> latest = nearestWeekdayTo == 0 ? atOrBefore(until) : latestOnNearestWeekday(until);
    return latest.map(ZonedDateTime::toInstant).orElse(null);
  }

  private Optional<ZonedDateTime> atOrBefore(ZonedDateTime minute) {
    return times.isMatch(minute) ? Optional.of(minute) : times.lastExecution(minute);
  }

  /**
   * Month by month from {@code from}'s: the first tick of the other fields (day-of-month any) that falls on the
   * month's nearest weekday. A tick on a later day skips the months before its own, which have no tick at all.
   */
  private Optional<ZonedDateTime> nextOnNearestWeekday(ZonedDateTime from) {
    YearMonth month = YearMonth.from(from);
    while (month.getYear() <= LAST_YEAR) {
      LocalDate day = nearestWeekday(month);
      if (day == null || day.isBefore(from.toLocalDate())) {
        month = month.plusMonths(1);
        continue;
      }
      ZonedDateTime dayStart = day.atStartOfDay(UTC);
      Optional<ZonedDateTime> next = times.nextExecution(from.isBefore(dayStart) ? dayStart.minusSeconds(1) : from);
      if (next.isEmpty() || next.get().toLocalDate().equals(day)) {
        return next;
      }
      YearMonth ofNext = YearMonth.from(next.get());
      month = ofNext.isAfter(month) ? ofNext : month.plusMonths(1);
    }
    return Optional.empty();
  }

  /** {@link #nextOnNearestWeekday} backwards, from {@code until}'s month to the first year. */
  private Optional<ZonedDateTime> latestOnNearestWeekday(ZonedDateTime until) {
    YearMonth month = YearMonth.from(until);
    while (month.getYear() >= FIRST_YEAR) {
      LocalDate day = nearestWeekday(month);
      if (day == null || day.isAfter(until.toLocalDate())) {
        month = month.minusMonths(1);
        continue;
      }
      ZonedDateTime dayEnd = day.atTime(23, 59).atZone(UTC);
      Optional<ZonedDateTime> latest = atOrBefore(until.isBefore(dayEnd) ? until : dayEnd);
      if (latest.isEmpty() || latest.get().toLocalDate().equals(day)) {
        return latest;
      }
      YearMonth ofLatest = YearMonth.from(latest.get());
      month = ofLatest.isBefore(month) ? ofLatest : month.minusMonths(1);
    }
    return Optional.empty();
  }

  /** The weekday of {@code month} nearest to its day n, or null when it has no day n. */
  private LocalDate nearestWeekday(YearMonth month) {
    if (nearestWeekdayTo > month.lengthOfMonth()) {
      return null;
    }
    LocalDate day = month.atDay(nearestWeekdayTo);
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY) {
      return nearestWeekdayTo == 1 ? day.plusDays(2) : day.minusDays(1);
    }
    if (day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return nearestWeekdayTo == month.lengthOfMonth() ? day.minusDays(2) : day.plusDays(1);
    }
    return day;
  }

  // ---- checking and normalizing one field ----

  /** The field as cron-utils reads it (numbers for names), or IllegalArgumentException naming what is wrong. */
  private static String normalize(Field field, String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    boolean dayField = field == Field.DAY_OF_MONTH || field == Field.DAY_OF_WEEK;
    if (upper.equals("?")) {
      if (!dayField) {
        throw bad(field, text, "may not be '?'; only day-of-month and day-of-week may");
      }
      return "?";
    }
    if (field == Field.DAY_OF_MONTH) {
      if (upper.equals("L") || upper.equals("LW")) {
        return upper;
      }
      if (upper.endsWith("W")) {
        return value(field, text, upper.substring(0, upper.length() - 1)) + "W";
      }
    }
    if (field == Field.DAY_OF_WEEK) {
      if (upper.equals("L")) {
        return "L";
      }
      if (upper.endsWith("L")) {
        return value(field, text, upper.substring(0, upper.length() - 1)) + "L";
      }
      int hash = upper.indexOf('#');
      if (hash >= 0) {
        String nth = upper.substring(hash + 1);
        if (!nth.matches("[1-5]")) {
          throw bad(field, text, "needs a week of the month from 1 to 5 after '#'");
        }
        return value(field, text, upper.substring(0, hash)) + "#" + nth;
      }
    }
    List<String> items = new ArrayList<>();
    for (String item : upper.split(",", -1)) {
      items.add(item(field, text, item));
    }
    return String.join(",", items);
  }

  /** One item of a list: {@code *}, a value or a range, each optionally followed by {@code /step}. */
  private static String item(Field field, String text, String item) {
    int slash = item.indexOf('/');
    String base = slash < 0 ? item : item.substring(0, slash);
    String step = "";
    if (slash >= 0) {
      String increment = item.substring(slash + 1);
      if (!increment.matches("[0-9]{1,3}") || Integer.parseInt(increment) < 1
          || Integer.parseInt(increment) > field.max - field.min + 1) {
        throw bad(field, text, "has the increment '" + increment + "', which is not a number from 1 to "
            + (field.max - field.min + 1));
      }
      step = "/" + Integer.parseInt(increment);
    }
    if (base.equals("*")) {
      return "*" + step;
    }
    int dash = base.indexOf('-');
    if (dash < 0) {
      return value(field, text, base) + step;
    }
    int from = value(field, text, base.substring(0, dash));
    int to = value(field, text, base.substring(dash + 1));
    if (from > to) {
      throw bad(field, text, "has the range '" + base + "', which runs backwards");
    }
    return from + "-" + to + step;
  }

  private static int value(Field field, String text, String value) {
    int named = field.names.indexOf(value);
    if (named >= 0) {
      return named + 1;
    }
    if (value.matches("[0-9]{1,4}")) {
      int number = Integer.parseInt(value);
      if (number >= field.min && number <= field.max) {
        return number;
      }
    }
    if (value.equals(text.toUpperCase(Locale.ROOT))) {
      throw bad(field, text, "is not " + field.what);
    }
    throw bad(field, text, "has '" + value + "', which is not " + field.what);
  }

  private static IllegalArgumentException bad(Field field, String text, String problem) {
    return new IllegalArgumentException("cron " + field.label + " '" + text + "' " + problem);
  }
}
