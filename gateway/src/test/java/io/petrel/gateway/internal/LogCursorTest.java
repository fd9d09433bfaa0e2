package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.FunctionId;
import io.petrel.persistence.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class LogCursorTest {
  static final FunctionId FN = new FunctionId("000000000000", "fn");
  static final Instant T0 = Instant.parse("2026-11-23T16:05:00.123Z");

  static LogLine line(long msAfterT0, String message) {
    return new LogLine(FN, "req", T0.plusMillis(msAfterT0), message);
  }

  /** A function's log in memory that answers like the store: [from, to), time order, written order within. */
  static final class MemoryLog implements LogCursor.Reader {
    final List<LogLine> lines = new ArrayList<>();
    final List<Integer> asked = java.util.Collections.synchronizedList(new ArrayList<>());

    synchronized void add(LogLine... more) {
      lines.addAll(List.of(more));
      lines.sort(Comparator.comparing(LogLine::timestamp)); // stable: written order within a millisecond
    }

    @Override
    public synchronized CompletionStage<List<LogLine>> between(Instant from, Instant to, int limit) {
      asked.add(limit);
      return CompletableFuture.completedFuture(lines.stream()
          .filter(l -> l.timestamp().toEpochMilli() >= from.toEpochMilli()
              && l.timestamp().toEpochMilli() < to.toEpochMilli())
          .limit(limit)
          .toList());
    }

    List<LogLine> page(LogCursor cursor, int pageSize) {
      return between(cursor.from(), T0.plusSeconds(3600), cursor.limitFor(pageSize)).toCompletableFuture().join();
    }
  }

  @Test
  void a_new_cursor_delivers_every_line_from_its_millisecond_on() {
    LogCursor.Step step = LogCursor.at(T0).advance(List.of(line(0, "a"), line(5, "b")));
    assertThat(step.fresh()).extracting(LogLine::message).containsExactly("a", "b");
    assertThat(step.next().from()).isEqualTo(T0.plusMillis(5));
    assertThat(step.next().seenAtFrom()).extracting(LogLine::message).containsExactly("b");
  }

  @Test
  void lines_of_the_last_millisecond_are_not_delivered_again_but_later_ones_of_it_are() {
    MemoryLog log = new MemoryLog();
    log.add(line(0, "a"), line(1, "b"), line(1, "c"));
    LogCursor.Step first = LogCursor.at(T0).advance(log.page(LogCursor.at(T0), 100));
    assertThat(first.fresh()).extracting(LogLine::message).containsExactly("a", "b", "c");

    log.add(line(1, "d"), line(2, "e"));
    LogCursor.Step second = first.next().advance(log.page(first.next(), 100));
    assertThat(second.fresh()).extracting(LogLine::message).containsExactly("d", "e");
    assertThat(second.next().seenAtFrom()).extracting(LogLine::message).containsExactly("e");
  }

  @Test
  void an_empty_page_leaves_the_cursor_where_it_was() {
    LogCursor cursor = new LogCursor(T0, List.of(line(0, "a")));
    LogCursor.Step step = cursor.advance(List.of());
    assertThat(step.fresh()).isEmpty();
    assertThat(step.next()).isEqualTo(cursor);
  }

  @Test
  void identical_lines_are_told_apart_by_count() {
    LogCursor cursor = new LogCursor(T0, List.of(line(0, "same")));
    LogCursor.Step step = cursor.advance(List.of(line(0, "same"), line(0, "same")));
    assertThat(step.fresh()).extracting(LogLine::message).containsExactly("same");
    assertThat(step.next().seenAtFrom()).hasSize(2);
  }

  @Test
  void a_millisecond_busier_than_a_page_is_read_to_its_end_without_stalling() {
    MemoryLog log = new MemoryLog();
    for (int i = 0; i < 25; i++) {
      log.add(line(0, "busy " + i));
    }
    log.add(line(1, "after"));
    List<String> delivered = new ArrayList<>();
    LogCursor cursor = LogCursor.at(T0);
    for (int round = 0; round < 10; round++) {
      LogCursor.Step step = cursor.advance(log.page(cursor, 10));
      step.fresh().forEach(l -> delivered.add(l.message()));
      cursor = step.next();
    }
    assertThat(delivered).hasSize(26).doesNotHaveDuplicates().endsWith("after");
    assertThat(log.asked).startsWith(10, 20, 30);
  }

  @Test
  void the_start_is_cut_to_the_millisecond() {
    assertThat(LogCursor.at(T0.plusNanos(999_999)).from()).isEqualTo(T0);
  }
}
