package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;

/**
 * Java functions run on the AWS Lambda Java Runtime Interface Client: handlers compiled here against
 * aws-lambda-java-core, zipped as a deployment package of classes and invoked through the AWS SDK.
 */
class JavaRuntimeIT {
  private static final String ECHO = """
      package example;

      import com.amazonaws.services.lambda.runtime.Context;
      import com.amazonaws.services.lambda.runtime.RequestHandler;
      import java.util.LinkedHashMap;
      import java.util.Map;

      public class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
          System.out.println("java says hi");
          context.getLogger().log("java logger says hi");
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("event", event);
          out.put("requestId", context.getAwsRequestId());
          out.put("functionName", context.getFunctionName());
          out.put("memory", context.getMemoryLimitInMB());
          out.put("remaining", context.getRemainingTimeInMillis());
          out.put("pid", ProcessHandle.current().pid());
          return out;
        }
      }
      """;
  private static final String PLAIN = """
      package example;

      public class Plain {
        public String handle(String input) {
          return input.toUpperCase();
        }

        public String boom(Object input) {
          throw new IllegalStateException("boom");
        }
      }
      """;
  private static final Pattern INIT_DURATION = Pattern.compile("Init Duration: ([0-9.]+) ms");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dataDir;
  @TempDir
  static Path buildDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static String java;

  @BeforeAll
  static void start() throws IOException {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.client(node.port());
    List<String> ids = node.runtimes().ids();
    java = ids.contains("java17") ? "java17" : ids.stream().filter(id -> id.matches("java\\d+")).findFirst()
        .orElseThrow(() -> new AssertionError("this node has no java runtime: " + ids));
    SdkBytes code = zipOf(compile(Map.of("example/Echo.java", ECHO, "example/Plain.java", PLAIN)));
    create("java-echo", "example.Echo", code);
    create("java-plain", "example.Plain::handle", code);
    create("java-boom", "example.Plain::boom", code);
    create("java-missing", "example.Missing", code);
  }

  @AfterAll
  static void stop() {
    lambda.close();
    node.stop();
  }

  private static void create(String name, String handler, SdkBytes code) {
    lambda.createFunction(r -> r.functionName(name).runtime(java).handler(handler).memorySize(512).timeout(30)
        .code(c -> c.zipFile(code)));
  }

  private static InvokeResponse invoke(String function, String payload) {
    return lambda.invoke(r -> r.functionName(function).payload(SdkBytes.fromUtf8String(payload))
        .logType(LogType.TAIL));
  }

  private static String log(InvokeResponse response) {
    return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
  }

  @Test
  void a_request_handler_echoes_its_event_and_context_then_reuses_the_warm_environment() throws IOException {
    InvokeResponse first = invoke("java-echo", "{\"hello\":\"world\",\"n\":7}");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.functionError()).as(first.payload().asUtf8String()).isNull();
    JsonNode body = JSON.readTree(first.payload().asUtf8String());
    assertThat(body.get("event")).isEqualTo(JSON.readTree("{\"hello\":\"world\",\"n\":7}"));
    assertThat(body.get("functionName").asText()).isEqualTo("java-echo");
    assertThat(body.get("memory").asInt()).isEqualTo(512);
    assertThat(body.get("remaining").asLong()).isBetween(20_000L, 30_000L);
    String requestId = body.get("requestId").asText();
    assertThat(requestId).isNotBlank();
    String firstLog = log(first);
    assertThat(firstLog).contains("START RequestId: " + requestId, "java says hi", "java logger says hi",
        "END RequestId:", "REPORT RequestId:", "Init Duration");
    Matcher init = INIT_DURATION.matcher(firstLog);
    assertThat(init.find()).isTrue();
    System.out.printf("java echo (%s) cold start: Init Duration %s ms%n", java, init.group(1));

    InvokeResponse second = invoke("java-echo", "{\"again\":true}");
    assertThat(second.functionError()).isNull();
    JsonNode again = JSON.readTree(second.payload().asUtf8String());
    assertThat(again.get("event")).isEqualTo(JSON.readTree("{\"again\":true}"));
    assertThat(again.get("requestId").asText()).isNotEqualTo(requestId);
    assertThat(again.get("pid").asLong()).isEqualTo(body.get("pid").asLong());
    assertThat(log(second)).contains("java says hi").doesNotContain("Init Duration");
  }

  @Test
  void a_method_handler_takes_and_returns_a_string() {
    InvokeResponse response = invoke("java-plain", "\"petrel\"");
    assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
    assertThat(response.payload().asUtf8String()).isEqualTo("\"PETREL\"");
  }

  @Test
  void an_exception_answers_an_unhandled_error_with_its_type_and_message() throws IOException {
    InvokeResponse failed = invoke("java-boom", "{}");
    assertThat(failed.statusCode()).isEqualTo(200);
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    JsonNode error = JSON.readTree(failed.payload().asUtf8String());
    assertThat(error.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("errorMessage").asText()).isEqualTo("boom");
    assertThat(error.get("stackTrace").isArray()).isTrue();
    assertThat(error.get("stackTrace").toString()).contains("example.Plain.boom");

    InvokeResponse again = invoke("java-boom", "{}");
    assertThat(again.functionError()).isEqualTo("Unhandled");
    assertThat(log(again)).doesNotContain("Init Duration");
  }

  @Test
  void a_handler_class_that_is_not_there_is_an_init_error() {
    InvokeResponse failed = invoke("java-missing", "{}");
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    assertThat(failed.payload().asUtf8String()).contains("example.Missing");
  }

  /** Compiles the sources (path under the source root to text) for Java 17; returns the classes' folder. */
  private static Path compile(Map<String, String> sources) throws IOException {
    Path src = Files.createDirectories(buildDir.resolve("src"));
    Path classes = Files.createDirectories(buildDir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (var source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      files.add(file);
    }
    Path lambdaCore;
    try {
      lambdaCore = Path.of(RequestHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, fileManager, diagnostics,
          List.of("--release", "17", "-classpath", lambdaCore.toString(), "-d", classes.toString()), null,
          fileManager.getJavaFileObjectsFromPaths(files)).call();
      assertThat(ok).as("compiles: %s", diagnostics.getDiagnostics()).isTrue();
    }
    return classes;
  }

  /** A zip of every file under {@code root}, named by its path relative to it. */
  private static SdkBytes zipOf(Path root) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes); var walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(new ZipEntry(root.relativize(file).toString().replace('\\', '/')));
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return SdkBytes.fromByteArray(bytes.toByteArray());
  }
}
