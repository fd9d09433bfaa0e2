package io.petrel.gateway.internal;

import static io.petrel.gateway.internal.LogCursorTest.T0;
import static io.petrel.gateway.internal.LogCursorTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.LogLine;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogSearchTest {
  private static final Instant END = T0.plusSeconds(3600);

  private final LogCursorTest.MemoryLog log = new LogCursorTest.MemoryLog();

  @Test
  void without_a_filter_one_read_of_limit_lines_answers() {
    for (int i = 0; i < 30; i++) {
      log.add(line(i, "line " + i));
    }
    LogSearch.Result result = new LogSearch(log, 10, 1000).find(T0, END, LogFilter.ALL, 5).toCompletableFuture().join();
    assertThat(result.lines()).extracting(LogLine::message).containsExactly("line 0", "line 1", "line 2", "line 3",
        "line 4");
    assertThat(result.truncated()).isFalse();
    assertThat(log.asked).containsExactly(5);
  }

  @Test
  void a_filter_reads_page_after_page_until_the_limit_matched() {
    for (int i = 0; i < 100; i++) {
      log.add(line(i, (i % 10 == 9 ? "hit " : "miss ") + i));
    }
    LogSearch.Result result = new LogSearch(log, 10, 1000).find(T0, END, LogFilter.parse("hit"), 3)
        .toCompletableFuture().join();
    assertThat(result.lines()).extracting(LogLine::message).containsExactly("hit 9", "hit 19", "hit 29");
    assertThat(result.truncated()).isFalse();
    assertThat(log.asked).hasSize(3);
  }

  @Test
  void a_filter_stops_at_the_end_of_the_range_with_fewer_matches() {
    for (int i = 0; i < 25; i++) {
      log.add(line(i, i == 12 ? "hit" : "miss"));
    }
    log.add(line(5000, "hit after the range"));
    LogSearch.Result result = new LogSearch(log, 10, 1000).find(T0, T0.plusSeconds(1), LogFilter.parse("hit"), 10)
        .toCompletableFuture().join();
    assertThat(result.lines()).extracting(LogLine::message).containsExactly("hit");
    assertThat(result.truncated()).isFalse();
  }

  @Test
  void lines_sharing_a_millisecond_across_pages_are_each_considered_once() {
    for (int i = 0; i < 15; i++) {
      log.add(line(0, "hit " + i));
    }
    LogSearch.Result result = new LogSearch(log, 4, 1000).find(T0, END, LogFilter.parse("hit"), 100)
        .toCompletableFuture().join();
    assertThat(result.lines()).hasSize(15).doesNotHaveDuplicates();
  }

  @Test
  void the_scan_stops_at_its_cap_and_says_the_answer_is_truncated() {
    for (int i = 0; i < 500; i++) {
      log.add(line(i, "miss"));
    }
    log.add(line(600, "hit"));
    LogSearch.Result result = new LogSearch(log, 10, 100).find(T0, END, LogFilter.parse("hit"), 1)
        .toCompletableFuture().join();
    assertThat(result.lines()).isEmpty();
    assertThat(result.truncated()).isTrue();
    assertThat(log.asked.stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(100 + 10 * 10);
  }
}
