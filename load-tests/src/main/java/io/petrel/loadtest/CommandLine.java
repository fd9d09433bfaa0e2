package io.petrel.loadtest;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The arguments of a benchmark, walked as {@code --flag value} pairs, and the parsing of option values they
 * share. {@code --dry-run} is the one flag without a value; it may stand anywhere between pairs. Every failure
 * is an IllegalArgumentException with a message meant for the user that names the flag.
 *
 * <pre>{@code
 * CommandLine line = new CommandLine(args);
 * while (line.next()) {
 *   String flag = line.flag();
 *   String value = line.value();
 *   switch (flag) {
 *     case "--calls" -> calls = CommandLine.positive(flag, value);
 *     default -> throw line.unknownOption();
 *   }
 * }
 * boolean dryRun = line.dryRun();
 * }</pre>
 */
final class CommandLine {
  private final String[] args;
  private int next;
  private boolean dryRun;

  CommandLine(String... args) {
    this.args = args.clone();
  }

  /** Moves to the next {@code --flag value} pair, noting a {@code --dry-run} on the way; false at the end. */
  boolean next() {
    while (next < args.length && args[next].equals("--dry-run")) {
      dryRun = true;
      next++;
    }
    if (next >= args.length) {
      return false;
    }
    if (next + 1 >= args.length) {
      throw new IllegalArgumentException(args[next] + " needs a value");
    }
    next += 2;
    return true;
  }

  /** The flag of the current pair. */
  String flag() {
    return args[next - 2];
  }

  /** The value of the current pair, as given. */
  String value() {
    return args[next - 1];
  }

  /** Whether {@code --dry-run} was among the arguments walked so far. */
  boolean dryRun() {
    return dryRun;
  }

  /** The error for a flag the benchmark does not know. */
  IllegalArgumentException unknownOption() {
    return new IllegalArgumentException("unknown option " + flag());
  }

  /** The comma separated items of {@code value}, trimmed, without blanks and repeats; at least one. */
  static List<String> list(String flag, String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs at least one value");
    }
    return items.stream().distinct().toList();
  }

  /** {@code digits} as a whole number of at least 0; empty when it is not one. */
  static OptionalInt wholeNumber(String digits) {
    try {
      int n = Integer.parseInt(digits);
      if (n >= 0) {
        return OptionalInt.of(n);
      }
    } catch (NumberFormatException ignored) {
      // not a number at all
    }
    return OptionalInt.empty();
  }

  static int nonNegative(String flag, String value) {
    return nonNegative(flag, value, value.trim());
  }

  static int positive(String flag, String value) {
    return atLeastOne(flag, value, nonNegative(flag, value));
  }

  /** As {@link #nonNegative}, taking digit groups as Java writes them too: {@code 200_000}. */
  static int nonNegativeGrouped(String flag, String value) {
    return nonNegative(flag, value, value.trim().replace("_", ""));
  }

  /** As {@link #positive}, taking digit groups as Java writes them too: {@code 200_000}. */
  static int positiveGrouped(String flag, String value) {
    return atLeastOne(flag, value, nonNegativeGrouped(flag, value));
  }

  /** {@code value} as an http or https URL with a host, without a trailing slash; empty when it is not one. */
  static Optional<URI> httpUrl(String value) {
    String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    try {
      URI uri = URI.create(trimmed);
      if (List.of("http", "https").contains(uri.getScheme()) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (IllegalArgumentException ignored) {
      // not a URI at all
    }
    return Optional.empty();
  }

  /**
   * {@code value} as host:port ({@code [::1]:9092} for an IPv6 address); the error names the flag and shows
   * {@code example}.
   */
  static InetSocketAddress hostAndPort(String flag, String value, String example) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? "" : v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException ignored) {
      // answered below
    }
    if (host.isEmpty() || port < 1 || port > 65_535) {
      throw new IllegalArgumentException(flag + " must be host:port, e.g. " + example + ", got '" + value + "'");
    }
    return new InetSocketAddress(host, port);
  }

  private static int nonNegative(String flag, String value, String digits) {
    return wholeNumber(digits).orElseThrow(() ->
        new IllegalArgumentException(flag + " must be a whole number, got '" + value + "'"));
  }

  private static int atLeastOne(String flag, String value, int n) {
    if (n == 0) {
      throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
    }
    return n;
  }
}
