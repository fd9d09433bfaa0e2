package io.petrel.gateway.internal;

import io.petrel.gateway.EventIntake;
import io.petrel.gateway.GatewaySettings;
import io.petrel.persistence.Alias;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import io.petrel.sharding.FunctionAlias;
import io.petrel.sharding.Qualifiers;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * What the control-plane operations share: the store, names and ARNs, validation, the clock, the executor for
 * CPU-heavy work (checking code packages), where Event invocations are queued (null when this node has no
 * queue), and the lookups every operation starts with.
 */
public final class ApiContext {
  public static final int DEFAULT_MAX_ITEMS = 50;
  public static final int MAX_ITEMS = 10_000;

  final GatewaySettings settings;
  final PetrelStore store;
  final FunctionNames names;
  final ConfigValidation validation;
  final Representations representations;
  final Executor heavyWork;
  final FunctionAlias.Resolver resolver;
  final FunctionAlias.Invoker invoker;
  final EventIntake intake;
  private final Clock clock;
  private final CodeLinks codeLinks;

  /** Makes the link GetFunction answers for downloading a code package of an account. */
  @FunctionalInterface
  public interface CodeLinks {
    String link(String account, String host, String rawPath);

    CodeLinks PLAIN = (account, host, rawPath) -> "http://" + host + rawPath;
  }

  /** A context without an event queue: Invoke with InvocationType Event is refused. */
  public ApiContext(GatewaySettings settings, PetrelStore store, ConfigValidation validation, Executor heavyWork,
      FunctionAlias.Resolver resolver, FunctionAlias.Invoker invoker, Clock clock) {
    this(settings, store, validation, heavyWork, resolver, invoker, null, clock);
  }

  public ApiContext(GatewaySettings settings, PetrelStore store, ConfigValidation validation, Executor heavyWork,
      FunctionAlias.Resolver resolver, FunctionAlias.Invoker invoker, EventIntake intake, Clock clock) {
    this(settings, store, validation, heavyWork, resolver, invoker, intake, clock, CodeLinks.PLAIN);
  }

  public ApiContext(GatewaySettings settings, PetrelStore store, ConfigValidation validation, Executor heavyWork,
      FunctionAlias.Resolver resolver, FunctionAlias.Invoker invoker, EventIntake intake, Clock clock,
      CodeLinks codeLinks) {
    this.codeLinks = codeLinks;
    this.intake = intake;
    this.resolver = resolver;
    this.invoker = invoker;
    this.settings = settings;
    this.store = store;
    this.names = new FunctionNames(settings.region(), settings.account());
    this.validation = validation;
    this.representations = new Representations(names);
    this.heavyWork = heavyWork;
    this.clock = clock;
  }

  /** The same context acting for {@code account}: every lookup and change stays inside that account. */
  public ApiContext forAccount(String account) {
    return account.equals(settings.account()) ? this : new ApiContext(settings.withAccount(account), store,
        validation, heavyWork, resolver, invoker, intake, clock, codeLinks);
  }

  String codeLink(String host, String rawPath) {
    return codeLinks.link(settings.account(), host, rawPath);
  }

  FunctionId id(String name) {
    return new FunctionId(settings.account(), name);
  }

  Instant now() {
    return clock.instant();
  }

  static String newRevision() {
    return UUID.randomUUID().toString();
  }

  /** The version a qualifier names: $LATEST (also when absent), a version number, or an alias's primary version. */
  CompletionStage<VersionedConfig> resolve(String name, Optional<String> qualifier) {
    return store.getFunction(id(name)).thenCompose(f -> Qualifiers.resolve(store,
            f.orElseThrow(() -> functionNotFound(name, qualifier)), qualifier.orElse(VersionedConfig.LATEST),
            Alias::functionVersion))
        .thenApply(v -> v.orElseThrow(() -> functionNotFound(name, qualifier)));
  }

  LambdaError functionNotFound(String name, Optional<String> qualifier) {
    return LambdaError.notFound("Function not found: "
        + qualifier.map(q -> names.arn(name, q)).orElse(names.arn(name)));
  }

  static boolean isVersionNumber(String q) {
    return Qualifiers.isVersionNumber(q);
  }

  static int maxItems(Optional<String> given) {
    if (given.isEmpty()) {
      return DEFAULT_MAX_ITEMS;
    }
    try {
      int n = Integer.parseInt(given.get());
      if (n >= 1 && n <= MAX_ITEMS) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw LambdaError.invalidParameter("Value '" + given.get() + "' at 'maxItems' failed to satisfy constraint:"
        + " Member must be a number between 1 and " + MAX_ITEMS);
  }

  /** Runs a step that throws LambdaError synchronously as a failed stage, so routes handle one failure path. */
  static <T> CompletionStage<T> attempt(java.util.function.Supplier<CompletionStage<T>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The failure inside the completion and execution exceptions that futures wrap it in. */
  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof java.util.concurrent.CompletionException
        || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Maps the store's expected failures to Lambda errors; anything else stays as it is. */
  static Throwable toLambdaError(Throwable error) {
    if (error instanceof StoreException.NotFound e) {
      return LambdaError.notFound(e.getMessage());
    } else if (error instanceof StoreException.AlreadyExists e) {
      return LambdaError.conflict(e.getMessage());
    } else if (error instanceof StoreException.PreconditionFailed e) {
      return LambdaError.preconditionFailed(e.getMessage());
    } else if (error instanceof StoreException.InUse e) {
      return LambdaError.conflict(e.getMessage());
    } else if (error instanceof StoreException.Unavailable e) {
      return LambdaError.unavailable(e.getMessage());
    }
    return error;
  }
}
