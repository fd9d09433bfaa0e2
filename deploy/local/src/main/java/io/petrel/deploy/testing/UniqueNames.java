package io.petrel.deploy.testing;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names for keyspaces and topics that no other test class of this JVM (or of a concurrent one sharing the
 * server) gets: a readable part from a hint such as the test class name, then a per-JVM random token and a
 * counter. {@code "FunctionStoreIT"} becomes e.g. {@code function_store_it_k3x9a_1}.
 */
final class UniqueNames {
  static final int MAX_KEYSPACE_LENGTH = 48;
  private static final String JVM_TOKEN = randomToken(5);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private UniqueNames() {}

  /** A valid unquoted CQL identifier: lower-case letters, digits and underscores, starting with a letter. */
  static String keyspace(String hint) {
    String base = words(hint, '_');
    if (base.isEmpty()) {
      base = "ks";
    } else if (!Character.isLetter(base.charAt(0))) {
      base = "ks_" + base;
    }
    String suffix = "_" + JVM_TOKEN + "_" + COUNTER.incrementAndGet();
    return trim(base, MAX_KEYSPACE_LENGTH - suffix.length(), '_') + suffix;
  }

  /** A topic-name prefix of lower-case letters, digits and dashes, ending with a dash. */
  static String topicPrefix(String hint) {
    String base = words(hint, '-');
    String suffix = JVM_TOKEN + "-" + COUNTER.incrementAndGet() + "-";
    return base.isEmpty() ? suffix : trim(base, 60, '-') + "-" + suffix;
  }

  /** Lower-case words of {@code hint} (split at case changes and non-alphanumerics) joined by {@code separator}. */
  static String words(String hint, char separator) {
    String spaced = hint.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2");
    String joined = spaced.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", String.valueOf(separator));
    return strip(joined, separator);
  }

  private static String trim(String s, int max, char separator) {
    return s.length() <= max ? s : strip(s.substring(0, max), separator);
  }

  private static String strip(String s, char c) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == c) {
      from++;
    }
    while (to > from && s.charAt(to - 1) == c) {
      to--;
    }
    return s.substring(from, to);
  }

  static String randomToken(int length) {
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
    }
    return token.toString();
  }
}
