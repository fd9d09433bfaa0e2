package io.petrel.node;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;

/**
 * Hostile input against one dev node with two real functions and a function URL: malformed, mistyped, deeply
 * nested, mis-encoded and oversized bodies for every operation that takes one, path and qualifier tricks, hostile
 * zips, abusive Invoke headers and function URL requests, and requests the HTTP layer itself must refuse (sent over
 * raw sockets where java.net.http will not send them). Every answer must be the expected refusal in its protocol's
 * shape, never a 5xx, a hang or a stack trace; afterwards the node must be unharmed, with nothing half-created.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final String IPVE = "InvalidParameterValueException";
  private static final String IRCE = "InvalidRequestContentException";
  private static final String NOT_FOUND = "ResourceNotFoundException";
  private static final String TOO_LARGE = "RequestEntityTooLargeException";
  private static final String VALIDATION = "ValidationException";
  private static final String UNKNOWN_OPERATION = "UnknownOperationException";
  private static final int CONTROL_LIMIT = 1024 * 1024;
  private static final int CODE_LIMIT = 69_905_067;
  private static final int INVOKE_LIMIT = 6_291_456;
  private static final int EVENT_LIMIT = 262_144;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final String FUNCTIONS = "/2015-03-31/functions";
  private static final String ECHO = FUNCTIONS + "/echo";
  private static final String INVOKE = ECHO + "/invocations";
  private static final String MAPPINGS = "/2015-03-31/event-source-mappings";
  private static final String CONCURRENCY = "/2017-10-31/functions/echo/concurrency";
  private static final String INVOKE_CONFIG = "/2019-09-25/functions/echo/event-invoke-config";
  private static final String URL_CONFIG = "/2021-10-31/functions/echo/url";
  private static final String WEB = """
      def handler(event, context):
          return {'statusCode': 200, 'body': str(len(event.get('body') or ''))}
      """;

  /** Bodies no operation can read: each is InvalidRequestContentException wherever a JSON object is expected. */
  private static final Map<String, byte[]> UNREADABLE = unreadableBodies();
  private static final Pattern JAVA_LEAK = Pattern.compile(
      "at io\\.petrel|java\\.lang\\.|\\n\\tat |\\b[a-z][\\w$]*(\\.[\\w$]+)+(Exception|Error)\\b");
  private static final AtomicInteger sent = new AtomicInteger();
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();
  private static final ObjectMapper json = new ObjectMapper();

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static String python;
  static String urlId;
  static GetFunctionConfigurationResponse echoBefore;
  static GetFunctionConfigurationResponse webBefore;

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.clientWithoutRetries(node.port());
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
    lambda.createFunction(b -> b.functionName("echo").runtime(python).handler("app.handler").role(ROLE)
        .code(c -> c.zipFile(TestNodes.pythonZip("return event"))));
    lambda.createFunction(b -> b.functionName("web").runtime(python).handler("app.handler").role(ROLE)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", WEB)))));
    urlId = URI.create(lambda.createFunctionUrlConfig(b -> b.functionName("web").authType(FunctionUrlAuthType.NONE))
        .functionUrl()).getHost().split("\\.")[0];
    echoBefore = lambda.getFunctionConfiguration(b -> b.functionName("echo"));
    webBefore = lambda.getFunctionConfiguration(b -> b.functionName("web"));
  }

  @AfterAll
  static void stop() {
    System.out.println("HostileInputIT sent " + sent.get() + " hostile requests");
    if (lambda != null) {
      lambda.close();
    }
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void unreadable_and_mistyped_bodies_are_refused_by_every_operation_that_takes_one() throws Exception {
    Checks c = new Checks();
    List<String> bodyOperations = List.of("POST " + FUNCTIONS, "PUT " + ECHO + "/configuration",
        "PUT " + ECHO + "/code", "POST " + ECHO + "/aliases", "POST " + ECHO + "/versions", "PUT " + CONCURRENCY,
        "POST " + MAPPINGS, "PUT " + INVOKE_CONFIG, "POST " + URL_CONFIG);
    for (String operation : bodyOperations) {
      String[] methodAndPath = operation.split(" ");
      for (byte[] body : UNREADABLE.values()) {
        c.lambda(send(methodAndPath[0], methodAndPath[1], body, "Content-Type", "application/json"), 400, IRCE);
      }
    }
    for (String target : List.of("PutRule", "PutTargets")) {
      for (byte[] body : UNREADABLE.values()) {
        c.events(events(target, body), VALIDATION);
      }
    }

    String zip = base64(TestNodes.pythonZip("return 1").asByteArray());
    String create = "{\"FunctionName\":\"hostile\",\"Runtime\":\"" + python + "\",\"Handler\":\"app.handler\","
        + "\"Role\":\"" + ROLE + "\",\"Code\":{\"ZipFile\":\"" + zip + "\"}";
    c.lambda(post(FUNCTIONS, create.replace("\"hostile\"", "123") + "}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create.replace("\"hostile\"", "null") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("\"hostile\"", "[\"hostile\"]") + "}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"MemorySize\":\"128\"}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"MemorySize\":64}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"Timeout\":3.5}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Timeout\":99999999999999999999}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Timeout\":-1}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"Timeout\":1e999}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Environment\":\"A=1\"}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Environment\":{\"Variables\":{\"A\":1}}}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Environment\":{\"Variables\":[\"A\"]}}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Environment\":{\"Variables\":{\"A\":\"" + "x".repeat(5000) + "\"}}}"),
        400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"Environment\":{\"Variables\":{\"../A\":\"1\"}}}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"Architectures\":\"x86_64\"}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Architectures\":[null]}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Architectures\":[\"sparc\"]}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"Tags\":{\"a\":{}}}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Publish\":\"true\"}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create + ",\"Description\":\"" + "d".repeat(1000) + "\"}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"Layers\":[\"arn:aws:lambda:us-east-1:000000000000:layer:x:1\"]}"),
        400, IPVE);
    c.lambda(post(FUNCTIONS, create + ",\"PackageType\":\"Image\"}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("\"" + python + "\"", "\"python0.1\"") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("\"" + python + "\"", "{}") + "}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create.replace("app.handler", "..handler") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace(ROLE, "admin") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("\"" + zip + "\"", "123") + "}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create.replace("{\"ZipFile\":\"" + zip + "\"}", "[]") + "}"), 400, IRCE);
    c.lambda(post(FUNCTIONS, create.replace("{\"ZipFile\":\"" + zip + "\"}", "{}") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("hostile", "h".repeat(10_000)) + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("hostile", "../hostile") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("hostile", "hostile\\u0000") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("hostile", "h\u00f6stile") + "}"), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.replace("hostile", "echo") + "}"), 409, "ResourceConflictException");
    c.lambda(post(FUNCTIONS, create.replace("hostile", "arn:aws:lambda:eu-west-1:000000000000:function:hostile")
        + "}"), 404, NOT_FOUND);
    c.lambda(post(FUNCTIONS, create.replace("hostile", "hostile:1") + "}"), 400, IPVE);

    String config = ECHO + "/configuration";
    c.lambda(put(config, "{\"Timeout\":\"3\"}"), 400, IRCE);
    c.lambda(put(config, "{\"MemorySize\":1e3}"), 400, IRCE);
    c.lambda(put(config, "{\"Timeout\":0}"), 400, IPVE);
    c.lambda(put(config, "{\"Timeout\":901}"), 400, IPVE);
    c.lambda(put(config, "{\"MemorySize\":2147483648}"), 400, IRCE);
    c.lambda(put(config, "{\"Environment\":[]}"), 400, IRCE);
    c.lambda(put(config, "{\"Environment\":{\"Variables\":{\"A\":null}}}"), 400, IRCE);
    c.lambda(put(config, "{\"Environment\":{\"Variables\":{\"AWS_REGION\":\"x\"}}}"), 400, IPVE);
    c.lambda(put(config, "{\"Runtime\":5}"), 400, IRCE);
    c.lambda(put(config, "{\"Runtime\":\"python0.1\"}"), 400, IPVE);
    c.lambda(put(config, "{\"Handler\":\"has space.handler\"}"), 400, IPVE);
    c.lambda(put(config, "{\"Role\":\"not-an-arn\"}"), 400, IPVE);
    c.lambda(put(config, "{\"Layers\":[\"x\"]}"), 400, IPVE);
    c.lambda(put(config, "{\"RevisionId\":\"stale\",\"Timeout\":5}"), 412, "PreconditionFailedException");
    c.lambda(put(FUNCTIONS + "/echo%3A1/configuration", "{\"Timeout\":5}"), 400, IPVE);

    String aliases = ECHO + "/aliases";
    c.lambda(post(aliases, "{\"Name\":1,\"FunctionVersion\":\"$LATEST\"}"), 400, IRCE);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":1}"), 400, IRCE);
    c.lambda(post(aliases, "{\"Name\":\"live\"}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"123\",\"FunctionVersion\":\"$LATEST\"}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"../live\",\"FunctionVersion\":\"$LATEST\"}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"" + "a".repeat(10_000) + "\",\"FunctionVersion\":\"$LATEST\"}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"1.5\"}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"99\"}"), 404, NOT_FOUND);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"9999999999999999999\"}"), 404, NOT_FOUND);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"$LATEST\",\"RoutingConfig\":[]}"), 400, IRCE);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"1\",\"RoutingConfig\":"
        + "{\"AdditionalVersionWeights\":{\"2\":\"0.5\"}}}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"1\",\"RoutingConfig\":"
        + "{\"AdditionalVersionWeights\":{\"2\":1e308}}}"), 400, IPVE);
    c.lambda(post(aliases, "{\"Name\":\"live\",\"FunctionVersion\":\"$LATEST\",\"Description\":{}}"), 400, IRCE);

    String versions = ECHO + "/versions";
    c.lambda(post(versions, "{\"Description\":5}"), 400, IRCE);
    c.lambda(post(versions, "{\"CodeSha256\":[]}"), 400, IRCE);
    c.lambda(post(versions, "{\"CodeSha256\":\"not-the-sha\"}"), 400, IPVE);
    c.lambda(post(versions, "{\"RevisionId\":{}}"), 400, IRCE);
    c.lambda(post(versions, "{\"RevisionId\":\"stale\"}"), 412, "PreconditionFailedException");
    c.lambda(post(versions, "{\"Description\":\"" + "d".repeat(CONTROL_LIMIT - 100) + "\"}"), 400, IPVE);
    c.lambda(post(FUNCTIONS + "/echo%3A%24LATEST/versions", "{}"), 400, IPVE);

    c.lambda(put(CONCURRENCY, "{\"ReservedConcurrentExecutions\":\"5\"}"), 400, IRCE);
    c.lambda(put(CONCURRENCY, "{\"ReservedConcurrentExecutions\":-1}"), 400, IPVE);
    c.lambda(put(CONCURRENCY, "{\"ReservedConcurrentExecutions\":1e10}"), 400, IRCE);
    c.lambda(put(CONCURRENCY, "{\"ReservedConcurrentExecutions\":2147483648}"), 400, IRCE);
    c.lambda(put(CONCURRENCY, "{\"ReservedConcurrentExecutions\":null}"), 400, IPVE);
    c.lambda(put(CONCURRENCY, "{\"ReservedConcurrentExecutions\":100000}"), 400, IPVE);
    c.lambda(put("/2017-10-31/functions/echo%3A1/concurrency", "{\"ReservedConcurrentExecutions\":1}"), 400, IPVE);

    String kafka = "\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\",\"SelfManagedEventSource\":{\"Endpoints\":"
        + "{\"KAFKA_BOOTSTRAP_SERVERS\":[\"127.0.0.1:9\"]}}";
    String mapping = "{\"FunctionName\":\"echo\"," + kafka;
    c.lambda(post(MAPPINGS, mapping.replace("[\"t\"]", "\"t\"") + "}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping.replace("[\"t\"]", "[1]") + "}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping.replace("[\"t\"]", "[]") + "}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping.replace("[\"t\"]", "[\"../../t\"]") + "}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping.replace("\"LATEST\"", "5") + "}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping.replace("\"LATEST\"", "\"NOW\"") + "}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping + ",\"BatchSize\":\"10\"}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping + ",\"BatchSize\":0}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping + ",\"BatchSize\":99999999999}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping + ",\"Enabled\":\"yes\"}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping.replace("\"127.0.0.1:9\"", "\"127.0.0.1:99999\"") + "}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping.replace("[\"127.0.0.1:9\"]", "\"127.0.0.1:9\"") + "}"), 400, IRCE);
    c.lambda(post(MAPPINGS, "{\"FunctionName\":\"echo\",\"SelfManagedEventSource\":[]}"), 400, IRCE);
    c.lambda(post(MAPPINGS, mapping + ",\"EventSourceArn\":\"arn:aws:sqs:us-east-1:000000000000:q\"}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping.replace("\"echo\"", "\"nope\"") + "}"), 404, NOT_FOUND);
    c.lambda(post(MAPPINGS, mapping.replace("\"echo\"", "\"../echo\"") + "}"), 400, IPVE);
    c.lambda(post(MAPPINGS, mapping.replace("\"echo\"", "\"echo:9999999999999999999\"") + "}"), 404, NOT_FOUND);
    c.lambda(post(MAPPINGS, mapping.replace("\"echo\"",
        "\"arn:aws:lambda:eu-west-1:000000000000:function:echo\"") + "}"), 404, NOT_FOUND);

    c.lambda(put(INVOKE_CONFIG, "{\"MaximumRetryAttempts\":\"2\"}"), 400, IRCE);
    c.lambda(put(INVOKE_CONFIG, "{\"MaximumRetryAttempts\":3}"), 400, IPVE);
    c.lambda(put(INVOKE_CONFIG, "{\"MaximumEventAgeInSeconds\":59}"), 400, IPVE);
    c.lambda(put(INVOKE_CONFIG, "{\"DestinationConfig\":[]}"), 400, IRCE);
    c.lambda(put(INVOKE_CONFIG, "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":5}}}"), 400, IRCE);
    c.lambda(put(INVOKE_CONFIG, "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"../../x\"}}}"), 400, IPVE);
    c.lambda(put(INVOKE_CONFIG + "?Qualifier=nope", "{}"), 404, NOT_FOUND);
    c.lambda(put(INVOKE_CONFIG + "?Qualifier=%00", "{}"), 400, IPVE);

    c.lambda(post(URL_CONFIG, "{\"AuthType\":1}"), 400, IRCE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"none\"}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Cors\":[]}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Cors\":{\"AllowOrigins\":\"*\"}}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Cors\":{\"AllowOrigins\":[1]}}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Cors\":{\"MaxAge\":\"600\"}}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Cors\":{\"AllowMethods\":[\"HACK\"]}}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Cors\":{\"AllowHeaders\":[\"a\\r\\nb\"]}}"), 400, IPVE);
    c.lambda(post(URL_CONFIG, "{\"AuthType\":\"NONE\",\"Bogus\":1}"), 400, IPVE);
    c.lambda(post(URL_CONFIG + "?Qualifier=..%2F..", "{\"AuthType\":\"NONE\"}"), 400, IPVE);

    String rule = "{\"Name\":\"r\",\"ScheduleExpression\":\"rate(5 minutes)\"";
    c.events(events("PutRule", "{\"Name\":5}"), VALIDATION);
    c.events(events("PutRule", rule.replace("\"rate(5 minutes)\"", "5") + "}"), VALIDATION);
    for (String expression : List.of("rate(0 minutes)", "rate(9999999999 minutes)", "rate(-5 minutes)",
        "rate(5 fortnights)", "cron(0 0 99999999999W * ? *)", "cron(0/0 * * * ? *)", "cron(* * * * * *)",
        "cron(0 0 ? * 9#9 *)", "cron(0 0 L-99 * ? *)", "cron(0 0 ? * MON-SUN-FRI *)", "cron(" + "1 ".repeat(3000)
            + ")", "rate(" + "9".repeat(5000) + " minutes)", "cron(0 0 1 1 ? 2099-1970)")) {
      c.events(events("PutRule", rule.replace("rate(5 minutes)", expression) + "}"), VALIDATION);
    }
    c.events(events("PutRule", rule + ",\"State\":[]}"), VALIDATION);
    c.events(events("PutRule", rule + ",\"State\":\"ON\"}"), VALIDATION);
    c.events(events("PutRule", rule.replace("\"r\"", "\"../r\"") + "}"), VALIDATION);
    c.events(events("PutRule", rule.replace("\"r\"", "\"" + "r".repeat(10_000) + "\"") + "}"), VALIDATION);
    c.events(events("PutRule", rule + ",\"EventPattern\":\"{}\"}"), VALIDATION);
    c.events(events("PutTargets", "{\"Rule\":5}"), VALIDATION);
    c.events(events("PutTargets", "{\"Rule\":\"nope\",\"Targets\":{}}"), VALIDATION);
    c.events(events("PutTargets", "{\"Rule\":\"nope\",\"Targets\":[1]}"), VALIDATION);
    c.events(events("PutTargets", "{\"Rule\":\"nope\",\"Targets\":[{\"Id\":\"t\",\"Arn\":"
        + "\"arn:aws:lambda:us-east-1:000000000000:function:echo\"}]}"), NOT_FOUND);
    c.events(target("AWSEvents.Bogus", "{}"), UNKNOWN_OPERATION);
    c.events(target("Foo.PutRule", "{}"), UNKNOWN_OPERATION);
    c.events(target("AWSEvents." + "x".repeat(5000), "{}"), UNKNOWN_OPERATION);
    c.lambda(send("POST", "/", "{}".getBytes(UTF_8), "Content-Type", "application/x-amz-json-1.1"), 404,
        UNKNOWN_OPERATION);

    // Content types are not what the body is read by: any body that is not a JSON object is still refused.
    c.lambda(send("POST", FUNCTIONS, "FunctionName=hostile".getBytes(UTF_8),
        "Content-Type", "application/x-www-form-urlencoded"), 400, IRCE);
    c.lambda(send("POST", FUNCTIONS, "{\"FunctionName\":\"hostile\"}".getBytes(UTF_8), "Content-Type", "text/plain"),
        400, IPVE);
    c.lambda(send("POST", FUNCTIONS, "{\"FunctionName\":\"hostile\"}".getBytes(UTF_8)), 400, IPVE);
    c.lambda(send("POST", FUNCTIONS, "{\"FunctionName\":\"hostile\"}".getBytes(UTF_8), "Content-Type",
        "application/json; charset=ebcdic"), 400, IPVE);
    c.lambda(send("POST", FUNCTIONS, gzipGarbage(), "Content-Type", "application/json", "Content-Encoding", "gzip"),
        400, IRCE);
    c.lambda(send("PUT", CONCURRENCY, "<ReservedConcurrentExecutions>5</ReservedConcurrentExecutions>"
        .getBytes(UTF_8), "Content-Type", "application/xml"), 400, IRCE);
    c.events(send("POST", "/", "{\"Name\":5}".getBytes(UTF_8), "X-Amz-Target", "AWSEvents.PutRule",
        "Content-Type", "text/html"), VALIDATION);
    c.verify();
  }

  @Test
  void bodies_over_each_limit_are_refused_with_or_without_a_content_length() throws Exception {
    Checks c = new Checks();
    List<String> limited = List.of("PUT " + ECHO + "/configuration", "POST " + ECHO + "/aliases",
        "POST " + ECHO + "/versions", "PUT " + CONCURRENCY, "POST " + MAPPINGS, "PUT " + INVOKE_CONFIG,
        "POST " + URL_CONFIG);
    for (String operation : limited) {
      String[] methodAndPath = operation.split(" ");
      c.lambda(send(methodAndPath[0], methodAndPath[1], filler(CONTROL_LIMIT + 1)), 413, TOO_LARGE);
      c.lambda(raw(methodAndPath[0], methodAndPath[1], Upload.chunked(CONTROL_LIMIT + 100_000)), 413, TOO_LARGE);
    }
    c.lambda(raw("POST", FUNCTIONS, Upload.declared(CODE_LIMIT + 1)), 413, TOO_LARGE);
    c.lambda(raw("POST", FUNCTIONS, Upload.declared(200_000_000)), 413, TOO_LARGE);
    c.lambda(raw("POST", FUNCTIONS, Upload.chunked(CODE_LIMIT + 100_000)), 413, TOO_LARGE);
    c.lambda(raw("PUT", ECHO + "/code", Upload.chunked(CODE_LIMIT + 100_000)), 413, TOO_LARGE);
    c.lambda(send("POST", INVOKE, filler(7 * 1024 * 1024)), 413, TOO_LARGE);
    c.lambda(send("POST", INVOKE, filler(INVOKE_LIMIT + 1)), 413, TOO_LARGE);
    c.lambda(raw("POST", INVOKE, Upload.chunked(7 * 1024 * 1024)), 413, TOO_LARGE);
    c.lambda(send("POST", INVOKE, filler(300 * 1024), "X-Amz-Invocation-Type", "Event"), 413, TOO_LARGE);
    c.lambda(send("POST", INVOKE, filler(EVENT_LIMIT + 1), "X-Amz-Invocation-Type", "Event"), 413, TOO_LARGE);
    c.lambda(raw("POST", INVOKE, Upload.chunked(300 * 1024), "X-Amz-Invocation-Type: Event"), 413, TOO_LARGE);
    c.events(events("PutRule", filler(CONTROL_LIMIT + 1)), VALIDATION);
    c.events(raw("POST", "/", Upload.chunked(CONTROL_LIMIT + 100_000), "X-Amz-Target: AWSEvents.PutRule",
        "Content-Type: application/x-amz-json-1.1"), VALIDATION);

    // A body whose framing is broken never becomes a request the operation can read.
    c.lambda(raw("POST", FUNCTIONS, Upload.bytes("zz\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked")), 400, IRCE);
    c.lambda(raw("POST", INVOKE, Upload.bytes("5\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked")), 400, IRCE);
    c.events(raw("POST", "/", Upload.bytes("zz\r\n", "Transfer-Encoding: chunked"), "X-Amz-Target: AWSEvents.PutRule"),
        VALIDATION);
    c.http(raw("POST", FUNCTIONS, Upload.bytes("{}", "Content-Length: -1")), 400);
    c.http(raw("POST", FUNCTIONS, Upload.bytes("{}", "Content-Length: 2x")), 400);
    c.http(raw("POST", FUNCTIONS, Upload.bytes("{}", "Content-Length: 99999999999999999999999")), 400);
    c.http(raw("POST", FUNCTIONS, Upload.bytes("{}", "Content-Length: 2", "Content-Length: 3")), 400);
    c.http(raw("POST", FUNCTIONS, Upload.bytes("2\r\n{}\r\n0\r\n\r\n", "Content-Length: 2",
        "Transfer-Encoding: chunked")), 400);
    c.verify();
  }

  @Test
  void path_and_qualifier_tricks_reach_no_other_function_region_account_or_file() throws Exception {
    Checks c = new Checks();
    for (String name : List.of("..%2F..%2Fpetrel.db", "echo%2Fconfiguration", "echo%00", "%00",
        "a".repeat(1000), "%E5%87%BD%E6%95%B0", "echo%3A%3A", "echo%3A..", "echo%0D%0AX-Injected%3A%201",
        "%F0%9F%92%A5")) {
      c.lambda(get(FUNCTIONS + "/" + name), 400, IPVE);
    }
    for (String arn : List.of("arn:aws:lambda:eu-west-1:000000000000:function:echo",
        "arn:aws:lambda:us-east-1:123456789012:function:echo", "123456789012:function:echo",
        "arn:aws-cn:lambda:cn-north-1:000000000000:function:echo:1",
        "arn:aws:lambda:eu-west-1:000000000000:function:echo:$LATEST")) {
      String encoded = arn.replace(":", "%3A").replace("$", "%24");
      c.lambda(get(FUNCTIONS + "/" + encoded), 404, NOT_FOUND);
      c.lambda(send("POST", FUNCTIONS + "/" + encoded + "/invocations", "{}".getBytes(UTF_8)), 404, NOT_FOUND);
      c.lambda(send("DELETE", FUNCTIONS + "/" + encoded, null), 404, NOT_FOUND);
    }
    for (String qualifier : List.of("..%2F..", "%00", "%24LATEST%00", "q".repeat(1000), "%2e%2e", "a%2Fb",
        "%E2%80%AE")) {
      c.lambda(get(ECHO + "?Qualifier=" + qualifier), 400, IPVE);
      c.lambda(send("POST", INVOKE + "?Qualifier=" + qualifier, "{}".getBytes(UTF_8)), 400, IPVE);
      c.lambda(send("DELETE", ECHO + "?Qualifier=" + qualifier, null), 400, IPVE);
    }
    for (String version : List.of("99", "9999999999999999999", "9223372036854775808")) {
      c.lambda(get(ECHO + "?Qualifier=" + version), 404, NOT_FOUND);
      c.lambda(get(ECHO + "/configuration?Qualifier=" + version), 404, NOT_FOUND);
      c.lambda(send("POST", INVOKE + "?Qualifier=" + version, "{}".getBytes(UTF_8)), 404, NOT_FOUND);
      c.lambda(send("POST", INVOKE + "?Qualifier=" + version, "{}".getBytes(UTF_8), "X-Amz-Invocation-Type",
          "DryRun"), 404, NOT_FOUND);
      c.lambda(send("POST", INVOKE + "?Qualifier=" + version, "{}".getBytes(UTF_8), "X-Amz-Invocation-Type",
          "Event"), 404, NOT_FOUND);
      c.lambda(send("DELETE", ECHO + "?Qualifier=" + version, null), 404, NOT_FOUND);
      c.lambda(get(INVOKE_CONFIG + "?Qualifier=" + version), 404, NOT_FOUND);
    }
    c.lambda(get(FUNCTIONS + "/echo%3A1?Qualifier=2"), 400, IPVE);
    c.http(get(FUNCTIONS + "/" + "a".repeat(10_000)), 414);
    c.http(get(ECHO + "?Qualifier=" + "q".repeat(10_000)), 414);
    c.lambda(get(ECHO + "/aliases/..%2F..%2Fx"), 404, NOT_FOUND);
    c.lambda(get(ECHO + "/aliases/" + "a".repeat(1000)), 404, NOT_FOUND);
    c.lambda(send("DELETE", ECHO + "/aliases/%00", null), 404, NOT_FOUND);
    c.lambda(get(ECHO + "/versions?Marker=%00&MaxItems=-1"), 400, IPVE);
    c.lambda(get(ECHO + "/versions?MaxItems=99999999999"), 400, IPVE);
    c.lambda(get(FUNCTIONS + "?FunctionVersion=..%2F"), 400, IPVE);
    c.lambda(get(MAPPINGS + "/..%2F..%2Fx"), 404, NOT_FOUND);
    c.lambda(get(MAPPINGS + "?FunctionName=%00"), 400, IPVE);
    c.lambda(get("/2019-09-30/functions/echo%00/concurrency"), 400, IPVE);
    c.lambda(get("/2021-10-31/functions/echo/url?Qualifier=%00"), 400, IPVE);
    c.lambda(get("/petrel/code/echo/%24LATEST/..%2F..%2Fpetrel.db"), 404, NOT_FOUND);
    c.lambda(get("/petrel/code/..%2F..%2Fecho/%24LATEST/" + "0".repeat(64) + ".zip"), 404, NOT_FOUND);
    c.lambda(get("/petrel/code/echo/%24LATEST/" + "0".repeat(64) + ".zip"), 404, NOT_FOUND);
    // another function's package by its hash, through a function it does not belong to
    c.lambda(get("/petrel/code/web/%24LATEST/" + hex(echoBefore.codeSha256()) + ".zip"), 404, NOT_FOUND);
    c.lambda(get("/petrel/v1/functions/..%2F..%2Fecho/invocations"), 400, IPVE);
    c.lambda(get("/petrel/v1/functions/echo/invocations?from=%00&limit=99999999999"), 400, IPVE);
    c.lambda(get("/petrel/v1/functions/echo/logs?to=-99999999-01-01T00:00:00Z"), 400, IPVE);
    // Dot segments are resolved before routing, as RFC 3986 has it, so they only ever lead to another path.
    c.lambda(get(FUNCTIONS + "/.."), 404, UNKNOWN_OPERATION);
    c.lambda(get(FUNCTIONS + "/%2e%2e"), 404, UNKNOWN_OPERATION);
    c.lambda(get(FUNCTIONS + "/echo/../../../petrel.db"), 404, UNKNOWN_OPERATION);
    c.lambda(raw("GET", FUNCTIONS + "/../../../../etc/passwd", Upload.NONE), 404, UNKNOWN_OPERATION);
    c.http(rawRequest("GET " + FUNCTIONS + "/\u00e9cho HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", UTF_8), 400);
    c.http(rawRequest("GET " + FUNCTIONS + "/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", UTF_8), 400);
    c.http(rawRequest("GET " + FUNCTIONS + "/echo\u0000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", UTF_8), 400);
    c.verify();
  }

  @Test
  void hostile_zips_are_refused_before_anything_is_stored() throws Exception {
    Checks c = new Checks();
    byte[] valid = TestNodes.pythonZip("return 1").asByteArray();
    Map<String, byte[]> zips = new LinkedHashMap<>();
    zips.put("not a zip", "def handler(e, c): return 1".getBytes(UTF_8));
    zips.put("an empty zip", zip(Map.of()));
    zips.put("a truncated zip", java.util.Arrays.copyOf(valid, valid.length / 2));
    zips.put("a zip without its central directory", java.util.Arrays.copyOf(valid, valid.length - 22));
    zips.put("an entry escaping with ..", zip(Map.of("app.py", "x", "../escape.py", "x")));
    zips.put("an entry escaping with ..\\", zip(Map.of("app.py", "x", "..\\escape.py", "x")));
    zips.put("an absolute entry", zip(Map.of("app.py", "x", "/tmp/escape.py", "x")));
    zips.put("a Windows drive entry", zip(Map.of("app.py", "x", "C:/escape.py", "x")));
    zips.put("a symlink out of the package", links("app.py", "../../../../etc/passwd"));
    zips.put("a symlink to an absolute path", links("app.py", "/etc/passwd"));
    zips.put("a symlink chain out of the package", links("a", "b/..", "b", "../..", "app.py", "a/x"));
    zips.put("duplicate entries", duplicates());
    zips.put("a bomb of 260 MB of zeros", bomb(260L * 1024 * 1024));
    String create = "{\"FunctionName\":\"hostile-zip\",\"Runtime\":\"" + python + "\",\"Handler\":\"app.handler\","
        + "\"Role\":\"" + ROLE + "\",\"Code\":{\"ZipFile\":\"%s\"}}";
    for (byte[] zip : zips.values()) {
      c.lambda(post(FUNCTIONS, create.formatted(base64(zip))), 400, IPVE);
      c.lambda(put(ECHO + "/code", "{\"ZipFile\":\"" + base64(zip) + "\"}"), 400, IPVE);
    }
    c.lambda(post(FUNCTIONS, create.formatted("!!! not base64 !!!")), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.formatted("")), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.formatted("A".repeat(CONTROL_LIMIT * 10))), 400, IPVE);
    c.lambda(post(FUNCTIONS, create.formatted("A".repeat(CODE_LIMIT - 200))), 400, IPVE);
    c.verify();
  }

  @Test
  void invoke_refuses_bad_headers_and_hands_odd_payloads_to_the_function_as_lambda_does() throws Exception {
    Checks c = new Checks();
    byte[] empty = "{}".getBytes(UTF_8);
    for (String type : List.of("Bogus", "event", "", "RequestResponse,Event", "DryRun\tEvent")) {
      c.lambda(send("POST", INVOKE, empty, "X-Amz-Invocation-Type", type), 400, IPVE);
    }
    for (String logType : List.of("Bogus", "tail", "")) {
      c.lambda(send("POST", INVOKE, empty, "X-Amz-Log-Type", logType), 400, IPVE);
    }
    for (String type : List.of("RequestResponse", "Event")) {
      for (String context : List.of("not base64!!", base64("not json".getBytes(UTF_8)),
          base64("[1,2]".getBytes(UTF_8)), base64(new byte[] {(byte) 0xff, (byte) 0xfe}))) {
        c.lambda(send("POST", INVOKE, empty, "X-Amz-Invocation-Type", type, "X-Amz-Client-Context", context), 400,
            IRCE);
      }
      c.lambda(send("POST", INVOKE, empty, "X-Amz-Invocation-Type", type, "X-Amz-Client-Context", "A".repeat(3584)),
          400, IPVE);
    }
    c.http(send("POST", INVOKE, empty, "X-Amz-Client-Context", "A".repeat(100 * 1024)), 431);
    c.http(send("POST", INVOKE, empty, "X-Amz-Invocation-Type", "E".repeat(100 * 1024)), 431);
    c.http(send("POST", INVOKE, empty, headers(200, 100)), 400);
    c.http(raw("POST", INVOKE, Upload.bytes("{}", "Content-Length: 2"), "X-Amz-Invocation-Type: Event\u0000"), 400);
    c.ok(send("POST", INVOKE, empty, headers(50, 100)), 200);

    // Lambda passes the payload through as bytes; what the function cannot read is the function's error.
    c.functionError(send("POST", INVOKE, "{".getBytes(UTF_8)));
    c.functionError(send("POST", INVOKE, new byte[] {'"', (byte) 0xff, (byte) 0xfe, '"'}));
    c.functionError(send("POST", INVOKE, nested(100_000, "[", "]", "")));
    c.verify();
  }

  @Test
  void function_urls_and_the_http_layer_refuse_huge_headers_bodies_and_malformed_requests() throws Exception {
    Checks c = new Checks();
    String url = "/url/" + urlId;
    c.url(send("POST", url + "/", filler(7 * 1024 * 1024)), 413);
    c.url(send("POST", url + "/", filler(INVOKE_LIMIT + 1)), 413);
    c.url(raw("POST", url + "/", Upload.chunked(7 * 1024 * 1024)), 413);
    c.url(raw("POST", url + "/", Upload.bytes("zz\r\n", "Transfer-Encoding: chunked")), 400);
    c.url(get("/url/" + "0".repeat(32) + "/"), 404);
    c.url(get("/url/..%2F..%2F2015-03-31%2Ffunctions/"), 404);
    c.url(get("/url/" + urlId.toUpperCase(Locale.ROOT) + "%00/"), 404);
    c.url(rawRequest("GET / HTTP/1.1\r\nHost: " + "0".repeat(32) + ".lambda-url.us-east-1.localhost\r\n"
        + "Connection: close\r\n\r\n", UTF_8), 404);
    c.http(send("GET", url + "/", null, "X-Huge", "h".repeat(100 * 1024)), 431);
    c.http(send("GET", url + "/", null, headers(200, 100)), 400);
    c.http(send("GET", url + "/", null, "Cookie", "c=" + "v".repeat(100 * 1024)), 431);
    c.http(send("GET", url + "/" + "p".repeat(10_000), null), 414);
    c.http(rawRequest("GET / HTTP/1.1\r\nHost: " + "h".repeat(100 * 1024) + "\r\nConnection: close\r\n\r\n", UTF_8),
        431);
    // What the HTTP layer lets through reaches the function as Lambda would pass it on.
    c.ok(send("GET", url + "/..%2F..%2F%00/%2e%2e?q=%00&" + "a=1&".repeat(300), null,
        "Cookie", "c=" + "v".repeat(7000)), 200);
    c.ok(send("POST", url + "/", new byte[] {(byte) 0xff, (byte) 0xfe, 0}, "Content-Type", "text/plain"), 200);
    c.ok(send("POST", url + "/", nested(100_000, "[", "]", ""), "Content-Type", "application/json"), 200);
    c.ok(send("GET", url + "/", null, headers(50, 100)), 200);

    for (String request : List.of("GARBAGE".repeat(5) + "\r\n\r\n", "\u0000".repeat(40) + "\r\n\r\n",
        "GET / HTTP/1.1\r\nNoColonHere\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n",
        "GET /petrel/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET /\u0007 HTTP/1.1\r\nHost: x\r\n\r\n")) {
      c.http(rawRequest(request, ISO_8859_1), 400);
    }
    c.http(rawRequest("GET / HTTP/1.1\r\n" + "X".repeat(10_000) + ": v\r\n\r\n", ISO_8859_1), 431);
    c.lambda(rawRequest("GET  HTTP/1.1\r\nHost: x\r\n\r\n", ISO_8859_1), 404, UNKNOWN_OPERATION);
    // An unknown method is HTTP's own 501 (RFC 9110, 15.6.2), answered before any route.
    c.http(rawRequest("BREW /petrel/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ISO_8859_1), 501);
    c.verify();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void afterwards_the_node_is_healthy_its_functions_work_and_nothing_was_half_created() throws Exception {
    assertThat(get("/petrel/health").status()).isEqualTo(200);
    var reply = lambda.invoke(b -> b.functionName("echo").payload(SdkBytes.fromUtf8String("{\"n\": 1}")));
    assertThat(reply.functionError()).isNull();
    assertThat(json.readTree(reply.payload().asUtf8String())).isEqualTo(json.readTree("{\"n\": 1}"));
    Reply web = send("POST", "/url/" + urlId + "/", "abc".getBytes(UTF_8), "Content-Type", "text/plain");
    assertThat(web.status()).isEqualTo(200);
    assertThat(web.body()).isEqualTo("3");

    assertThat(lambda.listFunctions().functions()).extracting(FunctionConfiguration::functionName)
        .containsExactlyInAnyOrder("echo", "web");
    var echo = lambda.getFunctionConfiguration(b -> b.functionName("echo"));
    assertThat(echo.revisionId()).isEqualTo(echoBefore.revisionId());
    assertThat(echo.codeSha256()).isEqualTo(echoBefore.codeSha256());
    assertThat(lambda.listVersionsByFunction(b -> b.functionName("echo")).versions()).hasSize(1);
    assertThat(lambda.listAliases(b -> b.functionName("echo")).aliases()).isEmpty();
    assertThat(lambda.getFunctionConcurrency(b -> b.functionName("echo")).reservedConcurrentExecutions()).isNull();
    assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName("echo")).functionEventInvokeConfigs())
        .isEmpty();
    assertThat(lambda.listFunctionUrlConfigs(b -> b.functionName("echo")).functionUrlConfigs()).isEmpty();
    assertThat(lambda.listEventSourceMappings().eventSourceMappings()).isEmpty();
    try (var events = TestNodes.eventBridge(node.port())) {
      assertThat(events.listRules(b -> { }).rules()).isEmpty();
    }
    // Only the packages of the functions that ran were ever unpacked; no refused upload left a folder behind.
    try (Stream<Path> unpacked = Files.list(dataDir.resolve("code"))) {
      assertThat(unpacked.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
          .isEqualTo(Set.of(hex(echoBefore.codeSha256()), hex(webBefore.codeSha256())));
    }
  }

  // ---- what an answer must be ----

  /** Collects every answer that is not the expected refusal, so that one run names all of them. */
  private static final class Checks {
    private final List<String> failures = new ArrayList<>();

    /** A Lambda REST API refusal: this status, x-amzn-ErrorType naming this type and Lambda's error body. */
    void lambda(Reply r, int status, String type) {
      require(r, r.status() == status && type.equals(r.errorType()) && r.body().contains("\"Message\""),
          status + " " + type);
    }

    /** An EventBridge (AWS JSON 1.1) refusal: 400 with {"__type": type}. */
    void events(Reply r, String type) {
      require(r, r.status() == 400 && type.equals(r.eventsType()), "400 __type " + type);
    }

    /** A function URL refusal: this status with a {"Message"} body. */
    void url(Reply r, int status) {
      require(r, r.status() == status && r.body().contains("\"Message\""), status + " {\"Message\"}");
    }

    /** A refusal of the HTTP layer, before any route: a 4xx of its own, without Lambda's error type. */
    void http(Reply r, int status) {
      require(r, r.status() == status, String.valueOf(status));
    }

    void ok(Reply r, int status) {
      require(r, r.status() == status && r.errorType().isEmpty(), String.valueOf(status));
    }

    /** Invoke answering 200 with X-Amz-Function-Error: the payload reached the function, which failed on it. */
    void functionError(Reply r) {
      require(r, r.status() == 200 && !r.header("X-Amz-Function-Error").isEmpty(), "200 X-Amz-Function-Error");
    }

    private void require(Reply r, boolean expected, String what) {
      sent.incrementAndGet();
      boolean leaks = JAVA_LEAK.matcher(r.body()).find();
      if (!expected || leaks) {
        failures.add(r.request() + "\n    expected " + what + (leaks ? " without Java internals" : "") + ", got "
            + r.status() + " " + r.errorType() + " " + abbreviate(r.body(), 300));
      }
    }

    void verify() {
      assertThat(failures).as(failures.size() + " unexpected answers").isEmpty();
    }
  }

  /** An answer: the request it answers (abbreviated), status, headers and body. Status -1: no answer at all. */
  private record Reply(String request, int status, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst().orElse("");
    }

    String errorType() {
      return header("x-amzn-ErrorType").split(":")[0];
    }

    String eventsType() {
      try {
        JsonNode node = json.readTree(body);
        return node == null ? "" : node.path("__type").asText();
      } catch (IOException notJson) {
        return "";
      }
    }
  }

  // ---- sending ----

  private static Reply get(String path) throws InterruptedException {
    return send("GET", path, null);
  }

  private static Reply post(String path, String body) throws InterruptedException {
    return send("POST", path, body.getBytes(UTF_8), "Content-Type", "application/json");
  }

  private static Reply put(String path, String body) throws InterruptedException {
    return send("PUT", path, body.getBytes(UTF_8), "Content-Type", "application/json");
  }

  private static Reply events(String operation, String body) throws InterruptedException {
    return events(operation, body.getBytes(UTF_8));
  }

  private static Reply events(String operation, byte[] body) throws InterruptedException {
    return target("AWSEvents." + operation, body);
  }

  /** An AWS JSON 1.1 call with this X-Amz-Target. */
  private static Reply target(String target, String body) throws InterruptedException {
    return target(target, body.getBytes(UTF_8));
  }

  private static Reply target(String target, byte[] body) throws InterruptedException {
    return send("POST", "/", body, "X-Amz-Target", target, "Content-Type", "application/x-amz-json-1.1");
  }

  /** A request as java.net.http sends it (with a Content-Length when there is a body). */
  private static Reply send(String method, String path, byte[] body, String... headers) throws InterruptedException {
    String label = method + " " + abbreviate(path, 120) + (body == null ? "" : " [" + describe(body) + "]")
        + (headers.length == 0 ? "" : " " + abbreviate(String.join(" ", headers), 120));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(label, r.statusCode(), r.headers().map(), new String(r.body(), UTF_8));
    } catch (IOException e) {
      return new Reply(label, -1, Map.of(), "no answer: " + e);
    }
  }

  /** How a raw request sends its body. */
  private record Upload(String label, List<String> headers, long length, boolean chunked, byte[] exact) {
    static final Upload NONE = new Upload("", List.of(), 0, false, new byte[0]);

    /** {@code length} bytes of filler announced by Content-Length. */
    static Upload declared(long length) {
      return new Upload(length + " bytes", List.of("Content-Length: " + length), length, false, null);
    }

    /** {@code length} bytes of filler in 64 KB chunks, no Content-Length. */
    static Upload chunked(long length) {
      return new Upload(length + " bytes chunked", List.of("Transfer-Encoding: chunked"), length, true, null);
    }

    /** Exactly these bytes after these headers, framing and all. */
    static Upload bytes(String body, String... headers) {
      return new Upload(String.join(" ", headers) + " [" + abbreviate(body, 40).replace("\r\n", "\\r\\n") + "]",
          List.of(headers), 0, false, body.getBytes(ISO_8859_1));
    }

    void writeTo(OutputStream out) throws IOException {
      if (exact != null) {
        out.write(exact);
        return;
      }
      byte[] block = new byte[64 * 1024];
      java.util.Arrays.fill(block, (byte) 'x');
      for (long left = length; left > 0; ) {
        int n = (int) Math.min(block.length, left);
        if (chunked) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
        }
        out.write(block, 0, n);
        if (chunked) {
          out.write("\r\n".getBytes(ISO_8859_1));
        }
        left -= n;
      }
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(ISO_8859_1));
      }
    }
  }

  /** A request written on a socket as given (for what java.net.http will not send), with its body uploaded. */
  private static Reply raw(String method, String path, Upload upload, String... headers) throws IOException {
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    Stream.concat(Stream.of(headers), upload.headers().stream()).forEach(h -> head.append(h).append("\r\n"));
    head.append("Connection: close\r\n\r\n");
    String label = method + " " + abbreviate(path, 120) + " " + upload.label() + " " + String.join(" ", headers);
    return exchange(label, head.toString().getBytes(UTF_8), upload);
  }

  private static Reply rawRequest(String request, java.nio.charset.Charset charset) throws IOException {
    return exchange("raw " + abbreviate(request, 120).replace("\r\n", "\\r\\n").replace("\u0000", "\\0"),
        request.getBytes(charset), Upload.NONE);
  }

  /**
   * Writes the request on its own thread (the server may answer and close before all of it is read) and reads the
   * answer until it is complete or the server closes the connection.
   */
  private static Reply exchange(String label, byte[] head, Upload upload) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(head);
          upload.writeTo(out);
          out.flush();
        } catch (IOException refusedMidUpload) {
          // the server answered early and closed: what it answered is what the test checks
        }
      });
      writer.setDaemon(true);
      writer.start();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; !complete(answer.toString(ISO_8859_1)) && (n = in.read(buffer)) != -1; ) {
          answer.write(buffer, 0, n);
        }
      } catch (java.net.SocketTimeoutException hang) {
        return new Reply(label, -1, Map.of(), "no answer within " + TIMEOUT + ": " + answer.toString(UTF_8));
      } catch (SocketException reset) {
        // a reset after the answer arrived
      }
      return parse(label, answer.toString(ISO_8859_1));
    }
  }

  /** Whether {@code answer} holds a whole response with a Content-Length. */
  private static boolean complete(String answer) {
    int end = answer.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    var length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(answer.substring(0, end));
    return length.find() && answer.length() - end - 4 >= Integer.parseInt(length.group(1));
  }

  private static Reply parse(String label, String answer) {
    int end = answer.indexOf("\r\n\r\n");
    if (!answer.startsWith("HTTP/1.1 ") || end < 0) {
      return new Reply(label, -1, Map.of(), "not an HTTP answer: " + answer);
    }
    String[] lines = answer.substring(0, end).split("\r\n");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    String body = new String(answer.substring(end + 4).getBytes(ISO_8859_1), UTF_8);
    return new Reply(label, Integer.parseInt(lines[0].substring(9, 12)), headers, body);
  }

  // ---- hostile content ----

  private static Map<String, byte[]> unreadableBodies() {
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("truncated JSON", "{\"FunctionName\": \"x\"".getBytes(UTF_8));
    bodies.put("form data", "FunctionName=x&Runtime=python3.12".getBytes(UTF_8));
    bodies.put("an array", "[{\"FunctionName\": \"x\"}]".getBytes(UTF_8));
    bodies.put("a string", "\"{}\"".getBytes(UTF_8));
    bodies.put("a number", "42".getBytes(UTF_8));
    bodies.put("JSON null", "null".getBytes(UTF_8));
    bodies.put("an object followed by more", "{} {\"FunctionName\": \"x\"}".getBytes(UTF_8));
    bodies.put("an object followed by garbage", "{}\u0000garbage".getBytes(UTF_8));
    bodies.put("100,000 nested arrays", nested(100_000, "[", "]", ""));
    bodies.put("100,000 nested objects", nested(100_000, "{\"a\":", "}", "1"));
    bodies.put("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'});
    bodies.put("a NUL byte", new byte[] {0});
    bodies.put("a 5,000-digit number", ("{\"Timeout\": " + "9".repeat(5000) + "}").getBytes(UTF_8));
    bodies.put("an unterminated nest", "{\"a\": 1, \"a\": {\"a\": [".getBytes(UTF_8));
    return bodies;
  }

  private static byte[] nested(int depth, String open, String close, String inner) {
    return (open.repeat(depth) + inner + close.repeat(depth)).getBytes(UTF_8);
  }

  private static byte[] filler(int length) {
    byte[] body = new byte[length];
    java.util.Arrays.fill(body, (byte) 'x');
    return body;
  }

  private static String[] headers(int count, int length) {
    String[] headers = new String[count * 2];
    for (int i = 0; i < count; i++) {
      headers[2 * i] = "X-Hostile-" + i;
      headers[2 * i + 1] = "v".repeat(length);
    }
    return headers;
  }

  private static byte[] gzipGarbage() {
    return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 'n', 'o', 't', ' ', 'g', 'z'};
  }

  private static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (var file : new java.util.TreeMap<>(files).entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A zip of symbolic links, given as name and target pairs, besides app.py when no link takes that name. */
  private static byte[] links(String... namesAndTargets) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < namesAndTargets.length; i += 2) {
        ZipArchiveEntry link = new ZipArchiveEntry(namesAndTargets[i]);
        link.setUnixMode(0120777);
        zip.putArchiveEntry(link);
        zip.write(namesAndTargets[i + 1].getBytes(UTF_8));
        zip.closeArchiveEntry();
        names.add(namesAndTargets[i]);
      }
      if (!names.contains("app.py")) {
        zip.putArchiveEntry(new ZipArchiveEntry("app.py"));
        zip.write("def handler(e, c): return 1\n".getBytes(UTF_8));
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] duplicates() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (String body : List.of("def handler(e, c): return 1\n", "import os\nos.system('id')\n")) {
        zip.putArchiveEntry(new ZipArchiveEntry("app.py"));
        zip.write(body.getBytes(UTF_8));
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A small zip with one entry that inflates to {@code size} bytes of zeros, streamed rather than held. */
  private static byte[] bomb(long size) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setLevel(9);
      zip.putNextEntry(new ZipEntry("app.py"));
      byte[] zeros = new byte[1024 * 1024];
      for (long written = 0; written < size; written += zeros.length) {
        zip.write(zeros);
      }
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static String hex(String base64Sha) {
    return HexFormat.of().formatHex(Base64.getDecoder().decode(base64Sha));
  }

  private static String describe(byte[] body) {
    return body.length > 200 ? body.length + " bytes" : abbreviate(new String(body, UTF_8), 120);
  }

  private static String abbreviate(String s, int max) {
    String shown = s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
    return shown.replace("\u0000", "\\0");
  }
}
