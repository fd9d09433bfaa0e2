package io.petrel.sharding;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The sharded entity of one function qualifier ($LATEST, a version or an alias), id
 * {@code <account>/<function>:<qualifier>}. For each invocation it reads the configuration from the store (so a
 * change made through any node applies to the next call), picks the version (alias weights), and hands the call
 * to an idle worker of exactly that configuration, or starts one, or queues or throttles it ({@link PoolPolicy}).
 * Idle workers stop after the keep-alive; workers of a replaced configuration retire when they are next free.
 *
 * <p>When Cluster Sharding moves the entity away (a node leaving, a rebalance) it receives {@link HandOff} and
 * stops only once the invocations it accepted have finished, each bounded by its function's timeout.
 */
public final class FunctionAlias extends AbstractBehavior<FunctionAlias.Command> {
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "FunctionAlias");

  public sealed interface Command extends CborSerializable {}

  /** Which version would run a call now (DryRun). */
  public record Resolve(ActorRef<Resolution> replyTo) implements Command {}

  /**
   * Run a call. {@code acceptedTo}, when not null, is told at once which node took the call, so that the caller can
   * give up on it if that node is lost ({@link CallWatch}).
   */
  public record Invoke(Invocation invocation, ActorRef<InvokeResult> replyTo, ActorRef<CallWatch.Accepted> acceptedTo)
      implements Command {}

  /** Sharding's stop message: finish what was accepted, then stop. */
  public enum HandOff implements Command { INSTANCE }

  /** The answer to Invoke; {@code logTail} is base64 of the last 4 KB of the log when asked for. */
  public record InvokeResult(String executedVersion, Outcome outcome, String logTail) implements CborSerializable {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Resolved.class, name = "Resolved"),
      @JsonSubTypes.Type(value = Missing.class, name = "Missing")})
  public sealed interface Resolution extends CborSerializable {}

  public record Resolved(String executedVersion) implements Resolution {}

  public record Missing(String message) implements Resolution {}

  record WorkerFree(ActorRef<Worker.Command> worker) implements Command {}

  record WorkerGone(ActorRef<Worker.Command> worker) implements Command {}

  private record Answer(Resolution resolution, ActorRef<Resolution> replyTo) implements Command {}

  private record Target(Worker.Spec spec, int limit, boolean reserved) {}

  /** Where an invocation goes ({@code unavailable}: the store could not be read); queuedSince: nanoTime or 0. */
  private record Routed(Invoke invoke, Target target, String missing, boolean unavailable, long queuedSince)
      implements Command {}

  private record IdleExpired(ActorRef<Worker.Command> worker) implements Command {}

  /** The node's memory budget asks for this idle environment to be stopped. */
  record EvictIdle(ActorRef<Worker.Command> worker) implements Command {}

  private enum RetryQueued implements Command { INSTANCE }

  /** Resolves through the sharded entities; what the gateway calls. */
  @FunctionalInterface
  public interface Resolver {
    CompletionStage<Resolution> resolve(FunctionId function, String qualifier, Duration timeout);
  }

  /** Invokes through the sharded entities; what the gateway calls. */
  @FunctionalInterface
  public interface Invoker {
    CompletionStage<InvokeResult> invoke(FunctionId function, String qualifier, Invocation invocation,
        Duration timeout);
  }

  private record WorkerState(String key, boolean busy) {}

  private final ExecutionServices services;
  private final FunctionId function;
  private final String qualifier;
  private final TimerScheduler<Command> timers;
  private final Map<ActorRef<Worker.Command>, WorkerState> workers = new HashMap<>();
  private final Map<String, Deque<ActorRef<Worker.Command>>> idle = new HashMap<>();
  private final Deque<Routed> queue = new ArrayDeque<>();
  /** Where the last invocation that could be routed went; used while the store cannot be read. */
  private Target lastTarget;
  /** The address of this node, told to callers when a call is accepted. */
  private final String node;
  /** Invocations whose route is being looked up (a Routed message will follow). */
  private int routing;
  /** Sharding asked the entity to stop; it does once nothing it accepted is left. */
  private boolean handingOff;

  private FunctionAlias(ActorContext<Command> context, TimerScheduler<Command> timers, ExecutionServices services,
      FunctionId function, String qualifier) {
    super(context);
    this.timers = timers;
    this.services = services;
    this.function = function;
    this.qualifier = qualifier;
    this.node = org.apache.pekko.cluster.typed.Cluster.get(context.getSystem()).selfMember().address().toString();
  }

  public static Behavior<Command> create(ExecutionServices services, String entityId) {
    int slash = entityId.indexOf('/');
    int colon = entityId.lastIndexOf(':');
    FunctionId function = new FunctionId(entityId.substring(0, slash), entityId.substring(slash + 1, colon));
    String qualifier = entityId.substring(colon + 1);
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new FunctionAlias(ctx, timers, services, function, qualifier)));
  }

  public static void init(ActorSystem<?> system, ExecutionServices services) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(services, ctx.getEntityId()))
        .withStopMessage(HandOff.INSTANCE));
  }

  public static String entityId(FunctionId function, String qualifier) {
    return function.account() + "/" + function.name() + ":" + qualifier;
  }

  public static Resolver resolver(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (function, qualifier, timeout) -> sharding.entityRefFor(ENTITY_KEY, entityId(function, qualifier))
        .ask(Resolve::new, timeout);
  }

  /**
   * Invokes through the sharded entities, wherever they run. A call whose entity's node becomes unreachable answers
   * {@link Outcome.Unavailable} instead of waiting out {@code timeout} (see {@link CallWatch}).
   */
  public static Invoker invoker(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    CallWatch watch = CallWatch.start(system);
    return (function, qualifier, invocation, timeout) -> watch.watch(invocation.requestId(), qualifier,
        accepted -> sharding.entityRefFor(ENTITY_KEY, entityId(function, qualifier))
            .ask(replyTo -> new Invoke(invocation, replyTo, accepted), timeout));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Resolve.class, this::onResolve)
        .onMessage(Answer.class, this::onAnswer)
        .onMessage(Invoke.class, this::onInvoke)
        .onMessage(Routed.class, this::onRouted)
        .onMessage(WorkerFree.class, this::onWorkerFree)
        .onMessage(WorkerGone.class, this::onWorkerGone)
        .onMessage(IdleExpired.class, this::onIdleExpired)
        .onMessage(EvictIdle.class, this::onEvictIdle)
        .onMessageEquals(RetryQueued.INSTANCE, () -> {
          drainQueue();
          return this;
        })
        .onMessageEquals(HandOff.INSTANCE, () -> {
          handingOff = true;
          return stopIfDone();
        })
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
          // Only a forced stop leaves calls here: their callers hear it now rather than at their timeout.
          queue.forEach(r -> r.invoke().replyTo().tell(new InvokeResult(qualifier, new Outcome.Unavailable(
              "The function's entity was stopped while the invocation waited for an environment; try again"), null)));
          workers.forEach((worker, state) -> {
            services.memory().release(worker);
            if (state.busy()) {
              services.concurrency().finished(function);
              metrics().finished();
            }
          });
          services.metrics().entityStopped(function, qualifier);
          return this;
        })
        .build();
  }

  private Behavior<Command> onResolve(Resolve command) {
    routing++;
    getContext().pipeToSelf(route(), (target, error) -> new Answer(error != null
        ? new Missing("Function could not be resolved: " + error.getMessage())
        : target.map(t -> (Resolution) new Resolved(t.spec().version())).orElseGet(this::missing),
        command.replyTo()));
    return this;
  }

  private Behavior<Command> onAnswer(Answer answer) {
    routing--;
    answer.replyTo().tell(answer.resolution());
    return handingOff ? stopIfDone() : this;
  }

  private Behavior<Command> onInvoke(Invoke invoke) {
    if (invoke.acceptedTo() != null) {
      invoke.acceptedTo().tell(new CallWatch.Accepted(invoke.invocation().requestId(), node));
    }
    routing++;
    getContext().pipeToSelf(services.metrics().timedLookup(this::route), (target, error) -> {
      if (error == null) {
        return new Routed(invoke, target.orElse(null), null, false, 0);
      }
      Throwable cause = rootCause(error);
      if (!(cause instanceof StoreException)) {
        // not a missing function but a configuration this node cannot read (say, with another environment key)
        invoke.replyTo().tell(new InvokeResult(qualifier, new Outcome.PlatformError("The configuration of "
            + function.name() + ":" + qualifier + " could not be read on this node: " + cause.getMessage()), null));
        return new Routed(invoke, null, null, false, -1);
      }
      return new Routed(invoke, null, "Function could not be resolved: " + cause.getMessage(),
          cause instanceof StoreException.Unavailable, 0);
    });
    return this;
  }

  private Behavior<Command> onRouted(Routed routed) {
    routing--;
    if (routed.queuedSince() < 0) {
      return handingOff ? stopIfDone() : this; // already answered
    }
    run(routed);
    return handingOff ? stopIfDone() : this;
  }

  /** Stops the entity once it was handed off and no call it accepted is left. */
  private Behavior<Command> stopIfDone() {
    boolean busy = workers.values().stream().anyMatch(WorkerState::busy);
    return routing == 0 && queue.isEmpty() && !busy ? Behaviors.stopped() : this;
  }

  private void run(Routed routed) {
    if (routed.queuedSince() != 0) {
      metrics().unqueued(routed.queuedSince()); // decided again: it leaves the queue unless it waits on
    }
    if (routed.unavailable()) {
      // The store is away: a function that ran here keeps running with the configuration it ran with.
      if (lastTarget == null) {
        routed.invoke().replyTo().tell(new InvokeResult(qualifier, new Outcome.Unavailable("The function store is"
            + " unavailable and " + function.name() + ":" + qualifier + " has not run on this node yet; try again"
            + " later"), null));
        return;
      }
      routed = new Routed(routed.invoke(), lastTarget, null, false, routed.queuedSince());
    } else {
      lastTarget = routed.target();
    }
    if (routed.target() == null) {
      String why = routed.missing() != null ? routed.missing() : missing().message();
      routed.invoke().replyTo().tell(new InvokeResult(qualifier, new Outcome.NotFound(why), null));
      return;
    }
    String key = key(routed.target().spec());
    Deque<ActorRef<Worker.Command>> ready = idle.getOrDefault(key, new ArrayDeque<>());
    // Reserved concurrency limits the whole function; the node default limits this qualifier.
    int running = routed.target().reserved() ? services.concurrency().running(function)
        : (int) workers.values().stream().filter(WorkerState::busy).count();
    switch (PoolPolicy.decide(running, routed.target().limit(), routed.target().reserved(), queue.size(),
        services.settings().queueLimit())) {
      case RUN -> {
        if (ready.isEmpty()) {
          startWithinBudget(routed, key);
        } else {
          ActorRef<Worker.Command> worker = ready.pop();
          timers.cancel(worker);
          services.memory().markBusy(worker);
          services.concurrency().started(function);
          metrics().started();
          workers.put(worker, new WorkerState(key, true));
          worker.tell(new Worker.Run(routed.invoke().invocation(), routed.invoke().replyTo()));
        }
      }
      case QUEUE -> enqueue(routed);
      case THROTTLE_RESERVED -> throttle(routed, "ReservedFunctionConcurrentInvocationLimitExceeded",
          "Rate Exceeded.");
      case THROTTLE_QUEUE_FULL -> throttle(routed, "ConcurrentInvocationLimitExceeded", "Rate Exceeded.");
      default -> throw new IllegalStateException();
    }
  }

  /**
   * Starts an environment if its memory fits the node's budget. If not, the least recently used idle environments
   * of the node are asked to stop and the call waits in the queue for the room; with nothing to stop, it is
   * throttled.
   */
  private void startWithinBudget(Routed routed, String key) {
    int memory = routed.target().spec().config().memorySizeMb();
    if (services.memory().tryReserve(memory)) {
      startWorker(routed, key, memory);
    } else if (services.memory().evictFor(memory) && queue.size() < services.settings().queueLimit()) {
      enqueue(routed);
      timers.startSingleTimer(RetryQueued.INSTANCE, RetryQueued.INSTANCE, Duration.ofMillis(20));
    } else {
      throttle(routed, "ConcurrentInvocationLimitExceeded", "Rate Exceeded: this node's memory for execution"
          + " environments (" + services.memory().totalMb() + " MB) is in use");
    }
  }

  private void startWorker(Routed routed, String key, int memory) {
    // Idle workers of an older configuration of this version (a replaced $LATEST) will never be used again.
    retireStale(routed.target().spec().version(), key);
    ActorRef<Worker.Command> worker = getContext().spawnAnonymous(Worker.create(services, routed.target().spec(),
        new Worker.Run(routed.invoke().invocation(), routed.invoke().replyTo()), getContext().getSelf(),
        metrics()));
    getContext().watchWith(worker, new WorkerGone(worker));
    services.memory().track(worker, memory, getContext().getSelf());
    services.concurrency().started(function);
    metrics().started();
    workers.put(worker, new WorkerState(key, true));
  }

  private void enqueue(Routed r) {
    queue.add(new Routed(r.invoke(), r.target(), r.missing(), r.unavailable(), metrics().queued(r.queuedSince())));
  }

  private void throttle(Routed routed, String reason, String message) {
    metrics().throttled(reason);
    routed.invoke().replyTo().tell(new InvokeResult(routed.target().spec().version(),
        new Outcome.Throttled(reason, message), null));
  }

  private Behavior<Command> onWorkerFree(WorkerFree free) {
    WorkerState state = workers.get(free.worker());
    if (state == null) {
      return this;
    }
    if (state.busy()) {
      services.concurrency().finished(function);
      metrics().finished();
    }
    workers.put(free.worker(), new WorkerState(state.key(), false));
    services.memory().markIdle(free.worker());
    idle.computeIfAbsent(state.key(), k -> new ArrayDeque<>()).push(free.worker());
    timers.startSingleTimer(free.worker(), new IdleExpired(free.worker()), services.settings().keepAlive());
    drainQueue();
    return handingOff ? stopIfDone() : this;
  }

  private Behavior<Command> onWorkerGone(WorkerGone gone) {
    WorkerState state = workers.remove(gone.worker());
    services.memory().release(gone.worker());
    if (state != null && state.busy()) {
      services.concurrency().finished(function);
      metrics().finished();
    }
    if (state != null) {
      Deque<ActorRef<Worker.Command>> ready = idle.get(state.key());
      if (ready != null) {
        ready.remove(gone.worker());
      }
      timers.cancel(gone.worker());
    }
    drainQueue();
    return handingOff ? stopIfDone() : this;
  }

  private Behavior<Command> onIdleExpired(IdleExpired expired) {
    WorkerState state = workers.get(expired.worker());
    if (state != null && !state.busy()) {
      stopWorker(expired.worker(), state);
    }
    return this;
  }

  private Behavior<Command> onEvictIdle(EvictIdle evict) {
    WorkerState state = workers.get(evict.worker());
    if (state != null && !state.busy()) {
      stopWorker(evict.worker(), state);
    } else {
      services.memory().evictionDeclined(evict.worker());
    }
    return this;
  }

  private void drainQueue() {
    List<Routed> waiting = new ArrayList<>(queue);
    queue.clear();
    routing += waiting.size();
    waiting.forEach(r -> getContext().getSelf().tell(r));
  }

  private void retireStale(String version, String key) {
    for (Map.Entry<ActorRef<Worker.Command>, WorkerState> e : new ArrayList<>(workers.entrySet())) {
      WorkerState s = e.getValue();
      if (!s.busy() && s.key().startsWith(version + "/") && !s.key().equals(key)) {
        stopWorker(e.getKey(), e.getValue());
      }
    }
  }

  private void stopWorker(ActorRef<Worker.Command> worker, WorkerState state) {
    workers.remove(worker);
    services.memory().release(worker);
    Deque<ActorRef<Worker.Command>> ready = idle.get(state.key());
    if (ready != null) {
      ready.remove(worker);
    }
    timers.cancel(worker);
    getContext().stop(worker);
  }

  /** The version that runs now, with its configuration and the concurrency limit that applies. */
  private static Throwable rootCause(Throwable error) {
    Throwable cause = error;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private CompletionStage<Optional<Target>> route() {
    return services.store().getFunction(function).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      FunctionDefinition def = found.get();
      boolean reserved = def.reservedConcurrency().isPresent();
      int limit = reserved ? def.reservedConcurrency().getAsInt() : services.settings().defaultConcurrency();
      String arn = "arn:aws:lambda:" + services.settings().region() + ":" + function.account() + ":function:"
          + function.name() + (qualifier.equals(VersionedConfig.LATEST) ? "" : ":" + qualifier);
      return Qualifiers.resolve(services.store(), def, qualifier,
              alias -> WeightedRouting.choose(alias, ThreadLocalRandom.current().nextDouble()))
          .thenApply(v -> v.map(version ->
              new Target(new Worker.Spec(function, version.version(), version.config(), arn), limit, reserved)));
    });
  }

  /** This qualifier's meters; asked for only once an invocation found the function (no series for unknown names). */
  private FunctionMetrics metrics() {
    return services.metrics().function(function, qualifier);
  }

  /** Workers are reused only for exactly the configuration they were started with. */
  private static String key(Worker.Spec spec) {
    FunctionConfig c = spec.config();
    return spec.version() + "/" + c.revisionId();
  }

  private Missing missing() {
    return new Missing("Function not found: " + function.name() + ":" + qualifier);
  }
}
