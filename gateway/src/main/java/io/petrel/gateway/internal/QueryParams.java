package io.petrel.gateway.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The query parameters of Petrel's invocation and log queries, read from the request's parameter map: instants
 * as ISO-8601 ({@code 2026-11-23T16:05:00Z}, fractions and offsets allowed, an offset's {@code +} also as the
 * space an unescaped {@code +} decodes to) or epoch milliseconds
 * ({@code 1795449900000}), the time range with its defaults, and limits. Every refusal names the parameter and
 * what it accepts. An empty value counts as absent.
 */
final class QueryParams {
  /** How far back a range reaches when {@code from} is not given. */
  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  /** How far past now a range reaches when {@code to} is not given: lines a node with a clock slightly ahead wrote. */
  static final Duration AHEAD = Duration.ofSeconds(1);

  private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,15}");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999Z");

  /** The instants {@code [from, to)} a query covers. */
  record TimeRange(Instant from, Instant to) {}

  private QueryParams() {}

  static Optional<String> string(Map<String, String> params, String name) {
    return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty());
  }

  /**
   * The range from {@code from} and {@code to}: {@code to} defaults to now + 1 s, {@code from} to one hour
   * before now, or before {@code to} when only that is given. {@code from} must come before {@code to}.
   */
  static TimeRange range(Map<String, String> params, Instant now) {
    Optional<Instant> from = instant(params, "from");
    Optional<Instant> to = instant(params, "to");
    Instant end = to.orElse(now.plus(AHEAD));
    Instant start = from.orElseGet(() -> to.map(t -> t.minus(DEFAULT_WINDOW)).orElse(now.minus(DEFAULT_WINDOW)));
    if (!start.isBefore(end)) {
      throw LambdaError.invalidParameter("'from' (" + start + (from.isEmpty() ? ", the default" : "") + ") must be"
          + " before 'to' (" + end + (to.isEmpty() ? ", the default: now + 1 s" : "") + ")");
    }
    return new TimeRange(start, end);
  }

  /** An instant parameter, if given. */
  static Optional<Instant> instant(Map<String, String> params, String name) {
    return string(params, name).map(value -> parseInstant(name, value));
  }

  static Instant parseInstant(String name, String value) {
    Instant t = null;
    if (EPOCH_MILLIS.matcher(value).matches()) {
      t = Instant.ofEpochMilli(Long.parseLong(value));
    } else {
      // An offset's '+' written unescaped in a query string arrives as a space, which no ISO-8601 time holds.
      String iso = value.replace(' ', '+');
      try {
        t = Instant.parse(iso);
      } catch (DateTimeParseException notAnInstant) {
        try {
          t = OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException notAnOffsetTime) {
          // answered below
        }
      }
    }
    if (t == null || t.isBefore(Instant.EPOCH) || t.isAfter(LAST)) {
      throw LambdaError.invalidParameter("Value '" + abbreviate(value) + "' at '" + name + "' failed to satisfy"
          + " constraint: Member must be an ISO-8601 instant such as 2026-11-23T16:05:00Z or epoch milliseconds"
          + " such as 1795449900000, from 1970 to 9999");
    }
    return Instant.ofEpochMilli(t.toEpochMilli());
  }

  /** The {@code limit} parameter: {@code defaultLimit} when absent, else a number from 1 to {@code max}. */
  static int limit(Map<String, String> params, int defaultLimit, int max) {
    Optional<String> given = string(params, "limit");
    if (given.isEmpty()) {
      return defaultLimit;
    }
    try {
      int n = Integer.parseInt(given.get());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw LambdaError.invalidParameter("Value '" + abbreviate(given.get()) + "' at 'limit' failed to satisfy"
        + " constraint: Member must be a number between 1 and " + max);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
