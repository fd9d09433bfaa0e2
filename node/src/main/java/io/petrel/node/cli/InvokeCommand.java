package io.petrel.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.petrel.node.cli.CommandSpec.Option;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code petrel invoke}: a synchronous invocation. The response payload goes to stdout as it came; a function
 * error prints its payload too, then the error type and message on stderr, and exits 1.
 */
final class InvokeCommand implements Command {
  private static final CommandSpec SPEC = new CommandSpec("invoke", "<function[:qualifier]> [payload-json | @file]",
      """
      Invokes the function and prints its response payload. The payload is JSON given inline, @file to read it
      from a file or @- from stdin; without one the function gets {}. The qualifier is a version or an alias.
      """, 1, 2, List.of(Option.flag("--log", "print the last 4 KB of the invocation's log to stderr")));

  /** The path segment and Qualifier query parameter for a function reference. */
  record Target(String function, Optional<String> qualifier) {
    /** {@code name} or {@code name:qualifier}; an ARN is passed on whole, the node reads its qualifier. */
    static Target of(String reference) {
      int colon = reference.indexOf(':');
      if (colon < 0 || reference.startsWith("arn:") || reference.contains(":function:")) {
        return new Target(reference, Optional.empty());
      }
      return new Target(reference.substring(0, colon), Optional.of(reference.substring(colon + 1)));
    }

    String path() {
      return "/2015-03-31/functions/" + GatewayClient.segment(function) + "/invocations"
          + GatewayClient.query(Map.of("Qualifier", qualifier));
    }
  }

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public void run(Args args, Session s) {
    Target target = Target.of(args.positional(0).orElseThrow());
    byte[] payload = payload(args.positional(1), s);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Amz-Invocation-Type", "RequestResponse");
    if (args.flag("--log")) {
      headers.put("X-Amz-Log-Type", "Tail");
    }
    GatewayClient.Reply reply = s.gateway().invoke(target.path(), payload, headers);
    reply.header("X-Amz-Log-Result").ifPresent(log -> {
      String text = new String(Base64.getMimeDecoder().decode(log), StandardCharsets.UTF_8);
      s.err().print(text.endsWith("\n") ? text : text + "\n");
    });
    s.out().write(reply.body(), 0, reply.body().length);
    if (reply.body().length > 0 && reply.body()[reply.body().length - 1] != '\n') {
      s.out().println();
    }
    Optional<String> functionError = reply.header("X-Amz-Function-Error");
    if (functionError.isPresent()) {
      throw CliException.failed(args.positional(0).get() + " failed: "
          + ErrorReply.functionError(functionError.get(), reply.body()));
    }
  }

  /** The payload bytes: inline JSON, @file, @- for stdin, or {} when absent; it must be JSON. */
  static byte[] payload(Optional<String> given, Session s) {
    byte[] bytes;
    String source;
    if (given.isEmpty()) {
      return "{}".getBytes(StandardCharsets.UTF_8);
    } else if (given.get().equals("@-")) {
      source = "stdin";
      try {
        bytes = s.in().readAllBytes();
      } catch (IOException e) {
        throw CliException.failed("could not read the payload from stdin: " + e.getMessage());
      }
    } else if (given.get().startsWith("@")) {
      Path file = Path.of(given.get().substring(1));
      source = file.toString();
      if (!Files.isRegularFile(file)) {
        throw Args.usage(SPEC, "payload file " + file + " does not exist");
      }
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw CliException.failed("could not read " + file + ": " + e.getMessage());
      }
    } else {
      source = "the payload";
      bytes = given.get().getBytes(StandardCharsets.UTF_8);
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      throw Args.usage(SPEC, source + " is empty; give JSON such as {}");
    }
    try {
      GatewayClient.JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw Args.usage(SPEC, source + " is not JSON: " + ErrorReply.oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw CliException.failed("could not read " + source + ": " + e.getMessage());
    }
    return bytes;
  }
}
