package io.petrel.gateway.internal;

import io.petrel.persistence.LogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live tail of a function's log as server-sent events: every {@code pollInterval} the store is read from the
 * last line sent up to now + 1 s (with a {@link LogCursor}, so no line is sent twice and none of a busy
 * millisecond is lost), each new line that passes the filter becomes {@code data: {"Timestamp",
 * "RequestId","Message"}}, and a {@code : keep-alive} comment goes out after {@code keepAlive} of silence so
 * proxies and clients keep the connection. The stream never completes by itself; the HTTP layer cancels it, and
 * the polling with it, when a write finds the client gone (Pekko HTTP does not read while it streams a response
 * out, so a quiet tail learns of a closed connection from a failing keep-alive: after two or three of them). A
 * failed read is retried at the next poll.
 *
 * <p>Lines are written when an invocation ends and in batches, so a line whose timestamp is older than the last
 * line sent when it becomes readable (the START line of an invocation that overlapped shorter ones) is not
 * sent; {@code logs?from=..} finds it.
 */
final class LogTail {
  static final ByteString KEEP_ALIVE = ByteString.fromString(": keep-alive\n\n");
  private static final Logger log = LoggerFactory.getLogger(LogTail.class);

  /** How often to read, when to send a keep-alive, and how much one poll reads at most (pages of pageSize). */
  record Settings(Duration pollInterval, Duration keepAlive, int pageSize, int maxPagesPerPoll) {
    static final Settings DEFAULT = new Settings(Duration.ofMillis(500), Duration.ofSeconds(15), 1000, 10);
  }

  private enum Tick { INSTANCE }

  /** The state between polls: where to read next, what the last poll found, and whether it failed. */
  private record Poll(LogCursor cursor, List<LogLine> fresh, boolean failing) {}

  private LogTail() {}

  static Source<ByteString, NotUsed> events(LogCursor.Reader reader, Instant since, LogFilter filter,
      Supplier<Instant> clock, Settings settings) {
    return Source.tick(Duration.ZERO, settings.pollInterval(), Tick.INSTANCE)
        .mapMaterializedValue(cancellable -> NotUsed.notUsed())
        .scanAsync(new Poll(LogCursor.at(since), List.of(), false),
            (previous, tick) -> poll(reader, previous, clock.get().plus(QueryParams.AHEAD), settings))
        .mapConcat(Poll::fresh)
        .filter(line -> filter.matches(line.message()))
        .map(LogTail::event)
        .keepAlive(settings.keepAlive(), () -> KEEP_ALIVE);
  }

  static ByteString event(LogLine line) {
    return ByteString.fromString("data: " + new String(Json.bytes(QueryRepresentations.logEvent(line)),
        java.nio.charset.StandardCharsets.UTF_8) + "\n\n");
  }

  private static CompletionStage<Poll> poll(LogCursor.Reader reader, Poll previous, Instant to, Settings settings) {
    var read = ApiContext.attempt(() -> pages(reader, previous.cursor(), to, settings, 1, new ArrayList<>()));
    return read.handle((next, error) -> {
      if (error == null) {
        return next;
      }
      if (!previous.failing()) {
        log.warn("live tail could not read log lines; retrying every {}: {}", settings.pollInterval(),
            error.toString());
      }
      return new Poll(previous.cursor(), List.of(), true);
    });
  }

  /** Reads pages while they come back full, up to maxPagesPerPoll, so a busy function's tail keeps up. */
  private static CompletionStage<Poll> pages(LogCursor.Reader reader, LogCursor cursor, Instant to,
      Settings settings, int page, List<LogLine> fresh) {
    int limit = cursor.limitFor(settings.pageSize());
    return reader.between(cursor.from(), to, limit).thenCompose(lines -> {
      LogCursor.Step step = cursor.advance(lines);
      fresh.addAll(step.fresh());
      if (lines.size() < limit || page >= settings.maxPagesPerPoll()) {
        return CompletableFuture.completedFuture(new Poll(step.next(), fresh, false));
      }
      return pages(reader, step.next(), to, settings, page + 1, fresh);
    });
  }
}
