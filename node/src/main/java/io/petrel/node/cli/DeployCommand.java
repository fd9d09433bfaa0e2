package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.node.cli.CommandSpec.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code petrel deploy}: creates a function from a folder or zip, or updates the code (and, when options say so,
 * the configuration) of the one that exists; then optionally publishes a version and points an alias at it.
 * Each step is the Lambda API call an AWS CLI user would make, in the same order, waiting out a pending update.
 */
final class DeployCommand implements Command {
  static final String DEFAULT_ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final List<String> CONFIGURATION_OPTIONS =
      List.of("--runtime", "--handler", "--memory", "--timeout", "--env", "--role");
  private static final Duration UPDATE_WAIT = Duration.ofMinutes(5);
  private static final Duration POLL = Duration.ofSeconds(1);

  private static final CommandSpec SPEC = new CommandSpec("deploy", "<folder|zip> [options]", """
      Creates the function, or updates its code when it exists (and its configuration when any of --runtime,
      --handler, --memory, --timeout, --env, --role is given; --env replaces all variables). A folder is zipped
      with every file in it. Creating needs --runtime and --handler (no handler for provided* runtimes).
      """, 1, 1, List.of(
          Option.value("--name", "NAME", "function name (default: the folder or zip name)"),
          Option.value("--runtime", "RUNTIME", "e.g. python3.11, nodejs20.x, java17, provided.al2023"),
          Option.value("--handler", "HANDLER", "e.g. app.handler, index.handler, pkg.Class::method"),
          Option.value("--memory", "MB", "memory size, 128 to 10240"),
          Option.value("--timeout", "SECONDS", "timeout, 1 to 900"),
          Option.repeated("--env", "KEY=VALUE", "an environment variable; repeat for more"),
          Option.value("--role", "ARN", "execution role (default " + DEFAULT_ROLE + ")"),
          Option.flag("--publish", "publish a version of the result"),
          Option.value("--alias", "NAME", "point this alias at the published version (implies --publish)")));

