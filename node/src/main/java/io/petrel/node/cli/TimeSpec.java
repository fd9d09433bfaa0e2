package io.petrel.node.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --since} value: a span back from now ({@code 30s}, {@code 10m}, {@code 1h}, {@code 2d}) or a point in
 * time ({@code 2026-11-23T16:05:00Z}, with an offset, or a date meaning its start in UTC). For example at
 * 2026-11-23T16:05:00Z, {@code 1h} is 2026-11-23T15:05:00Z and {@code 2026-11-20} is 2026-11-20T00:00:00Z.
 */
public final class TimeSpec {
  private static final Pattern SPAN = Pattern.compile("(\\d{1,9})([smhd])");

  private TimeSpec() {}

  public static Optional<Instant> parse(String value, Instant now) {
    String v = value.strip();
    Matcher m = SPAN.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration span = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return Optional.of(now.minus(span));
    }
    try {
      return Optional.of(Instant.parse(v));
    } catch (DateTimeParseException notAnInstant) {
      // try the other forms
    }
    try {
      return Optional.of(OffsetDateTime.parse(v).toInstant());
    } catch (DateTimeParseException notAnOffsetDateTime) {
      // try the other forms
    }
    try {
      return Optional.of(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }

  /** The {@code --since} option of a command, {@code fallback} when absent; a usage error when malformed. */
  public static Instant since(CommandSpec spec, Args args, String fallback, Instant now) {
    String given = args.value("--since").orElse(fallback);
    return parse(given, now).orElseThrow(() -> Args.usage(spec, "--since must be a span like 30s, 10m, 1h or 2d,"
        + " or an instant like 2026-11-23T16:05:00Z, got '" + given + "'"));
  }
}
