package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.petrel.node.cli.CommandSpec.Option;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code petrel invocations}: a function's invocation records (duration, memory, outcome) as a table. */
final class InvocationsCommand implements Command {
  private static final int DEFAULT_LIMIT = 50;

  private static final CommandSpec SPEC = new CommandSpec("invocations", "<function> [options]", """
      Lists the function's invocations, oldest first: start, request id, version, outcome, duration, billed
      duration, memory used of memory size, init duration (cold starts) and error type.
      """, 1, 1, List.of(
          Option.value("--since", "WHEN", "30s, 10m, 1h, 2d or an instant like 2026-11-23T16:05:00Z (default 1h)"),
          Option.value("--outcome", "OUTCOME", "only these: Success, FunctionError, InitError, Timeout, Crash,"
              + " OutOfMemory"),
          Option.value("--limit", "N", "at most this many (default " + DEFAULT_LIMIT + ")")));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    String function = args.positional(0).orElseThrow();
    Instant from = TimeSpec.since(SPEC, args, "1h", s.clock().instant());
    int limit = args.integer(SPEC, "--limit", 1, 10_000).orElse(DEFAULT_LIMIT);
    Map<String, Optional<String>> query = new LinkedHashMap<>();
    query.put("from", Optional.of(from.toString()));
    query.put("outcome", args.value("--outcome"));
    query.put("limit", Optional.of(Integer.toString(limit)));
    JsonNode reply = s.gateway().get("/petrel/v1/functions/" + GatewayClient.segment(function) + "/invocations"
        + GatewayClient.query(query));
    int count = reply.path("Invocations").size();
    if (count == 0) {
      s.err().println("petrel: no invocations of " + function + " since " + from
          + args.value("--outcome").map(o -> " with outcome " + o).orElse(""));
      return;
    }
    s.out().print(Formats.invocations(reply));
    if (count >= limit) {
      s.err().println("petrel: showing " + limit + " invocations; see more with --limit or fewer with --since");
    }
  }
}
