package io.petrel.gateway.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A filter pattern over log messages, the term subset of CloudWatch Logs' syntax. Terms are separated by
 * spaces and matched as case-sensitive substrings of the message:
 * <ul>
 *   <li>{@code ERROR timeout}: both must appear;</li>
 *   <li>{@code "Task timed out"}: a double-quoted phrase is one term ({@code \"} and {@code \\} escape inside
 *       it);</li>
 *   <li>{@code -DEBUG}: must not appear;</li>
 *   <li>{@code ?ERROR ?WARN}: the {@code ?} terms form one group of which at least one must appear.</li>
 * </ul>
 * So {@code "RequestId: 42" ?ERROR ?Exception -retrying} keeps a line naming request 42 that mentions ERROR
 * or Exception and does not mention retrying. JSON ({@code { $.level = "x" }}) and space-delimited
 * ({@code [ip, user]}) patterns are refused rather than misread as terms. The empty pattern matches every line.
 */
public final class LogFilter {
  /** CloudWatch Logs' limit on a filter pattern. */
  public static final int MAX_LENGTH = 1024;
  public static final LogFilter ALL = new LogFilter("", List.of(), List.of(), List.of());

  private final String pattern;
  private final List<String> required;
  private final List<String> excluded;
  private final List<String> anyOf;

  private LogFilter(String pattern, List<String> required, List<String> excluded, List<String> anyOf) {
    this.pattern = pattern;
    this.required = List.copyOf(required);
    this.excluded = List.copyOf(excluded);
    this.anyOf = List.copyOf(anyOf);
  }

  /** The filter of an optional {@code filter} parameter; absent or blank matches everything. */
  public static LogFilter parse(Optional<String> pattern) {
    return pattern.map(LogFilter::parse).orElse(ALL);
  }

  /** Parses a pattern; a malformed one is an InvalidParameterValueException naming {@code filter}. */
  public static LogFilter parse(String pattern) {
    if (pattern.length() > MAX_LENGTH) {
      throw invalid(pattern, "it is longer than " + MAX_LENGTH + " characters");
    }
    String trimmed = pattern.strip();
    if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
      throw invalid(pattern, "JSON and space-delimited patterns are not supported; put the text in double quotes"
          + " to search for it literally");
    }
    List<String> required = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    List<String> anyOf = new ArrayList<>();
    int i = 0;
    int n = pattern.length();
    while (true) {
      while (i < n && Character.isWhitespace(pattern.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      List<String> target = required;
      char prefix = pattern.charAt(i);
      if (prefix == '-' || prefix == '?') {
        target = prefix == '-' ? excluded : anyOf;
        i++;
        if (i >= n || Character.isWhitespace(pattern.charAt(i))) {
          throw invalid(pattern, "'" + prefix + "' at position " + i + " must be followed by a term");
        }
      }
      StringBuilder term = new StringBuilder();
      if (pattern.charAt(i) == '"') {
        int open = i++;
        boolean closed = false;
        while (i < n && !closed) {
          char c = pattern.charAt(i++);
          if (c == '\\' && i < n && (pattern.charAt(i) == '"' || pattern.charAt(i) == '\\')) {
            term.append(pattern.charAt(i++));
          } else if (c == '"') {
            closed = true;
          } else {
            term.append(c);
          }
        }
        if (!closed) {
          throw invalid(pattern, "the quote at position " + (open + 1) + " is not closed");
        }
        if (i < n && !Character.isWhitespace(pattern.charAt(i))) {
          throw invalid(pattern, "a closing quote must be followed by a space or the end, at position " + (i + 1));
        }
        if (term.isEmpty()) {
          throw invalid(pattern, "the quoted phrase at position " + (open + 1) + " is empty");
        }
      } else {
        while (i < n && !Character.isWhitespace(pattern.charAt(i))) {
          char c = pattern.charAt(i++);
          if (c == '"') {
            throw invalid(pattern, "a quote at position " + i + " inside a term; quote the whole term instead");
          }
          term.append(c);
        }
      }
      target.add(term.toString());
    }
    return new LogFilter(pattern, required, excluded, anyOf);
  }

  public boolean matches(String message) {
    for (String term : required) {
      if (!message.contains(term)) {
        return false;
      }
    }
    for (String term : excluded) {
      if (message.contains(term)) {
        return false;
      }
    }
    if (anyOf.isEmpty()) {
      return true;
    }
    for (String term : anyOf) {
      if (message.contains(term)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this filter lets every line through. */
  public boolean matchesAll() {
    return required.isEmpty() && excluded.isEmpty() && anyOf.isEmpty();
  }

  List<String> required() {
    return required;
  }

  List<String> excluded() {
    return excluded;
  }

  List<String> anyOf() {
    return anyOf;
  }

  @Override
  public String toString() {
    return pattern;
  }

  private static LambdaError invalid(String pattern, String why) {
    String shown = pattern.length() <= 80 ? pattern : pattern.substring(0, 80) + "...";
    return LambdaError.invalidParameter("Value '" + shown + "' at 'filter' failed to satisfy constraint: " + why
        + ". A filter is space-separated terms that must all appear, \"quoted phrases\", -term for must not"
        + " appear and ?term for at least one of these");
  }
}
