package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseAndLogCursorTest {
  @Test
  void data_lines_complete_an_event_at_the_blank_line_and_comments_are_skipped() {
    SseParser parser = new SseParser();
    List<String> events = new ArrayList<>();
    for (String line : List.of(": keep-alive", "", "data: {\"a\":1}", "", "event: log", "data:x", "data: y", "",
        "id: 7", "")) {
      parser.line(line).ifPresent(events::add);
    }
    assertThat(events).containsExactly("{\"a\":1}", "x\ny");
  }

  @Test
  void a_blank_line_without_data_is_no_event() {
    assertThat(new SseParser().line("")).isEqualTo(Optional.empty());
  }

  private static JsonNode event(String timestamp, String requestId, String message) {
    return GatewayClient.JSON.createObjectNode().put("Timestamp", timestamp).put("RequestId", requestId)
        .put("Message", message);
  }

  @Test
  void the_cursor_drops_lines_already_printed_when_the_tail_resumes_from_the_last_timestamp() {
    LogCursor cursor = new LogCursor();
    assertThat(cursor.since()).isEmpty();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.100Z", "r1", "a"))).isTrue();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "b"))).isTrue();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "c"))).isTrue();
    assertThat(cursor.since()).contains("2026-11-23T16:05:00.200Z");
    // a new connection sends again what happened at and after 16:05:00.200
    cursor.resume();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.100Z", "r1", "a"))).isFalse();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "b"))).isFalse();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "c"))).isFalse();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r2", "c"))).isTrue();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.300Z", "r1", "b"))).isTrue();
    assertThat(cursor.since()).contains("2026-11-23T16:05:00.300Z");
  }

  @Test
  void a_line_printed_twice_in_the_same_millisecond_is_shown_twice_and_replayed_once_each() {
    LogCursor cursor = new LogCursor();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "x"))).isTrue();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "x"))).isTrue();
    cursor.resume();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "x"))).isFalse();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "x"))).isFalse();
    assertThat(cursor.accept(event("2026-11-23T16:05:00.200Z", "r1", "x"))).isTrue();
  }
}
