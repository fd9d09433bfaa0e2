package io.petrel.node.cli;

import io.petrel.node.cli.CommandSpec.Option;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code petrel usage}: a month's requests, GB-seconds and cost per function, with the account's free tier. */
final class UsageCommand implements Command {
  private static final CommandSpec SPEC = new CommandSpec("usage", "[options]", """
      Prints the account's usage for one calendar month (UTC): requests, GB-seconds and cost per function at
      Lambda list prices, then the totals with the monthly free tier taken off, in USD.
      """, 0, 0, List.of(
          Option.value("--month", "YYYY-MM", "the month (default: the current one)"),
          Option.value("--function", "NAME", "only this function")));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    Optional<String> month = args.value("--month");
    month.ifPresent(m -> {
      try {
        YearMonth.parse(m);
      } catch (DateTimeParseException e) {
        throw Args.usage(SPEC, "--month must be YYYY-MM, e.g. 2026-11, got '" + m + "'");
      }
    });
    Map<String, Optional<String>> query = new LinkedHashMap<>();
    query.put("month", month);
    query.put("function", args.value("--function"));
    s.out().print(Formats.usage(s.gateway().get("/petrel/v1/usage" + GatewayClient.query(query))));
  }
}
