package io.petrel.gateway.internal;

import io.petrel.sharding.RuntimeCatalog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The limits Lambda puts on a function's configuration, checked before anything is stored. Each rejection is
 * an InvalidParameterValueException whose message names the field and the limit.
 */
public final class ConfigValidation {
  public static final int MIN_MEMORY = 128;
  public static final int MAX_MEMORY = 10_240;
  public static final int MIN_TIMEOUT = 1;
  public static final int MAX_TIMEOUT = 900;
  public static final int MAX_ENVIRONMENT_BYTES = 4096;
  public static final int MAX_DESCRIPTION = 256;
  public static final int MAX_HANDLER = 128;

  private static final Pattern ROLE = Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-/]+");
  private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]+");
  private static final Pattern SCRIPT_HANDLER = Pattern.compile("[^\\s.][^\\s]*\\.[A-Za-z_$][\\w$]*");
  private static final Pattern JAVA_HANDLER =
      Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(::[A-Za-z_$][\\w$]*)?");
  private static final Pattern ALIAS = Pattern.compile("(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}");
  private static final Set<String> RESERVED_ENV = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION",
      "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
      "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
      "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");
  private static final Set<String> ARCHITECTURES = Set.of("x86_64", "arm64");

  private final RuntimeCatalog runtimes;
  private final String nodeArchitecture;

  public ConfigValidation(RuntimeCatalog runtimes, String nodeArchitecture) {
    this.runtimes = runtimes;
    this.nodeArchitecture = nodeArchitecture;
  }

  public RuntimeCatalog.Runtime runtime(String id) {
    return runtimes.find(id).orElseThrow(() -> LambdaError.invalidParameter("Value " + id + " at 'runtime' failed"
        + " to satisfy constraint: Member must be a runtime this node supports: " + String.join(", ", runtimes.ids())));
  }

  public void handler(RuntimeCatalog.Runtime runtime, String handler) {
    if (handler.length() > MAX_HANDLER) {
      throw LambdaError.invalidParameter("Handler must be at most " + MAX_HANDLER + " characters long");
    }
    switch (runtime.family()) {
      case PYTHON, NODEJS -> {
        if (!SCRIPT_HANDLER.matcher(handler).matches()) {
          throw LambdaError.invalidParameter("Handler '" + handler + "' is not valid for runtime " + runtime.id()
              + ": use <file>.<function>, e.g. " + (runtime.family() == RuntimeCatalog.Family.PYTHON
                  ? "app.handler (app.py, def handler)" : "index.handler (index.js or index.mjs, export handler)"));
        }
      }
      case JAVA -> {
        if (!JAVA_HANDLER.matcher(handler).matches()) {
          throw LambdaError.invalidParameter("Handler '" + handler + "' is not valid for runtime " + runtime.id()
              + ": use package.Class::method or package.Class (a RequestHandler)");
        }
      }
      case PROVIDED -> {
        if (!handler.isEmpty() && handler.chars().anyMatch(Character::isWhitespace)) {
          throw LambdaError.invalidParameter("Handler must not contain white space");
        }
      }
      default -> throw new IllegalStateException("unknown runtime family " + runtime.family());
    }
  }

  public static void memorySize(int mb) {
    if (mb < MIN_MEMORY || mb > MAX_MEMORY) {
      throw LambdaError.invalidParameter("Value " + mb + " at 'memorySize' failed to satisfy constraint: Member must"
          + " have value between " + MIN_MEMORY + " and " + MAX_MEMORY + " (MB)");
    }
  }

  public static void timeout(int seconds) {
    if (seconds < MIN_TIMEOUT || seconds > MAX_TIMEOUT) {
      throw LambdaError.invalidParameter("Value " + seconds + " at 'timeout' failed to satisfy constraint: Member"
          + " must have value between " + MIN_TIMEOUT + " and " + MAX_TIMEOUT + " (seconds)");
    }
  }

  public static void description(String description) {
    if (description.length() > MAX_DESCRIPTION) {
      throw LambdaError.invalidParameter("Description must be at most " + MAX_DESCRIPTION + " characters long");
    }
  }

  public static void role(String role) {
    if (!ROLE.matcher(role).matches()) {
      throw LambdaError.invalidParameter("Value '" + role + "' at 'role' failed to satisfy constraint: Member must"
          + " be an IAM role ARN such as arn:aws:iam::123456789012:role/name");
    }
  }

  public static void environment(Map<String, String> variables) {
    int size = 0;
    for (Map.Entry<String, String> e : variables.entrySet()) {
      if (!ENV_KEY.matcher(e.getKey()).matches()) {
        throw LambdaError.invalidParameter("Environment variable name '" + e.getKey() + "' is not valid: it must"
            + " start with a letter and have at least two letters, digits or underscores");
      }
      if (RESERVED_ENV.contains(e.getKey())) {
        throw LambdaError.invalidParameter("Lambda was unable to configure your environment variables because the"
            + " environment variables you have provided contains reserved keys that are currently not supported"
            + " for modification. Reserved keys used in this request: " + e.getKey());
      }
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > MAX_ENVIRONMENT_BYTES) {
      throw LambdaError.invalidParameter("Lambda was unable to configure your environment variables because the"
          + " environment variables you have provided exceeded the 4KB limit (" + size + " bytes of Environment."
          + "Variables names and values; at most " + MAX_ENVIRONMENT_BYTES + ")");
    }
  }

  public List<String> architectures(List<String> given) {
    if (given.size() != 1 || !ARCHITECTURES.contains(given.get(0))) {
      throw LambdaError.invalidParameter("Architectures must hold exactly one of x86_64, arm64");
    }
    if (!given.get(0).equals(nodeArchitecture)) {
      throw LambdaError.invalidParameter("Architectures " + given.get(0) + " cannot run on this node, which is "
          + nodeArchitecture);
    }
    return given;
  }

  public static void aliasName(String name) {
    if (!ALIAS.matcher(name).matches()) {
      throw LambdaError.invalidParameter("Alias name '" + name + "' is not valid: 1 to 128 letters, digits,"
          + " hyphens or underscores, and not all digits");
    }
  }

  /** The architecture name Lambda uses for the JVM's os.arch. */
  public static String architectureOf(String osArch) {
    return osArch.equals("aarch64") || osArch.equals("arm64") ? "arm64" : "x86_64";
  }
}
