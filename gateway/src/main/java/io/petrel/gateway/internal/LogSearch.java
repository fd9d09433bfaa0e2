package io.petrel.gateway.internal;

import io.petrel.persistence.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finding the first {@code limit} log lines of a range that match a filter. The store cannot filter, so the
 * range is read page by page with a {@link LogCursor} until enough lines matched, the range ends, or
 * {@code maxScanned} lines were read; the last case is reported as {@code truncated}, so a request over a huge
 * range with a rare term costs a bounded amount of reading.
 */
final class LogSearch {
  /** The matching lines in time order, and whether the scan stopped at its cap before the end of the range. */
  record Result(List<LogLine> lines, boolean truncated) {}

  private final LogCursor.Reader reader;
  private final int pageSize;
  private final int maxScanned;

  LogSearch(LogCursor.Reader reader, int pageSize, int maxScanned) {
    this.reader = reader;
    this.pageSize = pageSize;
    this.maxScanned = maxScanned;
  }

  CompletionStage<Result> find(Instant from, Instant to, LogFilter filter, int limit) {
    if (filter.matchesAll()) {
      return reader.between(from, to, limit).thenApply(lines -> new Result(lines, false));
    }
    return scan(LogCursor.at(from), to, filter, limit, new ArrayList<>(), 0);
  }

  private CompletionStage<Result> scan(LogCursor cursor, Instant to, LogFilter filter, int limit,
      List<LogLine> matched, int scanned) {
    int ask = cursor.limitFor(Math.min(pageSize, maxScanned - scanned));
    return reader.between(cursor.from(), to, ask).thenCompose(page -> {
      LogCursor.Step step = cursor.advance(page);
      int read = scanned + step.fresh().size();
      for (LogLine line : step.fresh()) {
        if (filter.matches(line.message())) {
          matched.add(line);
          if (matched.size() == limit) {
            return CompletableFuture.completedFuture(new Result(matched, false));
          }
        }
      }
      boolean rangeEnded = page.size() < ask;
      if (rangeEnded || read >= maxScanned) {
        return CompletableFuture.completedFuture(new Result(matched, !rangeEnded));
      }
      return scan(step.next(), to, filter, limit, matched, read);
    });
  }
}
