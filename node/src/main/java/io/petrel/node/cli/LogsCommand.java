package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.node.cli.CommandSpec.Option;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code petrel logs}: a function's stored log lines since a point in time, one {@code Timestamp RequestId
 * Message} line each; with {@code --follow}, then the live tail as server-sent events, reconnecting from the
 * last line printed whenever the stream ends, until Ctrl-C.
 */
final class LogsCommand implements Command {
  private static final int DEFAULT_LIMIT = 1000;
  private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

  private static final CommandSpec SPEC = new CommandSpec("logs", "<function> [options]", """
      Prints the function's log lines (its output and the START/END/REPORT lines), oldest first.
      """, 1, 1, List.of(
          Option.flag("--follow", "then keep printing new lines as they come, until Ctrl-C"),
          Option.value("--since", "WHEN", "30s, 10m, 1h, 2d or an instant like 2026-11-23T16:05:00Z (default 1h)"),
          Option.value("--request-id", "ID", "only the lines of this invocation (at any time unless --since)"),
          Option.value("--filter", "PATTERN", "CloudWatch-style terms: ERROR timeout, \"a phrase\", -DEBUG,"
              + " ?ERROR ?WARN"),
          Option.value("--limit", "N", "at most this many stored lines (default " + DEFAULT_LIMIT + ")")));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    String function = args.positional(0).orElseThrow();
    Instant from = TimeSpec.since(SPEC, args, "1h", s.clock().instant());
    // The lines of one invocation are found by its id alone, unless a time was asked for too.
    boolean byTime = args.value("--request-id").isEmpty() || args.value("--since").isPresent();
    int limit = args.integer(SPEC, "--limit", 1, 10_000).orElse(DEFAULT_LIMIT);
    Optional<String> requestId = args.value("--request-id");
    Optional<String> filter = args.value("--filter");
    String base = "/petrel/v1/functions/" + GatewayClient.segment(function) + "/logs";

    Map<String, Optional<String>> query = new LinkedHashMap<>();
    query.put("from", byTime ? Optional.of(from.toString()) : Optional.empty());
    query.put("requestId", requestId);
    query.put("filter", filter);
    query.put("limit", Optional.of(Integer.toString(limit)));
    String path = base + GatewayClient.query(query);
    GatewayClient.Reply answer = s.gateway().fetch(path);
    JsonNode reply = GatewayClient.parse(path, answer);
    LogCursor cursor = new LogCursor();
    int count = 0;
    for (JsonNode event : reply.path("Events")) {
      count++;
      if (cursor.accept(event)) {
        s.out().println(Formats.logLine(event));
      }
    }
    s.out().flush();
    if (answer.header("X-Petrel-Search-Truncated").filter("true"::equalsIgnoreCase).isPresent()) {
      s.err().println("petrel: the node stopped searching early (too many lines to filter); narrow --since");
    }
    if (!args.flag("--follow")) {
      if (count >= limit) {
        s.err().println("petrel: showing the first " + limit + " lines; narrow with --since, --filter or"
            + " --request-id, or raise --limit");
      }
      return;
    }
    follow(s, base + "/tail", cursor, from, requestId, filter);
  }

  private static void follow(Session s, String path, LogCursor cursor, Instant from, Optional<String> requestId,
      Optional<String> filter) {
    while (true) {
      Map<String, Optional<String>> query = new LinkedHashMap<>();
      query.put("since", Optional.of(cursor.since().orElse(from.toString())));
      query.put("filter", filter);
      SseParser parser = new SseParser();
      cursor.resume();
      s.gateway().lines(path + GatewayClient.query(query), line -> parser.line(line).ifPresent(data -> {
        JsonNode event = parse(data);
        if (event != null && requestId.map(id -> id.equals(event.path("RequestId").asText())).orElse(true)
            && cursor.accept(event)) {
          s.out().println(Formats.logLine(event));
          s.out().flush();
        }
      }));
      try {
        Thread.sleep(RECONNECT_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static JsonNode parse(String data) {
    try {
      JsonNode event = GatewayClient.JSON.readTree(data);
      return event != null && event.isObject() ? event : null;
    } catch (IOException e) {
      return null;
    }
  }
}
