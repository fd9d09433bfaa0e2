package io.petrel.gateway.internal;

import io.petrel.persistence.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A position in a function's log for reading it page by page with {@code logsBetween(from, to, limit)}, which
 * only knows timestamps (milliseconds): the next page starts at the millisecond of the last line seen, so lines
 * of that millisecond that arrive later are not skipped, and the lines of it already seen are remembered so
 * they are not delivered twice.
 *
 * <p>Example: a page ends with lines a and b at 16:05:00.123. The cursor moves to 16:05:00.123 remembering
 * {a, b}; the next page returns a, b, c (c written later at the same millisecond), d (at .124): a and b are
 * dropped, c and d are new, and the cursor moves to .124 remembering {d}. A page asks for
 * {@link #limitFor(int) pageSize + remembered} lines, so a full page always holds new lines and the cursor
 * cannot stall on one busy millisecond.
 */
record LogCursor(Instant from, List<LogLine> seenAtFrom) {

  /** Where pages come from: one function's {@code logsBetween}, in time order, written order within a millisecond. */
  @FunctionalInterface
  interface Reader {
    CompletionStage<List<LogLine>> between(Instant from, Instant to, int limit);
  }

  /** What reading one page gave: the lines not delivered before, and where the next page starts. */
  record Step(LogCursor next, List<LogLine> fresh) {}

  LogCursor {
    from = Instant.ofEpochMilli(from.toEpochMilli());
    seenAtFrom = List.copyOf(seenAtFrom);
  }

  static LogCursor at(Instant from) {
    return new LogCursor(from, List.of());
  }

  /** How many lines to ask for so that a full page holds {@code pageSize} lines not seen before. */
  int limitFor(int pageSize) {
    return pageSize + seenAtFrom.size();
  }

  /** Takes a page read from {@link #from()} (in the store's order) and moves past it. */
  Step advance(List<LogLine> page) {
    List<LogLine> unmatched = new ArrayList<>(seenAtFrom);
    List<LogLine> fresh = new ArrayList<>();
    for (LogLine line : page) {
      boolean seen = line.timestamp().toEpochMilli() <= from.toEpochMilli() && unmatched.remove(line);
      if (!seen) {
        fresh.add(line);
      }
    }
    if (page.isEmpty()) {
      return new Step(this, List.of());
    }
    Instant last = Instant.ofEpochMilli(page.get(page.size() - 1).timestamp().toEpochMilli());
    List<LogLine> seenAtLast = new ArrayList<>(last.equals(from) ? seenAtFrom : List.of());
    for (LogLine line : fresh) {
      if (line.timestamp().toEpochMilli() == last.toEpochMilli()) {
        seenAtLast.add(line);
      }
    }
    return new Step(new LogCursor(last, seenAtLast), fresh);
  }
}
