package io.petrel.node.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The user-facing {@code petrel} commands that talk to a node's gateway over HTTP: deploy, invoke, logs,
 * invocations, usage, functions, cluster. Exit codes: 0 success, 1 a failed call (the function failed, the API answered
 * an error, the node is unreachable), 2 a usage error; each failure is one line on stderr.
 */
public final class Cli {
  private static final List<Command> COMMANDS = List.of(new DeployCommand(), new InvokeCommand(), new LogsCommand(),
      new InvocationsCommand(), new UsageCommand(), new FunctionsCommand(), new ClusterCommand());
  private static final Map<String, Command> BY_NAME = COMMANDS.stream()
      .collect(Collectors.toMap(c -> c.spec().name(), Function.identity()));

  private Cli() {}

  public static boolean isCommand(String name) {
    return BY_NAME.containsKey(name);
  }

  /** Runs {@code args} (the command name first) with the process's streams and environment. */
  public static int run(String[] args) {
    return run(List.of(args), System.getenv(), System.in, System.out, System.err, Clock.systemUTC(),
        System.console() != null);
  }

  public static int run(List<String> args, Map<String, String> environment, InputStream in, PrintStream out,
      PrintStream err, Clock clock, boolean interactive) {
    Command command = BY_NAME.get(args.get(0));
    try {
      if (command == null) {
        throw CliException.usage("unknown command '" + args.get(0) + "' (see petrel --help)");
      }
      Args parsed = Args.parse(command.spec(), args.subList(1, args.size()));
      if (parsed.help()) {
        out.print(command.spec().help());
        return 0;
      }
      GatewayClient gateway = new GatewayClient(Endpoint.resolve(parsed.value("--endpoint"),
          Optional.ofNullable(environment.get(Endpoint.ENVIRONMENT))));
      command.run(parsed, new Session(gateway, in, out, err, clock, interactive));
      out.flush();
      return 0;
    } catch (CliException e) {
      out.flush();
      err.println("petrel: " + e.getMessage());
      return e.exitCode();
    }
  }
}
