package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.PetrelStore;
import io.petrel.sharding.FunctionAlias;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What load balancers and operators ask a node: {@code GET /petrel/ready} (see {@link Readiness}) and
 * {@code GET /petrel/v1/cluster}, the cluster as this node sees it:
 * <pre>
 * {"self":"pekko://petrel@10.0.0.1:2551","leader":"pekko://petrel@10.0.0.1:2551" (or null),
 *  "members":[{"address":"...","status":"Up","roles":["dc-default"],"reachable":true,"self":true}],
 *  "shards":[{"node":"pekko://...","shards":[{"id":"12","entities":3}],"failed":[]}],
 *  "shardsFailed":["pekko://..."],
 *  "local":{"shards":[{"id":"12","entities":["000000000000/fn:$LATEST"]}],"failed":[]}}
 * </pre>
 * Members come from this node's view of the membership, sorted by address. {@code shards} counts the
 * {@link FunctionAlias} entities of every node that answered the shard coordinator within the query timeout;
 * {@code shardsFailed} lists the Up members missing from that answer (Pekko drops the whole answer when one
 * region is late, so one slow node lists them all). {@code local} names the entities this node hosts of the
 * caller's account, by their entity id {@code <account>/<function>:<qualifier>}; each {@code failed} lists shards
 * that did not report in time.
 */
public final class ClusterStatusApi {
  /** How much longer than the coordinator's own wait we wait for its answer. */
  private static final Duration ASK_MARGIN = Duration.ofSeconds(1);
  /** Shard ids are numbers: shorter first, then by text, orders them numerically. */
  private static final Comparator<String> SHARD_ORDER =
      Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final ActorRef<ClusterShardingQuery> shardState;
  private final PetrelStore store;
  private final Duration storeTimeout;
  private final Duration shardingTimeout;

  /**
   * @param storeTimeout how long readiness waits for the store's ping
   * @param shardingTimeout how long the shard queries of the cluster view wait for the shard regions
   */
  public ClusterStatusApi(ActorSystem<?> system, PetrelStore store, Duration storeTimeout, Duration shardingTimeout) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.shardState = ClusterSharding.get(system).shardState();
    this.store = store;
    this.storeTimeout = storeTimeout;
    this.shardingTimeout = shardingTimeout;
  }

  /** Readiness, judged after the store answered (or did not), so member status and shutdown are current. */
  public CompletionStage<ApiReply> ready() {
    return storeError().thenApply(error -> new Readiness(cluster.selfMember().status().toString(), error,
        CoordinatedShutdown.get(system).getShutdownReason().isPresent()).reply());
  }

  /** The cluster view as {@code account} may see it: the entities this node hosts of that account's functions. */
  public CompletionStage<ApiReply> cluster(String account) {
    CompletionStage<Map<Address, ShardRegion.ShardRegionStats>> regions = AskPattern
        .<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(shardState,
            replyTo -> new GetClusterShardingStats(FunctionAlias.ENTITY_KEY, shardingTimeout, replyTo),
            shardingTimeout.plus(ASK_MARGIN), system.scheduler())
        .thenApply(ShardRegion.ClusterShardingStats::getRegions)
        .exceptionally(late -> Map.of());
    CompletionStage<ShardRegion.CurrentShardRegionState> local = AskPattern
        .<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(shardState,
            replyTo -> new GetShardRegionState(FunctionAlias.ENTITY_KEY, replyTo), shardingTimeout,
            system.scheduler())
        .exceptionally(late -> {
          throw LambdaError.unavailable("This node's shard region did not answer within "
              + shardingTimeout.toMillis() + " ms");
        });
    return regions.thenCombine(local, (all, own) -> ApiReply.json(200, view(cluster.state(), all, own, account)));
  }

  /** Empty when the store answered its ping in time, else why not. */
  private CompletionStage<Optional<String>> storeError() {
    CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
    ApiContext.attempt(store::ping).whenComplete((ok, error) ->
        answer.complete(error == null ? Optional.empty() : Optional.of(describe(error))));
    return answer.completeOnTimeout(Optional.of("did not answer within " + storeTimeout.toMillis() + " ms"),
        storeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ObjectNode view(CurrentClusterState state, Map<Address, ShardRegion.ShardRegionStats> regions,
      ShardRegion.CurrentShardRegionState own, String account) {
    Address self = cluster.selfMember().address();
    ObjectNode body = Json.object();
    body.put("self", self.toString());
    Address leader = state.getLeader();
    if (leader == null) {
      body.putNull("leader");
    } else {
      body.put("leader", leader.toString());
    }

    List<Member> members = StreamSupport.stream(state.getMembers().spliterator(), false)
        .sorted(Member.ordering())
        .toList();
    Set<Address> unreachable = state.getUnreachable().stream().map(Member::address).collect(Collectors.toSet());
    ArrayNode memberNodes = body.putArray("members");
    for (Member m : members) {
      ObjectNode node = memberNodes.addObject();
      node.put("address", m.address().toString());
      node.put("status", m.status().toString());
      ArrayNode roles = node.putArray("roles");
      m.getRoles().stream().sorted().forEach(roles::add);
      node.put("reachable", !unreachable.contains(m.address()));
      node.put("self", m.address().equals(self));
    }

    ArrayNode shards = body.putArray("shards");
    regions.keySet().stream().sorted(Member.addressOrdering()).forEach(address -> {
      ShardRegion.ShardRegionStats stats = regions.get(address);
      ObjectNode node = shards.addObject();
      node.put("node", address.toString());
      ArrayNode counts = node.putArray("shards");
      stats.getStats().keySet().stream().sorted(SHARD_ORDER).forEach(id -> counts.addObject()
          .put("id", id)
          .put("entities", ((Number) stats.getStats().get(id)).intValue()));
      addSorted(node.putArray("failed"), stats.getFailed());
    });
    ArrayNode failed = body.putArray("shardsFailed");
    members.stream()
        .filter(m -> m.status().equals(MemberStatus.up()) && !regions.containsKey(m.address()))
        .forEach(m -> failed.add(m.address().toString()));

    ObjectNode local = body.putObject("local");
    ArrayNode localShards = local.putArray("shards");
    own.getShards().stream()
        .sorted(Comparator.comparing(ShardRegion.ShardState::shardId, SHARD_ORDER))
        .forEach(shard -> {
          ArrayNode entities = localShards.addObject().put("id", shard.shardId()).putArray("entities");
          shard.getEntityIds().stream().filter(id -> id.startsWith(account + "/")).sorted().forEach(entities::add);
        });
    addSorted(local.putArray("failed"), own.getFailed());
    return body;
  }

  /** Adds shard ids in their numeric order. */
  private static void addSorted(ArrayNode array, Set<String> values) {
    values.stream().sorted(SHARD_ORDER).forEach(array::add);
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
