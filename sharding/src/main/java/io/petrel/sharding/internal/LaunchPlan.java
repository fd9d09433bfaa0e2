package io.petrel.sharding.internal;

import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionId;
import io.petrel.sharding.RuntimeCatalog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a runtime process is started: its command line and its whole environment (nothing is inherited from the
 * node). Python and Node.js run Petrel's bootstraps; a custom runtime runs the package's own {@code bootstrap}.
 */
public record LaunchPlan(List<String> command, Map<String, String> environment, Path workingDir) {

  public static LaunchPlan of(RuntimeCatalog.Runtime runtime, FunctionId function, String version,
      FunctionConfig config, Path taskRoot, Path runtimeFiles, String runtimeApi, String region, String logStream) {
    Map<String, String> env = new LinkedHashMap<>(config.environment());
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    env.put("_HANDLER", config.handler());
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("LAMBDA_RUNTIME_DIR", runtimeFiles.toString());
    env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", version);
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.memorySizeMb()));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
    env.put("AWS_REGION", region);
    env.put("AWS_DEFAULT_REGION", region);
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + runtime.id());
    env.put("TZ", ":UTC");
    List<String> command = switch (runtime.family()) {
      case PYTHON -> {
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        yield List.of(interpreter(runtime), runtimeFiles.resolve("python/bootstrap.py").toString());
      }
      case NODEJS -> List.of(interpreter(runtime), runtimeFiles.resolve("nodejs/bootstrap.mjs").toString());
      case PROVIDED -> List.of(taskRoot.resolve("bootstrap").toString());
      case JAVA -> throw new UnsupportedOperationException("the " + runtime.id() + " runtime cannot run functions"
          + " on this node yet");
    };
    return new LaunchPlan(command, env, taskRoot);
  }

  private static String interpreter(RuntimeCatalog.Runtime runtime) {
    return runtime.interpreter().orElseThrow(() -> new IllegalStateException(runtime.id() + " has no interpreter"))
        .toString();
  }
}
