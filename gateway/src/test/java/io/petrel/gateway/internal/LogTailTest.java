package io.petrel.gateway.internal;

import static io.petrel.gateway.internal.LogCursorTest.T0;
import static io.petrel.gateway.internal.LogCursorTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.LogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogTailTest {
  private static final LogTail.Settings FAST =
      new LogTail.Settings(Duration.ofMillis(50), Duration.ofSeconds(30), 10, 3);

  static ActorSystem system;
  static Materializer materializer;

  private final LogCursorTest.MemoryLog log = new LogCursorTest.MemoryLog();

  @BeforeAll
  static void start() {
    system = ActorSystem.create("LogTailTest");
    materializer = Materializer.matFromSystem(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private SinkQueueWithCancel<ByteString> tail(LogCursor.Reader reader, LogFilter filter, LogTail.Settings settings) {
    return LogTail.events(reader, T0, filter, () -> T0.plusSeconds(10), settings)
        .runWith(Sink.queue(), materializer);
  }

  private static String next(SinkQueueWithCancel<ByteString> events) throws Exception {
    Optional<ByteString> e = events.pull().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return e.map(ByteString::utf8String).orElse("<completed>");
  }

  private static String event(String message, long msAfterT0) {
    return "data: {\"Timestamp\":\"" + QueryRepresentations.time(T0.plusMillis(msAfterT0))
        + "\",\"RequestId\":\"req\",\"Message\":\"" + message + "\"}\n\n";
  }

  @Test
  void each_new_line_is_sent_once_as_a_server_sent_event_in_time_order() throws Exception {
    log.add(line(0, "a"), line(1, "b"));
    SinkQueueWithCancel<ByteString> events = tail(log, LogFilter.ALL, FAST);
    assertThat(next(events)).isEqualTo(event("a", 0));
    assertThat(next(events)).isEqualTo(event("b", 1));

    log.add(line(1, "late in the same millisecond"), line(7, "c"));
    assertThat(next(events)).isEqualTo(event("late in the same millisecond", 1));
    assertThat(next(events)).isEqualTo(event("c", 7));
    events.cancel();
  }

  @Test
  void lines_before_since_are_not_sent() throws Exception {
    log.add(line(-1, "before"), line(0, "at since"));
    SinkQueueWithCancel<ByteString> events = tail(log, LogFilter.ALL, FAST);
    assertThat(next(events)).isEqualTo(event("at since", 0));
    events.cancel();
  }

  @Test
  void only_lines_that_pass_the_filter_are_sent() throws Exception {
    log.add(line(0, "START RequestId: req"), line(1, "hello world"), line(2, "END RequestId: req"));
    SinkQueueWithCancel<ByteString> events = tail(log, LogFilter.parse("-RequestId"), FAST);
    assertThat(next(events)).isEqualTo(event("hello world", 1));
    log.add(line(3, "second hello"));
    assertThat(next(events)).isEqualTo(event("second hello", 3));
    events.cancel();
  }

  @Test
  void a_backlog_larger_than_one_poll_is_sent_whole_and_in_order() throws Exception {
    for (int i = 0; i < 95; i++) {
      log.add(line(i, "n" + i));
    }
    SinkQueueWithCancel<ByteString> events = tail(log, LogFilter.ALL, FAST);
    for (int i = 0; i < 95; i++) {
      assertThat(next(events)).isEqualTo(event("n" + i, i));
    }
    events.cancel();
  }

  @Test
  void a_keep_alive_comment_goes_out_when_nothing_happened_for_a_while() throws Exception {
    var settings = new LogTail.Settings(Duration.ofMillis(50), Duration.ofMillis(200), 10, 3);
    SinkQueueWithCancel<ByteString> events = tail(log, LogFilter.ALL, settings);
    assertThat(next(events)).isEqualTo(": keep-alive\n\n");
    log.add(line(0, "then a line"));
    assertThat(next(events)).isEqualTo(event("then a line", 0));
    events.cancel();
  }

  @Test
  void polling_stops_when_the_client_goes_away() throws Exception {
    log.add(line(0, "a"));
    SinkQueueWithCancel<ByteString> events = tail(log, LogFilter.ALL, FAST);
    assertThat(next(events)).isEqualTo(event("a", 0));
    events.cancel();
    Thread.sleep(200); // a poll already under way may still finish
    int polls = log.asked.size();
    Thread.sleep(500); // ten poll intervals
    assertThat(log.asked).hasSize(polls);
  }

  @Test
  void a_failed_read_is_retried_at_the_next_poll() throws Exception {
    log.add(line(0, "after the outage"));
    AtomicInteger calls = new AtomicInteger();
    LogCursor.Reader flaky = (Instant from, Instant to, int limit) -> {
      int n = calls.incrementAndGet();
      if (n == 1) {
        throw new IllegalStateException("store away (thrown)");
      }
      if (n == 2) {
        return CompletableFuture.<List<LogLine>>failedFuture(new IllegalStateException("store away (failed)"));
      }
      return log.between(from, to, limit);
    };
    SinkQueueWithCancel<ByteString> events = tail(flaky, LogFilter.ALL, FAST);
    assertThat(next(events)).isEqualTo(event("after the outage", 0));
    assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    events.cancel();
  }
}
