package io.petrel.node.cli;

import java.util.Optional;

/**
 * Reads server-sent events line by line: {@code data:} lines (one optional space after the colon) accumulate, a
 * blank line completes the event and hands back its data (several data lines joined by '\n'), lines starting
 * with ':' are comments (keep-alives), other fields ({@code event}, {@code id}, {@code retry}) are ignored.
 */
public final class SseParser {
  private StringBuilder data;

  /** Feeds one line (without its line ending); answers the data of an event this line completes. */
  public Optional<String> line(String line) {
    if (line.isEmpty()) {
      Optional<String> event = Optional.ofNullable(data).map(StringBuilder::toString);
      data = null;
      return event;
    }
    if (line.startsWith(":")) {
      return Optional.empty();
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    if (field.equals("data")) {
      String value = colon < 0 ? "" : line.substring(colon + 1);
      value = value.startsWith(" ") ? value.substring(1) : value;
      data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
    }
    return Optional.empty();
  }
}
