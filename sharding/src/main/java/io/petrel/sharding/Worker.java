package io.petrel.sharding;

import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import io.petrel.sharding.internal.Environment;
import io.petrel.sharding.internal.LaunchPlan;
import io.petrel.sharding.internal.RuntimeApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one execution environment of one function version. It is created with its first invocation (a cold
 * start: fetch code, start the runtime, wait for its first poll), then runs one invocation at a time. It
 * enforces the timeout (the environment is destroyed), turns a crash into Runtime.ExitError, retires an environment
 * that reached its process limit once its invocation is over, writes START / END / REPORT log lines, the log lines
 * and an invocation record (counted in the entity's meters as it is written), and tells its entity when it is free
 * or gone.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

  public sealed interface Command {}

  /** Run one invocation; the worker must be idle. */
  public record Run(Invocation invocation, ActorRef<FunctionAlias.InvokeResult> replyTo) implements Command {}

  private record Started(Environment environment, double initDurationMs) implements Command {}

  private record StartFailed(String errorType, String message, byte[] body) implements Command {}

  private record Answered(RuntimeApi.Result result) implements Command {}

  private record Exited(int exitCode) implements Command {}

  private enum TimedOut implements Command { INSTANCE }

  /** What a worker runs: one version's configuration. */
  public record Spec(FunctionId function, String version, FunctionConfig config, String invokedArn) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final ExecutionServices services;
  private final Spec spec;
  private final ActorRef<FunctionAlias.Command> entity;
  private final FunctionMetrics metrics;
  private final TimerScheduler<Command> timers;
  private final String logStream;
  /** Set when this worker stops: a start still waiting for its turn is then skipped. */
  private final java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
  private PetrelMetrics.EnvironmentState state;
  private Environment environment;
  private Double pendingInitMs;
  // the invocation in progress
  private Run current;
  private long currentStartNanos;
  private Instant currentStart;

  private Worker(ActorContext<Command> ctx, TimerScheduler<Command> timers, ExecutionServices services, Spec spec,
      ActorRef<FunctionAlias.Command> entity, FunctionMetrics metrics) {
    super(ctx);
    this.timers = timers;
    this.services = services;
    this.spec = spec;
    this.entity = entity;
    this.metrics = metrics;
    this.logStream = Instant.now().toString().substring(0, 10).replace('-', '/') + "/[" + spec.version() + "]"
        + UUID.randomUUID().toString().replace("-", "");
  }

  /** A worker whose invocations count in {@code metrics}, those of the qualifier its entity serves. */
  static Behavior<Command> create(ExecutionServices services, Spec spec, Run first,
      ActorRef<FunctionAlias.Command> entity, FunctionMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Worker worker = new Worker(ctx, timers, services, spec, entity, metrics);
      worker.startEnvironment(first);
      return worker;
    }));
  }

  private void startEnvironment(Run first) {
    become(PetrelMetrics.EnvironmentState.STARTING);
    current = first;
    currentStartNanos = System.nanoTime();
    currentStart = Instant.now();
    timers.startSingleTimer(TimedOut.INSTANCE, TimedOut.INSTANCE,
        Duration.ofSeconds(spec.config().timeoutSeconds()).plusSeconds(10));
    getContext().pipeToSelf(launch(), (started, error) -> error == null ? started
        : new StartFailed("Runtime.InitError", rootMessage(error), null));
  }

  private CompletionStage<Command> launch() {
    RuntimeCatalog.Runtime runtime = services.runtimes().find(spec.config().runtime()).orElse(null);
    if (runtime == null) {
      return CompletableFuture.completedFuture(new StartFailed("Runtime.InvalidRuntime",
          "The runtime " + spec.config().runtime() + " is not available on this node", null));
    }
    var system = getContext().getSystem();
    String firstRequestId = current.invocation().requestId();
    // One start at a time of the node's few: a worker that timed out or stopped while waiting starts nothing, and
    // an environment that came up after its worker was gone is stopped again.
    return services.starts().enter().thenCompose(turn -> abandoned.get()
        ? CompletableFuture.completedFuture((Command) new StartFailed("Runtime.InitError",
            "The execution environment was no longer needed when its turn to start came", null))
        : launch(runtime, system, firstRequestId))
        .whenComplete((command, error) -> {
          services.starts().leave();
          if (abandoned.get() && command instanceof Started started) {
            started.environment().destroy();
          }
        });
  }

  private CompletionStage<Command> launch(RuntimeCatalog.Runtime runtime,
      org.apache.pekko.actor.typed.ActorSystem<Void> system, String firstRequestId) {
    return services.code().folder(spec.config().codeSha256()).thenCompose(taskRoot ->
        RuntimeApi.start(system, services.settings().maxPayloadBytes()).thenCompose(api -> {
          boolean sandboxed = services.sandbox().isPresent();
          LaunchPlan plan = LaunchPlan.of(runtime, spec.function(), spec.version(), spec.config(), taskRoot,
              sandboxed, services.runtimeFiles(), api.address(), services.settings().region(), logStream);
          Optional<NetworkIsolation> network = services.settings().isolateNetwork()
              ? services.sandbox().flatMap(Sandbox::network) : Optional.empty();
          List<String> command = plan.command();
          if (sandboxed) {
            List<Path> readOnly = new ArrayList<>(List.of(services.runtimeFiles()));
            runtime.interpreter().map(Worker::installFolder).ifPresent(readOnly::add);
            command = services.sandbox().get().wrap(command, taskRoot, readOnly, services.settings().tmpBytes(),
                network.map(n -> NetworkIsolation.deniedNetworks(services.settings().denyNetworks())));
          }
          List<String> wrapped = command;
          // starting and connecting the process blocks for a moment: not on the actor's thread
          return CompletableFuture.supplyAsync(() -> startEnvironment(wrapped, plan, api, network), services.io())
              .thenCompose(started -> started instanceof Environment env ? awaitInit(env, firstRequestId)
                  : CompletableFuture.completedFuture((Command) started));
        }));
  }

  /** The started environment, or a StartFailed. */
  private Object startEnvironment(List<String> command, LaunchPlan plan, RuntimeApi api,
      Optional<NetworkIsolation> network) {
    Optional<ResourceLimits.Group> group = Optional.empty();
    try {
      if (services.limits().memoryLimited() || services.limits().pidsLimited() || services.limits().cpuLimited()) {
        group = Optional.of(services.limits().create(UUID.randomUUID().toString(),
            (long) spec.config().memorySizeMb() << 20, services.settings().maxProcesses(),
            ResourceLimits.cpus(spec.config().memorySizeMb(), services.settings().minCpus())));
      }
      return Environment.start(command, plan.environment(), plan.workingDir(), api,
          services.environmentLogs().resolve(UUID.randomUUID() + ".log"), group, network);
    } catch (Exception e) {
      group.ifPresent(ResourceLimits.Group::close);
      api.close();
      return new StartFailed("Runtime.InvalidEntrypoint", "The runtime could not be started: " + e.getMessage(),
          null);
    }
  }

  /** Started once the runtime first polls its Runtime API; StartFailed when it reports an error or exits. */
  private CompletionStage<Command> awaitInit(Environment env, String firstRequestId) {
    CompletableFuture<Command> outcome = new CompletableFuture<>();
    env.api().firstPoll().thenRun(() -> outcome.complete(
        new Started(env, (System.nanoTime() - env.startedNanos()) / 1e6)));
    env.api().initError().thenAccept(body -> {
      outcome.complete(new StartFailed(errorTypeOf(body, "Runtime.InitError"), null, body));
      env.destroy();
    });
    env.exited().thenAccept(p -> {
      boolean oom = env.oomKilled();
      env.destroy();
      outcome.complete(new StartFailed(oom ? "Runtime.OutOfMemory" : "Runtime.ExitError", exitMessage(
          firstRequestId, p.exitValue(), oom, spec.config().memorySizeMb()), null));
    });
    return outcome;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(Run.class, this::onRun)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Exited.class, this::onExited)
        .onMessage(TimedOut.class, t -> onTimedOut())
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onStarted(Started started) {
    environment = started.environment();
    pendingInitMs = started.initDurationMs();
    become(PetrelMetrics.EnvironmentState.BUSY);
    ActorRef<Command> self = getContext().getSelf();
    environment.exited().thenAccept(p -> self.tell(new Exited(p.exitValue())));
    // Initialization had its own bound; from here the function's timeout applies, as on a warm invocation.
    timers.startSingleTimer(TimedOut.INSTANCE, TimedOut.INSTANCE, Duration.ofSeconds(spec.config().timeoutSeconds()));
    dispatch();
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed failed) {
    timers.cancel(TimedOut.INSTANCE);
    byte[] body = failed.body() != null ? failed.body() : errorBody(failed.errorType(), failed.message());
    finish(new Outcome.FunctionError("Unhandled", body), "InitError", false);
    return Behaviors.stopped();
  }

  private Behavior<Command> onRun(Run run) {
    become(PetrelMetrics.EnvironmentState.BUSY);
    current = run;
    currentStartNanos = System.nanoTime();
    currentStart = Instant.now();
    timers.startSingleTimer(TimedOut.INSTANCE, TimedOut.INSTANCE, Duration.ofSeconds(spec.config().timeoutSeconds()));
    dispatch();
    return this;
  }

  private void dispatch() {
    // Duration is the invocation alone; a cold start's initialization is reported as Init Duration.
    currentStartNanos = System.nanoTime();
    Invocation inv = current.invocation();
    long deadline = System.currentTimeMillis() + spec.config().timeoutSeconds() * 1000L;
    getContext().pipeToSelf(environment.api().invoke(new RuntimeApi.Event(inv.requestId(), inv.payload(), deadline,
        spec.invokedArn(), decodeClientContext(inv.clientContext()))), (result, error) -> error == null
        ? new Answered(result) : new Answered(new RuntimeApi.FunctionError("Runtime.Unknown",
            errorBody("Runtime.Unknown", rootMessage(error)))));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (current == null) {
      return this;
    }
    timers.cancel(TimedOut.INSTANCE);
    Outcome outcome;
    String name;
    if (answered.result() instanceof RuntimeApi.Response r) {
      outcome = new Outcome.Success(r.body());
      name = "Success";
    } else if (answered.result() instanceof RuntimeApi.FunctionError e) {
      outcome = new Outcome.FunctionError("Unhandled", e.body());
      name = "FunctionError";
    } else {
      outcome = new Outcome.FunctionError("Unhandled", errorBody("Function.ResponseSizeTooLarge",
          "Response payload size exceeded maximum allowed payload size (" + services.settings().maxPayloadBytes()
              + " bytes)."));
      name = "FunctionError";
    }
    // an environment whose processes filled its pid limit (a fork bomb) cannot be trusted with the next call
    boolean reusable = !environment.pidLimitReached();
    finish(outcome, name, reusable);
    return reusable ? this : Behaviors.stopped();
  }

  private Behavior<Command> onExited(Exited exited) {
    if (current == null) {
      entity.tell(new FunctionAlias.WorkerGone(getContext().getSelf()));
      return Behaviors.stopped();
    }
    timers.cancel(TimedOut.INSTANCE);
    boolean oom = environment.oomKilled();
    finish(new Outcome.FunctionError("Unhandled", errorBody(oom ? "Runtime.OutOfMemory" : "Runtime.ExitError",
        exitMessage(current.invocation().requestId(), exited.exitCode(), oom, spec.config().memorySizeMb()))),
        oom ? "OutOfMemory" : "Crash", false);
    return Behaviors.stopped();
  }

  private Behavior<Command> onTimedOut() {
    if (current == null) {
      return this;
    }
    String seconds = String.format("%d.00", spec.config().timeoutSeconds());
    if (environment != null) {
      environment.destroy();
    }
    finish(new Outcome.FunctionError("Unhandled", errorBody("Sandbox.Timedout", "RequestId: "
        + current.invocation().requestId() + " Error: Task timed out after " + seconds + " seconds")), "Timeout", false);
    return Behaviors.stopped();
  }

  private Behavior<Command> onStop() {
    abandoned.set(true);
    if (environment != null) {
      environment.destroy();
    }
    if (current != null) {
      // Stopped from outside mid-call (its entity was forced to stop): the caller hears it now.
      current.replyTo().tell(new FunctionAlias.InvokeResult(spec.version(), new Outcome.Unavailable("The execution"
          + " environment was stopped before the invocation finished (its node is shutting down); try again"), null));
      current = null;
    }
    become(null);
    return this;
  }

  /** Moves this environment to another state in the node's meters; null once it is gone. */
  private void become(PetrelMetrics.EnvironmentState next) {
    services.metrics().environmentMoved(state, next);
    state = next;
  }

  /** Replies, writes logs and the record, and frees or retires this worker. */
  private void finish(Outcome outcome, String outcomeName, boolean reusable) {
    Run run = current;
    current = null;
    String id = run.invocation().requestId();
    double durationMs = (System.nanoTime() - currentStartNanos) / 1e6;
    long billedMs = (long) Math.ceil(durationMs);
    int maxMemory = environment != null ? environment.maxMemoryUsedMb() : 0;
    Optional<Double> init = Optional.ofNullable(pendingInitMs);
    pendingInitMs = null;

    List<LogLine> log = new ArrayList<>();
    log.add(line(id, currentStart, "START RequestId: " + id + " Version: " + spec.version()));
    if (environment != null) {
      Instant now = Instant.now();
      environment.newLogLines(true).forEach(text -> log.add(line(id, now, text)));
    }
    if (outcomeName.equals("Timeout")) {
      log.add(line(id, Instant.now(), new String(((Outcome.FunctionError) outcome).body(), StandardCharsets.UTF_8)));
    }
    log.add(line(id, Instant.now(), "END RequestId: " + id));
    log.add(line(id, Instant.now(), String.format("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms"
        + "\tMemory Size: %d MB\tMax Memory Used: %d MB%s", id, durationMs, billedMs, spec.config().memorySizeMb(),
        maxMemory, init.map(ms -> String.format("\tInit Duration: %.2f ms", ms)).orElse(""))));
    services.store().appendLogs(log);
    InvocationRecord record = new InvocationRecord(id, spec.function(), spec.version(), spec.version(), currentStart,
        durationMs, billedMs, spec.config().memorySizeMb(), maxMemory, init, outcomeName,
        outcome instanceof Outcome.FunctionError e ? Optional.of(errorTypeOf(e.body(), "Unhandled"))
            : Optional.empty());
    services.store().record(record);
    metrics.recorded(record);

    String tail = run.invocation().tailLogs() ? tail(log) : null;
    run.replyTo().tell(new FunctionAlias.InvokeResult(spec.version(), outcome, tail));
    if (reusable) {
      become(PetrelMetrics.EnvironmentState.IDLE);
      entity.tell(new FunctionAlias.WorkerFree(getContext().getSelf()));
    } else {
      entity.tell(new FunctionAlias.WorkerGone(getContext().getSelf()));
    }
  }

  private LogLine line(String requestId, Instant at, String text) {
    return new LogLine(spec.function(), requestId, at, text);
  }

  /** Base64 of the last 4 KB of the invocation's log, as X-Amz-Log-Result carries it. */
  private static String tail(List<LogLine> log) {
    StringBuilder all = new StringBuilder();
    log.forEach(l -> all.append(l.message()).append('\n'));
    byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
    int from = Math.max(0, bytes.length - 4096);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
  }

  private static String exitMessage(String requestId, int exitCode, boolean oom, int memoryMb) {
    return "RequestId: " + requestId + " Error: Runtime exited with error: "
        + (exitCode > 128 ? "signal: " + (exitCode - 128) : "exit status " + exitCode)
        + (oom ? " (out of memory: the function used more than its MemorySize of " + memoryMb + " MB)" : "");
  }

  /** Where an interpreter is installed (…/bin/python3.11 → …): bound read-only into sandboxes. */
  private static Path installFolder(Path interpreter) {
    Path real;
    try {
      real = interpreter.toRealPath();
    } catch (java.io.IOException e) {
      real = interpreter;
    }
    Path bin = real.getParent();
    return bin != null && bin.getParent() != null ? bin.getParent() : real;
  }

  static byte[] errorBody(String type, String message) {
    try {
      return JSON.writeValueAsBytes(JSON.createObjectNode().put("errorType", type).put("errorMessage", message));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The errorType a runtime reported in an error body, if the body is the usual JSON object. */
  private static String errorTypeOf(byte[] body, String fallback) {
    try {
      com.fasterxml.jackson.databind.JsonNode type = JSON.readTree(body).get("errorType");
      return type != null && type.isTextual() ? type.asText() : fallback;
    } catch (java.io.IOException | RuntimeException e) {
      return fallback;
    }
  }

  private static String decodeClientContext(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
