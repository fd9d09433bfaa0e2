package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code petrel cluster}: the members as the node asked sees them, with the functions each one hosts. */
final class ClusterCommand implements Command {
  private static final CommandSpec SPEC = new CommandSpec("cluster", "", """
      Lists the cluster's members as the node asked sees them: address, status, whether it reaches them, the
      shards and function entities each hosts, and which is the leader and which is the node asked.
      """, 0, 0, List.of());

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    JsonNode view = s.gateway().get("/petrel/v1/cluster");
    Map<String, int[]> hosted = new HashMap<>(); // address -> {shards, entities}
    view.path("shards").forEach(node -> {
      int[] counts = hosted.computeIfAbsent(node.path("node").asText(), a -> new int[2]);
      node.path("shards").forEach(shard -> {
        counts[0]++;
        counts[1] += shard.path("entities").asInt();
      });
    });
    String leader = view.path("leader").asText("");
    Table table = Table.of("MEMBER", "STATUS", "REACHABLE", "SHARDS>", "FUNCTIONS>", "");
    view.path("members").forEach(m -> {
      String address = m.path("address").asText();
      int[] counts = hosted.getOrDefault(address, new int[2]);
      String notes = (address.equals(leader) ? "leader " : "") + (m.path("self").asBoolean() ? "(asked)" : "");
      table.row(address, m.path("status").asText(), m.path("reachable").asBoolean() ? "yes" : "NO",
          Integer.toString(counts[0]), Integer.toString(counts[1]), notes.strip());
    });
    s.out().print(table.render());
    if (view.path("shardsFailed").size() > 0) {
      s.err().println("petrel: these members did not report their shards in time: " + view.path("shardsFailed"));
    }
  }
}
