package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code petrel functions}: every function of the account (ListFunctions, all pages) as a table. */
final class FunctionsCommand implements Command {
  private static final CommandSpec SPEC = new CommandSpec("functions", "", """
      Lists the functions: name, runtime, memory size and when $LATEST last changed.
      """, 0, 0, List.of());

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    List<JsonNode> functions = new ArrayList<>();
    Optional<String> marker = Optional.empty();
    do {
      JsonNode page = s.gateway().get("/2015-03-31/functions/" + GatewayClient.query(Map.of("Marker", marker)));
      page.path("Functions").forEach(functions::add);
      marker = Optional.ofNullable(page.get("NextMarker")).map(JsonNode::asText).filter(m -> !m.isEmpty());
    } while (marker.isPresent());
    if (functions.isEmpty()) {
      s.err().println("petrel: no functions yet; create one with petrel deploy");
      return;
    }
    s.out().print(Formats.functions(functions));
  }
}
