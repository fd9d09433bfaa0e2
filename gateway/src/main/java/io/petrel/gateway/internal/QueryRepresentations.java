package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The JSON shapes of Petrel's query API, the contract the {@code petrel} CLI reads: an invocation record and a
 * log event. Times are UTC with milliseconds ({@code 2026-11-23T16:05:00.123Z}); durations are milliseconds,
 * rounded to 0.01.
 */
final class QueryRepresentations {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private QueryRepresentations() {}

  static ObjectNode invocation(InvocationRecord r) {
    ObjectNode n = Json.object();
    n.put("RequestId", r.requestId());
    n.put("FunctionName", r.function().name());
    n.put("Qualifier", r.qualifier());
    n.put("ExecutedVersion", r.executedVersion());
    n.put("StartTime", time(r.start()));
    n.put("DurationMs", rounded(r.durationMs()));
    n.put("BilledDurationMs", r.billedDurationMs());
    n.put("MemorySizeMB", r.memorySizeMb());
    n.put("MaxMemoryUsedMB", r.maxMemoryUsedMb());
    r.initDurationMs().ifPresent(ms -> n.put("InitDurationMs", rounded(ms)));
    n.put("Outcome", r.outcome());
    r.errorType().ifPresent(t -> n.put("ErrorType", t));
    return n;
  }

  static ObjectNode logEvent(LogLine line) {
    ObjectNode n = Json.object();
    n.put("Timestamp", time(line.timestamp()));
    n.put("RequestId", line.requestId());
    n.put("Message", line.message());
    return n;
  }

  static String time(Instant t) {
    return TIME.format(t);
  }

  private static double rounded(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