  /** The configuration options given on the command line, as Lambda fields (pure, so it is unit-tested). */
  record Settings(Optional<String> runtime, Optional<String> handler, Optional<Integer> memory,
      Optional<Integer> timeout, Optional<Map<String, String>> environment, Optional<String> role) {

    static Settings of(Args args) {
      Optional<Map<String, String>> env = args.values("--env").isEmpty() ? Optional.empty()
          : Optional.of(environment(args.values("--env")));
      return new Settings(args.value("--runtime"), args.value("--handler"),
          args.integer(SPEC, "--memory", 1, Integer.MAX_VALUE), args.integer(SPEC, "--timeout", 1, Integer.MAX_VALUE),
          env, args.value("--role"));
    }

    void into(ObjectNode body) {
      runtime.ifPresent(r -> body.put("Runtime", r));
      handler.ifPresent(h -> body.put("Handler", h));
      memory.ifPresent(m -> body.put("MemorySize", m));
      timeout.ifPresent(t -> body.put("Timeout", t));
      environment.ifPresent(e -> {
        ObjectNode variables = body.putObject("Environment").putObject("Variables");
        e.forEach(variables::put);
      });
      role.ifPresent(r -> body.put("Role", r));
    }

    private static Map<String, String> environment(List<String> given) {
      Map<String, String> env = new TreeMap<>();
      for (String pair : given) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw Args.usage(SPEC, "--env takes KEY=VALUE, got '" + pair + "'");
        }
        env.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return env;
    }
  }

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    Path source = Path.of(args.positional(0).orElseThrow());
    String name = args.value("--name").orElseGet(() -> defaultName(source));
    if (!NAME.matcher(name).matches()) {
      throw Args.usage(SPEC, "'" + name + "' is not a function name (1 to 64 letters, digits, '-' or '_')"
          + (args.value("--name").isPresent() ? "" : "; give one with --name"));
    }
    Settings settings = Settings.of(args);
    Optional<String> alias = args.value("--alias");
    boolean publish = args.flag("--publish") || alias.isPresent();
    String path = "/2015-03-31/functions/" + GatewayClient.segment(name);

    byte[] zip = read(source);
    Optional<JsonNode> existing = s.gateway().find(path);
    if (existing.isEmpty()) {
      requireForCreate(name, settings);
    }
    String zipBase64 = Base64.getEncoder().encodeToString(zip);
    Progress progress;
    JsonNode latest;
    if (existing.isEmpty()) {
      ObjectNode body = GatewayClient.JSON.createObjectNode().put("FunctionName", name).put("Role", DEFAULT_ROLE);
      settings.into(body);
      body.putObject("Code").put("ZipFile", zipBase64);
      byte[] bytes = GatewayClient.bytes(body);
      progress = new Progress(s.err(), s.interactive(), "uploading " + name, bytes.length);
      latest = awaitUpdate(s, path, s.gateway().upload("POST", "/2015-03-31/functions", bytes, progress));
    } else {
      awaitUpdate(s, path, existing.get().path("Configuration"));
      byte[] bytes = GatewayClient.bytes(GatewayClient.JSON.createObjectNode().put("ZipFile", zipBase64));
      progress = new Progress(s.err(), s.interactive(), "uploading " + name, bytes.length);
      latest = awaitUpdate(s, path, s.gateway().upload("PUT", path + "/code", bytes, progress));
      if (args.anyOf(CONFIGURATION_OPTIONS)) {
        ObjectNode body = GatewayClient.JSON.createObjectNode();
        settings.into(body);
        latest = awaitUpdate(s, path, s.gateway().json("PUT", path + "/configuration", body));
      }
    }
    JsonNode result = latest;
    if (publish) {
      result = s.gateway().json("POST", path + "/versions", GatewayClient.JSON.createObjectNode()
          .put("CodeSha256", latest.path("CodeSha256").asText()));
    }
    if (alias.isPresent()) {
      pointAlias(s, path, alias.get(), result.path("Version").asText());
    }
    s.out().println(Formats.deployed(existing.isEmpty(), result, alias.orElse(null)));
  }

  private static void requireForCreate(String name, Settings settings) {
    boolean provided = settings.runtime().filter(r -> r.startsWith("provided")).isPresent();
    if (settings.runtime().isEmpty() || (settings.handler().isEmpty() && !provided)) {
      String missing = settings.runtime().isEmpty() && settings.handler().isEmpty() ? "--runtime and --handler"
          : settings.runtime().isEmpty() ? "--runtime" : "--handler";
      throw Args.usage(SPEC, "function " + name + " does not exist yet; creating it needs " + missing
          + ", e.g. --runtime python3.11 --handler app.handler");
    }
  }

  private static void pointAlias(Session s, String path, String alias, String version) {
    String aliasPath = path + "/aliases/" + GatewayClient.segment(alias);
    if (s.gateway().find(aliasPath).isPresent()) {
      s.gateway().json("PUT", aliasPath, GatewayClient.JSON.createObjectNode().put("FunctionVersion", version));
    } else {
      s.gateway().json("POST", path + "/aliases", GatewayClient.JSON.createObjectNode().put("Name", alias)
          .put("FunctionVersion", version));
    }
  }

  /**
   * Waits while the function reports a pending change (State Pending, LastUpdateStatus InProgress), polling its
   * configuration; fails when the change failed. Answers the configuration once it is settled.
   */
  private static JsonNode awaitUpdate(Session s, String path, JsonNode configuration) {
    long deadline = System.nanoTime() + UPDATE_WAIT.toNanos();
    JsonNode c = configuration;
    while (true) {
      String state = c.path("State").asText("Active");
      String update = c.path("LastUpdateStatus").asText("Successful");
      if (state.equals("Failed") || update.equals("Failed")) {
        throw CliException.failed("the update of " + c.path("FunctionName").asText() + " failed: "
            + c.path("LastUpdateStatusReason").asText(c.path("StateReason").asText("no reason given")));
      }
      if (!state.equals("Pending") && !update.equals("InProgress")) {
        return c;
      }
      if (System.nanoTime() > deadline) {
        throw CliException.failed("the function is still updating after " + UPDATE_WAIT.toMinutes() + " minutes");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.failed("interrupted");
      }
      c = s.gateway().get(path + "/configuration");
    }
  }

  static String defaultName(Path source) {
    Path file = source.toAbsolutePath().normalize().getFileName();
    String name = file == null ? "" : file.toString();
    return name.toLowerCase(java.util.Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
  }

  /** The zip to upload: a folder packed by {@link Zipper}, or a zip file's bytes. */
  static byte[] read(Path source) {
    if (Files.isDirectory(source)) {
      return Zipper.zip(source);
    }
    if (!Files.exists(source)) {
      throw Args.usage(SPEC, source + " does not exist");
    }
    try {
      byte[] bytes = Files.readAllBytes(source);
      boolean zip = bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K';
      if (!zip) {
        throw Args.usage(SPEC, source + " is neither a folder nor a zip file");
      }
      return bytes;
    } catch (IOException e) {
      throw CliException.failed("could not read " + source + ": " + e.getMessage());
    }
  }
}
