package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code logs --follow} has got to: the newest timestamp printed, so that a (re)connected tail can ask
 * {@code since} it, and how many times each line at that very timestamp was printed, so that the overlap a new
 * connection sends again is not printed twice while a line the function really printed twice in that millisecond
 * still is. Lines older than the newest printed one are dropped as already seen.
 *
 * <p>Example: lines a, b, b at 16:05:00.200 were printed; a new connection (after {@link #resume}) sends a, b, b,
 * b at 16:05:00.200: the first three are replays, the fourth b is new and printed.
 */
public final class LogCursor {
  private Instant newest;
  private String newestText;
  private final Map<String, Integer> printed = new HashMap<>();
  private final Map<String, Integer> sent = new HashMap<>();

  /** A new connection starts: what it sends at the newest timestamp is compared afresh with what was printed. */
  public void resume() {
    sent.clear();
  }

  /** Whether to print this event; remembers it when so. */
  public boolean accept(JsonNode event) {
    String text = event.path("Timestamp").asText("");
    Instant at;
    try {
      at = Instant.parse(text);
    } catch (DateTimeParseException e) {
      return true;
    }
    if (newest != null && at.isBefore(newest)) {
      return false;
    }
    if (newest == null || at.isAfter(newest)) {
      newest = at;
      newestText = text;
      printed.clear();
      sent.clear();
    }
    String key = event.path("RequestId").asText("") + "\u0000" + event.path("Message").asText("");
    int seen = sent.merge(key, 1, Integer::sum);
    if (seen <= printed.getOrDefault(key, 0)) {
      return false;
    }
    printed.merge(key, 1, Integer::sum);
    return true;
  }

  /** The timestamp to resume from, as the server wrote it. */
  public Optional<String> since() {
    return Optional.ofNullable(newestText);
  }
}
