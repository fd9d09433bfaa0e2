package io.petrel.sharding;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The caller's side of invocations sent to entities that may live on other nodes. An entity tells the watch which
 * node {@link Accepted} each call; when that node becomes unreachable (killed, partitioned) its calls answer
 * {@link Outcome.Unavailable} at once instead of waiting for a reply that will never come. A call no node has
 * accepted yet gives up after {@code petrel.sharding.accept-timeout}, or after {@code accept-grace} while some
 * member is unreachable or was lost within the accept timeout: it was most likely sent to the lost node (before
 * Cluster Sharding moved that node's entities) and dropped with it.
 */
public final class CallWatch {
  private static final AtomicInteger instances = new AtomicInteger();

  /** From the entity: the node that took call {@code requestId}. */
  public record Accepted(String requestId, String node) implements CborSerializable, Event {}

  /** What the watch's actor receives. */
  interface Event {}

  private record Membership(ClusterEvent.ReachabilityEvent event) implements Event {}

  private record Gone(ClusterEvent.MemberRemoved event) implements Event {}

  private enum Sweep implements Event { INSTANCE }

  private static final class Call {
    final String qualifier;
    final CompletableFuture<FunctionAlias.InvokeResult> result = new CompletableFuture<>();
    final long sentNanos = System.nanoTime();
    volatile String node;

    Call(String qualifier) {
      this.qualifier = qualifier;
    }
  }

  private final Map<String, Call> calls = new ConcurrentHashMap<>();
  /** Members now unreachable; only the watch's actor reads and writes this and lastLoss. */
  private final Set<String> unreachable = new HashSet<>();
  /** When a member last became unreachable or was removed (System.nanoTime()), 0 for never. */
  private long lastLoss;
  private final Duration acceptTimeout;
  private final Duration acceptGrace;
  private ActorRef<Accepted> acceptedTo;

  private CallWatch(Duration acceptTimeout, Duration acceptGrace) {
    this.acceptTimeout = acceptTimeout;
    this.acceptGrace = acceptGrace;
  }

  /** A watch for calls made from {@code system}, with its timeouts from {@code petrel.sharding}. */
  public static CallWatch start(ActorSystem<?> system) {
    var config = system.settings().config().getConfig("petrel.sharding");
    CallWatch watch = new CallWatch(config.getDuration("accept-timeout"), config.getDuration("accept-grace"));
    ActorRef<Event> actor = system.systemActorOf(watch.behavior(), "petrel-call-watch-" + instances.incrementAndGet(),
        Props.empty());
    watch.acceptedTo = actor.narrow();
    return watch;
  }

  /**
   * Sends a call with {@code send} (given the ref to report acceptance to) and answers its result, or
   * {@link Outcome.Unavailable} if the node that took it is lost first.
   */
  public CompletionStage<FunctionAlias.InvokeResult> watch(String requestId, String qualifier,
      Function<ActorRef<Accepted>, CompletionStage<FunctionAlias.InvokeResult>> send) {
    Call call = new Call(qualifier);
    calls.put(requestId, call);
    send.apply(acceptedTo).whenComplete((result, error) -> {
      calls.remove(requestId, call);
      if (error != null) {
        call.result.completeExceptionally(error);
      } else {
        call.result.complete(result);
      }
    });
    return call.result;
  }

  private Behavior<Event> behavior() {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Membership::new),
          ClusterEvent.ReachabilityEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberRemoved.class, Gone::new), ClusterEvent.MemberRemoved.class));
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(Sweep.INSTANCE, Duration.ofMillis(500));
        return Behaviors.receive(Event.class)
            .onMessage(Accepted.class, accepted -> {
              Call call = calls.get(accepted.requestId());
              if (call != null) {
                call.node = accepted.node();
                if (unreachable.contains(call.node)) {
                  lost(accepted.requestId(), call);
                }
              }
              return Behaviors.same();
            })
            .onMessage(Membership.class, m -> {
              String address = m.event().member().address().toString();
              if (m.event() instanceof ClusterEvent.UnreachableMember) {
                unreachable.add(address);
                lastLoss = System.nanoTime();
                loseCallsOn(address);
              } else {
                unreachable.remove(address);
              }
              return Behaviors.same();
            })
            .onMessage(Gone.class, g -> {
              String address = g.event().member().address().toString();
              unreachable.remove(address);
              lastLoss = System.nanoTime();
              loseCallsOn(address);
              return Behaviors.same();
            })
            .onMessage(Sweep.class, s -> {
              long now = System.nanoTime();
              boolean recentLoss = !unreachable.isEmpty()
                  || (lastLoss != 0 && now - lastLoss < acceptTimeout.toNanos());
              long limit = (recentLoss ? acceptGrace : acceptTimeout).toNanos();
              String why = !unreachable.isEmpty() ? " while cluster members " + new HashSet<>(unreachable)
                  + " are unreachable" : recentLoss ? " while the cluster recovers from a lost member" : "";
              calls.forEach((id, call) -> {
                if (call.node == null && now - call.sentNanos > limit) {
                  notTaken(id, call, why);
                }
              });
              return Behaviors.same();
            })
            .build();
      });
    });
  }

  private void loseCallsOn(String address) {
    calls.forEach((id, call) -> {
      if (address.equals(call.node)) {
        lost(id, call);
      }
    });
  }

  private void lost(String requestId, Call call) {
    if (calls.remove(requestId, call)) {
      call.result.complete(new FunctionAlias.InvokeResult(call.qualifier, new Outcome.Unavailable("The node running"
          + " this invocation (" + call.node + ") stopped answering; it may or may not have completed. Its"
          + " functions move to other nodes: try again"), null));
    }
  }

  private void notTaken(String requestId, Call call, String why) {
    if (calls.remove(requestId, call)) {
      long waitedMs = (System.nanoTime() - call.sentNanos) / 1_000_000;
      call.result.complete(new FunctionAlias.InvokeResult(call.qualifier, new Outcome.Unavailable("No node took"
          + " the invocation within " + waitedMs + " ms" + why + "; try again"), null));
    }
  }
}
