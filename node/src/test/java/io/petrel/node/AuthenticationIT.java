package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * A node that requires AWS Signature Version 4 (two access keys of two accounts): the AWS SDK for Java v2 with
 * the right key works; a wrong secret, an unknown key, an expired date and no signature are refused with AWS's
 * error names; and each account sees, invokes and changes only its own functions, versions, aliases, URLs,
 * invoke configurations, mappings, schedules, invocation records and usage.
 */
class AuthenticationIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();

  private static PetrelNode node;
  private static LambdaClient main;
  private static LambdaClient other;
  private static String python;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(Files.createTempDirectory("petrel-auth-it"), Map.of(
        "petrel.auth.required", true,
        "petrel.auth.keys", List.of(
            Map.of("access-key-id", TestKeys.MAIN.id(), "secret-access-key", TestKeys.MAIN.secret(),
                "account", TestKeys.MAIN.account()),
            Map.of("access-key-id", TestKeys.OTHER.id(), "secret-access-key", TestKeys.OTHER.secret(),
                "account", TestKeys.OTHER.account()))));
    main = client(TestKeys.MAIN.credentials());
    other = client(TestKeys.OTHER.credentials());
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
    main.createFunction(b -> b.functionName("mine").runtime(python).handler("app.handler").role(ROLE)
        .code(c -> c.zipFile(TestNodes.pythonZip("return {'account': context.invoked_function_arn.split(':')[4],"
            + " 'event': event}")))
        .environment(e -> e.variables(Map.of("OWNER", "main"))));
    main.publishVersion(b -> b.functionName("mine"));
    main.createAlias(b -> b.functionName("mine").name("live").functionVersion("1"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  private static LambdaClient client(StaticCredentialsProvider credentials) {
    return LambdaClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + node.port()))
        .region(Region.US_EAST_1).credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  private static EventBridgeClient events(TestKeys.Key key) {
    return EventBridgeClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + node.port()))
        .region(Region.US_EAST_1).credentialsProvider(key.credentials()).httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static void refused(Runnable call, String errorCode) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(403);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
    });
  }

  @Test
  void the_sdk_signed_with_a_configured_key_works_and_acts_for_its_account() {
    var reply = main.invoke(b -> b.functionName("mine").qualifier("live").payload(SdkBytes.fromUtf8String("{}")));
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.payload().asUtf8String()).contains("\"account\": \"000000000000\"");
    assertThat(main.getFunction(b -> b.functionName("mine")).configuration().functionArn())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:mine");
  }

  @Test
  void a_wrong_secret_an_unknown_key_and_a_wrong_region_are_refused() {
    LambdaClient wrongSecret = client(StaticCredentialsProvider.create(AwsBasicCredentials.create(
        TestKeys.MAIN.id(), "not-the-secret-of-this-key-000")));
    refused(() -> wrongSecret.listFunctions(), "InvalidSignatureException");
    refused(() -> wrongSecret.invoke(b -> b.functionName("mine")), "InvalidSignatureException");

    LambdaClient unknown = client(StaticCredentialsProvider.create(AwsBasicCredentials.create(
        "AKIAUNKNOWNKEY000099", "whatever-secret-000000000")));
    refused(() -> unknown.listFunctions(), "UnrecognizedClientException");

    LambdaClient elsewhere = LambdaClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + node.port()))
        .region(Region.EU_WEST_1).credentialsProvider(TestKeys.MAIN.credentials())
        .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
        .build();
    refused(() -> elsewhere.listFunctions(), "InvalidSignatureException");
  }

  @Test
  void unsigned_expired_and_tampered_requests_are_refused_and_liveness_stays_open() throws Exception {
    URI list = URI.create("http://127.0.0.1:" + node.port() + "/2015-03-31/functions/");
    HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(list).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
    assertThat(unsigned.body()).doesNotContain("mine");

    HttpResponse<String> expired = http.send(signedAt(Instant.now().minus(Duration.ofMinutes(6)), list)
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(expired.statusCode()).isEqualTo(403);
    assertThat(expired.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");
    assertThat(expired.body()).contains("Signature expired");

    HttpResponse<String> fresh = http.send(signedAt(Instant.now().minus(Duration.ofMinutes(4)), list).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(fresh.body()).contains("mine");

    // a body other than the one signed
    URI invoke = URI.create("http://127.0.0.1:" + node.port() + "/2015-03-31/functions/mine/invocations");
    HttpRequest signedInvoke = TestKeys.signed(TestKeys.MAIN, "POST", invoke, "{\"a\":1}".getBytes(
        StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"), "lambda").build();
    HttpRequest tampered = HttpRequest.newBuilder(signedInvoke, (name, value) -> true)
        .POST(HttpRequest.BodyPublishers.ofString("{\"a\":2}")).build();
    HttpResponse<String> tamperedReply = http.send(tampered, HttpResponse.BodyHandlers.ofString());
    assertThat(tamperedReply.statusCode()).isEqualTo(403);
    assertThat(tamperedReply.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");
    assertThat(http.send(signedInvoke, HttpResponse.BodyHandlers.ofString()).body()).contains("{\"a\": 1}");

    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/petrel/health"))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
  }

  private static HttpRequest.Builder signedAt(Instant at, URI uri) {
    return TestKeys.signed(TestKeys.MAIN, "GET", uri, new byte[0], Map.of(), "lambda",
        Clock.fixed(at, ZoneOffset.UTC));
  }

  @Test
  void another_account_can_neither_see_nor_invoke_nor_change_the_functions_of_the_first() {
    String arn = "arn:aws:lambda:us-east-1:000000000000:function:mine";
    assertThat(other.listFunctions().functions()).extracting(f -> f.functionName()).doesNotContain("mine");
    assertThatThrownBy(() -> other.getFunction(b -> b.functionName("mine")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.invoke(b -> b.functionName("mine")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.invoke(b -> b.functionName(arn)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.invoke(b -> b.functionName("mine").qualifier("live")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.updateFunctionConfiguration(b -> b.functionName("mine").timeout(9)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.deleteFunction(b -> b.functionName("mine")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.listVersionsByFunction(b -> b.functionName("mine")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.getAlias(b -> b.functionName("mine").name("live")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.updateAlias(b -> b.functionName("mine").name("live").functionVersion("$LATEST")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.putFunctionConcurrency(b -> b.functionName("mine").reservedConcurrentExecutions(1)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.putFunctionEventInvokeConfig(b -> b.functionName("mine").maximumRetryAttempts(0)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.createFunctionUrlConfig(b -> b.functionName("mine")
        .authType(FunctionUrlAuthType.NONE))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.createEventSourceMapping(b -> b.functionName("mine").topics("t").startingPosition("LATEST")
        .selfManagedEventSource(s -> s.endpointsWithStrings(Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("127.0.0.1:9092"))))))
        .isInstanceOf(ResourceNotFoundException.class);

    // the same name in the other account is a function of its own
    other.createFunction(b -> b.functionName("mine").runtime(python).handler("app.handler").role(ROLE)
        .code(c -> c.zipFile(TestNodes.pythonZip("return {'account': context.invoked_function_arn.split(':')[4]}"))));
    assertThat(other.invoke(b -> b.functionName("mine")).payload().asUtf8String())
        .contains("\"account\": \"222222222222\"");
    // and it cannot send its results to the first account's function either
    assertThatThrownBy(() -> other.putFunctionEventInvokeConfig(b -> b.functionName("mine")
        .destinationConfig(d -> d.onSuccess(s -> s.destination(arn))))).isInstanceOf(
        InvalidParameterValueException.class).hasMessageContaining("your own account");
    assertThat(main.getFunctionConfiguration(b -> b.functionName("mine")).environment().variables())
        .containsEntry("OWNER", "main");
    other.deleteFunction(b -> b.functionName("mine"));
    assertThat(main.getFunction(b -> b.functionName("mine")).configuration().functionName()).isEqualTo("mine");
  }

  @Test
  void mappings_urls_schedules_records_and_usage_stay_inside_their_account() throws Exception {
    String mapping = main.createEventSourceMapping(b -> b.functionName("mine").topics("orders").startingPosition("LATEST")
        .enabled(false)
        .selfManagedEventSource(s -> s.endpointsWithStrings(Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("127.0.0.1:1")))))
        .uuid();
    assertThat(other.listEventSourceMappings().eventSourceMappings()).isEmpty();
    assertThatThrownBy(() -> other.getEventSourceMapping(b -> b.uuid(mapping)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> other.deleteEventSourceMapping(b -> b.uuid(mapping)))
        .isInstanceOf(ResourceNotFoundException.class);
    main.deleteEventSourceMapping(b -> b.uuid(mapping));

    EventBridgeClient mainEvents = events(TestKeys.MAIN);
    EventBridgeClient otherEvents = events(TestKeys.OTHER);
    mainEvents.putRule(b -> b.name("nightly").scheduleExpression("rate(1 day)"));
    assertThat(otherEvents.listRules(b -> { }).rules()).extracting(r -> r.name()).doesNotContain("nightly");
    assertThatThrownBy(() -> otherEvents.describeRule(b -> b.name("nightly")))
        .isInstanceOf(software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException.class);
    otherEvents.putRule(b -> b.name("theirs").scheduleExpression("rate(1 day)"));
    var targets = otherEvents.putTargets(b -> b.rule("theirs").targets(t -> t.id("t")
        .arn("arn:aws:lambda:us-east-1:000000000000:function:mine")));
    assertThat(targets.failedEntryCount()).isEqualTo(1);
    assertThat(targets.failedEntries().get(0).errorMessage()).contains("222222222222");
    assertThat(otherEvents.listTargetsByRule(b -> b.rule("theirs")).targets()).isEmpty();
    mainEvents.deleteRule(b -> b.name("nightly"));
    otherEvents.deleteRule(b -> b.name("theirs"));

    main.createFunction(b -> b.functionName("ledger").runtime(python).handler("app.handler").role(ROLE)
        .code(c -> c.zipFile(TestNodes.pythonZip("return event"))));
    main.invoke(b -> b.functionName("ledger").payload(SdkBytes.fromUtf8String("{\"n\": 1}")));
    URI records = URI.create("http://127.0.0.1:" + node.port() + "/petrel/v1/functions/ledger/invocations");
    HttpResponse<String> mine = http.send(TestKeys.signed(TestKeys.MAIN, "GET", records, new byte[0], Map.of(),
        "lambda").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(mine.statusCode()).isEqualTo(200);
    HttpResponse<String> theirs = http.send(TestKeys.signed(TestKeys.OTHER, "GET", records, new byte[0], Map.of(),
        "lambda").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(theirs.statusCode()).isEqualTo(404);

    URI usage = URI.create("http://127.0.0.1:" + node.port() + "/petrel/v1/usage");
    JsonNode otherUsage = json.readTree(http.send(TestKeys.signed(TestKeys.OTHER, "GET", usage, new byte[0],
        Map.of(), "lambda").build(), HttpResponse.BodyHandlers.ofString()).body());
    assertThat(otherUsage.toString()).contains("222222222222").doesNotContain("ledger");
  }

  @Test
  void a_function_url_with_aws_iam_answers_only_callers_of_its_own_account() throws Exception {
    String url = main.createFunctionUrlConfig(b -> b.functionName("mine").qualifier("live")
        .authType(FunctionUrlAuthType.AWS_IAM)).functionUrl();
    String id = URI.create(url).getHost().split("\\.")[0];
    URI byPath = URI.create("http://127.0.0.1:" + node.port() + "/url/" + id + "/hello?x=1");
    byte[] body = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> type = Map.of("Content-Type", "application/json");

    HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(byPath).POST(HttpRequest.BodyPublishers
        .ofByteArray(body)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(unsigned.body()).isEqualTo("{\"Message\":\"Forbidden\"}");

    HttpResponse<String> signed = http.send(TestKeys.signed(TestKeys.MAIN, "POST", byPath, body, type, "lambda")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signed.statusCode()).isEqualTo(200);
    assertThat(json.readTree(signed.body()).path("event").path("rawPath").asText()).isEqualTo("/hello");

    HttpResponse<String> otherAccount = http.send(TestKeys.signed(TestKeys.OTHER, "POST", byPath, body, type,
        "lambda").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(otherAccount.statusCode()).isEqualTo(403);

    TestKeys.Key wrong = new TestKeys.Key(TestKeys.MAIN.id(), "not-the-secret-0000000000", TestKeys.MAIN.account());
    HttpResponse<String> wrongSecret = http.send(TestKeys.signed(wrong, "POST", byPath, body, type, "lambda")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(wrongSecret.statusCode()).isEqualTo(403);
    assertThat(wrongSecret.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");
    main.deleteFunctionUrlConfig(b -> b.functionName("mine").qualifier("live"));
  }

  @Test
  void the_code_link_of_get_function_downloads_the_package_and_nothing_else() throws Exception {
    String location = main.getFunction(b -> b.functionName("mine")).code().location();
    assertThat(location).contains("X-Amz-Signature=");
    HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zip.statusCode()).isEqualTo(200);
    assertThat(zip.body()).startsWith('P', 'K');

    String elsewhere = location.replace("/mine/", "/yours/");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(elsewhere)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    String unsigned = location.substring(0, location.indexOf('?'));
    assertThat(http.send(HttpRequest.newBuilder(URI.create(unsigned)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
  }

  @Test
  void the_petrel_command_line_signs_with_the_key_in_its_environment() throws Exception {
    Map<String, String> key = Map.of("PETREL_ACCESS_KEY_ID", TestKeys.MAIN.id(),
        "PETREL_SECRET_ACCESS_KEY", TestKeys.MAIN.secret());
    String[] signed = cli(key, "invoke", "mine", "{\"from\":\"cli\"}");
    assertThat(signed[0]).as(signed[2]).isEqualTo("0");
    assertThat(signed[1]).contains("\"from\": \"cli\"");
    assertThat(cli(key, "functions")[1]).contains("mine");

    String[] unsigned = cli(Map.of(), "functions");
    assertThat(unsigned[0]).isNotEqualTo("0");
    assertThat(unsigned[2]).contains("MissingAuthenticationTokenException");
  }

  /** Runs the petrel command line against the node with {@code env}: exit status, stdout, stderr. */
  private static String[] cli(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        java.nio.file.Path.of("target", "petrel.jar").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint", "http://127.0.0.1:" + node.port()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().keySet().removeIf(name -> name.startsWith("PETREL_") || name.startsWith("AWS_"));
    builder.environment().putAll(env);
    java.io.File out = java.io.File.createTempFile("cli", ".out");
    java.io.File err = java.io.File.createTempFile("cli", ".err");
    Process process = builder.redirectOutput(out).redirectError(err).start();
    assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    return new String[] {Integer.toString(process.exitValue()), Files.readString(out.toPath()),
        Files.readString(err.toPath())};
  }
}
