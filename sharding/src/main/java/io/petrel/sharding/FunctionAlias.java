package io.petrel.sharding;

import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionStore;
import io.petrel.persistence.VersionedConfig;
import java.time.Duration;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The sharded entity of one function qualifier ($LATEST, a version or an alias), id
 * {@code <account>/<function>:<qualifier>}. It resolves the qualifier to the version that runs a call, reading
 * configuration from the store on every request, so a change made through any node applies to the next call.
 * Invocation through worker pools builds on this entity.
 */
public final class FunctionAlias extends AbstractBehavior<FunctionAlias.Command> {
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "FunctionAlias");

  public sealed interface Command extends CborSerializable {}

  /** Which version would run a call now. */
  public record Resolve(ActorRef<Resolution> replyTo) implements Command {}

  private record Answer(Resolution resolution, ActorRef<Resolution> replyTo) implements Command {}

  public sealed interface Resolution extends CborSerializable {}

  public record Resolved(String executedVersion) implements Resolution {}

  public record Missing(String message) implements Resolution {}

  /** Resolves through the sharded entities; what the gateway calls. */
  @FunctionalInterface
  public interface Resolver {
    CompletionStage<Resolution> resolve(FunctionId function, String qualifier, Duration timeout);
  }

  private final FunctionStore store;
  private final FunctionId function;
  private final String qualifier;

  private FunctionAlias(ActorContext<Command> context, FunctionStore store, FunctionId function, String qualifier) {
    super(context);
    this.store = store;
    this.function = function;
    this.qualifier = qualifier;
  }

  public static Behavior<Command> create(FunctionStore store, String entityId) {
    int slash = entityId.indexOf('/');
    int colon = entityId.lastIndexOf(':');
    FunctionId function = new FunctionId(entityId.substring(0, slash), entityId.substring(slash + 1, colon));
    String qualifier = entityId.substring(colon + 1);
    return Behaviors.setup(ctx -> new FunctionAlias(ctx, store, function, qualifier));
  }

  public static void init(ActorSystem<?> system, FunctionStore store) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(store, ctx.getEntityId())));
  }

  public static String entityId(FunctionId function, String qualifier) {
    return function.account() + "/" + function.name() + ":" + qualifier;
  }

  public static Resolver resolver(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (function, qualifier, timeout) -> sharding.entityRefFor(ENTITY_KEY, entityId(function, qualifier))
        .ask(Resolve::new, timeout);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Resolve.class, this::onResolve)
        .onMessage(Answer.class, this::onAnswer)
        .build();
  }

  private Behavior<Command> onResolve(Resolve command) {
    getContext().pipeToSelf(resolve(), (resolution, error) -> new Answer(
        error == null ? resolution : new Missing("Function could not be resolved: " + error.getMessage()),
        command.replyTo()));
    return this;
  }

  private Behavior<Command> onAnswer(Answer answer) {
    answer.replyTo().tell(answer.resolution());
    return this;
  }

  private CompletionStage<Resolution> resolve() {
    if (qualifier.equals(VersionedConfig.LATEST)) {
      return store.getFunction(function).thenApply(f -> f.isPresent()
          ? new Resolved(VersionedConfig.LATEST) : missing());
    }
    if (qualifier.matches("[1-9][0-9]{0,18}")) {
      return store.getVersion(function, Long.parseLong(qualifier)).thenApply(v -> v.isPresent()
          ? new Resolved(qualifier) : missing());
    }
    return store.getAlias(function, qualifier).thenCompose(alias -> alias.isEmpty()
        ? CompletableFuture.completedFuture(missing())
        : CompletableFuture.completedFuture((Resolution) new Resolved(
            WeightedRouting.choose(alias.get(), ThreadLocalRandom.current().nextDouble()))));
  }

  private Missing missing() {
    return new Missing("Function not found: " + function.name() + ":" + qualifier);
  }
}
