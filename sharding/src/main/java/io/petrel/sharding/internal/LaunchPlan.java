package io.petrel.sharding.internal;

import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionId;
import io.petrel.sharding.RuntimeCatalog;
import io.petrel.sharding.RuntimeFiles;
import io.petrel.sharding.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a runtime process is started: its command line and its whole environment (nothing is inherited from the
 * node). Python and Node.js run Petrel's bootstraps, Java the AWS Lambda Java Runtime Interface Client; a custom
 * runtime runs the package's own {@code bootstrap}.
 */
public record LaunchPlan(List<String> command, Map<String, String> environment, Path workingDir) {
  /** Where the RIC loads its native library from, instead of unpacking it to /tmp/.libaws-lambda-jni.so. */
  private static final String JAVA_NATIVE_LIBRARY_PROPERTY =
      "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

  /**
   * @param taskRoot the unpacked code on the host
   * @param sandboxed whether the process sees the code at {@link Sandbox#TASK_ROOT} instead (runtime files and
   *     interpreters are bound at their host paths)
   */
  public static LaunchPlan of(RuntimeCatalog.Runtime runtime, FunctionId function, String version,
      FunctionConfig config, Path hostTaskRoot, boolean sandboxed, Path runtimeFiles, String runtimeApi,
      String region, String logStream) {
    Path taskRoot = sandboxed ? Path.of(Sandbox.TASK_ROOT) : hostTaskRoot;
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
      case JAVA -> java(runtime, config, taskRoot, runtimeFiles);
    };
    return new LaunchPlan(command, env, hostTaskRoot);
  }

  /**
   * The AWS Lambda Java Runtime Interface Client's main class, given the handler ({@code pkg.Class::method} or a
   * {@code pkg.Class} implementing RequestHandler or RequestStreamHandler), with the JVM flags of Lambda's own
   * Java runtimes for a quick start. The runtime's jars come first on the class path, as on Lambda, where the
   * runtime's class loader is the parent of the function's: a function's own (older) copy of aws-lambda-java-core
   * cannot shadow the one the RIC needs. The RIC loads the function from its working directory, the task root,
   * and the jars in its lib/ itself; the task root is on the class path as well.
   */
  private static List<String> java(RuntimeCatalog.Runtime runtime, FunctionConfig config, Path taskRoot,
      Path runtimeFiles) {
    List<String> command = new ArrayList<>(List.of(interpreter(runtime),
        "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
        "-Xmx" + Math.max(16, config.memorySizeMb() * 85L / 100) + "m"));
    RuntimeFiles.javaNativeLibrary(runtimeFiles).ifPresent(lib ->
        command.add("-D" + JAVA_NATIVE_LIBRARY_PROPERTY + "=" + lib));
    command.addAll(List.of("-cp",
        runtimeFiles.resolve("java") + "/*:" + taskRoot + ":" + taskRoot.resolve("lib") + "/*",
        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", config.handler()));
    return List.copyOf(command);
  }

  private static String interpreter(RuntimeCatalog.Runtime runtime) {
    return runtime.interpreter().orElseThrow(() -> new IllegalStateException(runtime.id() + " has no interpreter"))
        .toString();
  }
}
