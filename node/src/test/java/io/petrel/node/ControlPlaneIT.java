package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** The Lambda control plane as the AWS SDK for Java v2 sees it, against a real dev node over HTTP. */
class ControlPlaneIT {
  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static String python;

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.client(node.port());
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine has no python3; Petrel's tests need one"));
  }

  @AfterAll
  static void stop() {
    lambda.close();
    node.stop();
  }

  private static CreateFunctionRequest.Builder function(String name) {
    return CreateFunctionRequest.builder()
        .functionName(name)
        .runtime(python)
        .handler("app.handler")
        .role("arn:aws:iam::123456789012:role/petrel")
        .code(c -> c.zipFile(TestNodes.pythonZip("return event")));
  }

  @Test
  void a_function_lives_through_its_whole_lifecycle() throws Exception {
    CreateFunctionResponse created = lambda.createFunction(function("lifecycle").memorySize(256).timeout(10)
        .environment(e -> e.variables(Map.of("GREETING", "hi"))).description("first").build());
    assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:lifecycle");
    assertThat(created.version()).isEqualTo("$LATEST");
    assertThat(created.stateAsString()).isEqualTo("Active");
    assertThat(created.memorySize()).isEqualTo(256);
    assertThat(created.environment().variables()).containsEntry("GREETING", "hi");

    GetFunctionResponse got = lambda.getFunction(r -> r.functionName("lifecycle"));
    assertThat(got.configuration().codeSha256()).isEqualTo(created.codeSha256());
    byte[] downloaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(got.code().location()))
        .build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    assertThat(Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(downloaded)))
        .isEqualTo(created.codeSha256());

    var updated = lambda.updateFunctionCode(r -> r.functionName("lifecycle")
        .zipFile(TestNodes.pythonZip("return {'v': 2}")));
    assertThat(updated.codeSha256()).isNotEqualTo(created.codeSha256());
    assertThat(updated.revisionId()).isNotEqualTo(created.revisionId());

    PublishVersionResponse v1 = lambda.publishVersion(r -> r.functionName("lifecycle"));
    var reconfigured = lambda.updateFunctionConfiguration(r -> r.functionName("lifecycle")
        .memorySize(512).timeout(30).description("second"));
    assertThat(reconfigured.memorySize()).isEqualTo(512);
    assertThat(reconfigured.timeout()).isEqualTo(30);
    assertThat(reconfigured.environment().variables()).containsEntry("GREETING", "hi");
    PublishVersionResponse v2 = lambda.publishVersion(r -> r.functionName("lifecycle").description("v2"));
    assertThat(List.of(v1.version(), v2.version())).containsExactly("1", "2");
    assertThat(v2.functionArn()).endsWith(":function:lifecycle:2");
    assertThat(lambda.getFunctionConfiguration(r -> r.functionName("lifecycle:1")).memorySize()).isEqualTo(256);
    assertThat(lambda.listVersionsByFunction(r -> r.functionName("lifecycle")).versions())
        .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1", "2");

    var alias = lambda.createAlias(r -> r.functionName("lifecycle").name("live").functionVersion("1")
        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 0.1)).build()));
    assertThat(alias.aliasArn()).endsWith(":function:lifecycle:live");
    assertThat(alias.routingConfig().additionalVersionWeights()).containsEntry("2", 0.1);
    var moved = lambda.updateAlias(r -> r.functionName("lifecycle").name("live").functionVersion("2")
        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of()).build()));
    assertThat(moved.functionVersion()).isEqualTo("2");
    assertThat(moved.routingConfig()).isNull();
    assertThat(lambda.getFunctionConfiguration(r -> r.functionName("lifecycle").qualifier("live")).version())
        .isEqualTo("2");
    InvokeResponse dryRun = lambda.invoke(r -> r.functionName("lifecycle:live").invocationType(InvocationType.DRY_RUN));
    assertThat(dryRun.statusCode()).isEqualTo(204);
    assertThat(dryRun.executedVersion()).isEqualTo("2");
    assertThat(lambda.listAliases(r -> r.functionName("lifecycle")).aliases()).extracting(AliasConfiguration::name)
        .containsExactly("live");

    lambda.deleteAlias(r -> r.functionName("lifecycle").name("live"));
    assertThatThrownBy(() -> lambda.getAlias(r -> r.functionName("lifecycle").name("live")))
        .isInstanceOf(ResourceNotFoundException.class);
    lambda.deleteFunction(r -> r.functionName("arn:aws:lambda:us-east-1:000000000000:function:lifecycle"));
    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("lifecycle")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void functions_are_listed_page_by_page() {
    for (int i = 0; i < 5; i++) {
      lambda.createFunction(function("page-" + i).build());
    }
    lambda.publishVersion(r -> r.functionName("page-0"));
    List<String> seen = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      String m = marker;
      ListFunctionsResponse page = lambda.listFunctions(r -> r.maxItems(2).marker(m));
      assertThat(page.functions()).hasSizeLessThanOrEqualTo(2);
      page.functions().forEach(f -> seen.add(f.functionName()));
      marker = page.nextMarker();
      pages++;
    } while (marker != null);
    assertThat(seen.stream().filter(n -> n.startsWith("page-")).toList())
        .containsExactly("page-0", "page-1", "page-2", "page-3", "page-4");
    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(lambda.listFunctions(r -> r.functionVersion("ALL")).functions().stream()
        .filter(f -> f.functionName().equals("page-0")).map(FunctionConfiguration::version))
        .containsExactly("$LATEST", "1");
  }

  @Test
  void concurrent_publishes_get_distinct_consecutive_numbers() throws Exception {
    lambda.createFunction(function("racer").build());
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      // Twenty clients change $LATEST and publish at once. Whatever interleaving happens, versions are
      // numbered 1..n without gaps or duplicates, and no two versions hold the same configuration.
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String description = "change " + i;
        results.add(pool.submit(() -> {
          lambda.updateFunctionConfiguration(r -> r.functionName("racer").description(description));
          return lambda.publishVersion(r -> r.functionName("racer")).version();
        }));
      }
      List<String> returned = new ArrayList<>();
      for (Future<String> f : results) {
        returned.add(f.get());
      }
      List<FunctionConfiguration> versions = lambda.listVersionsByFunction(r -> r.functionName("racer")).versions()
          .stream().filter(v -> !v.version().equals("$LATEST")).toList();
      List<Integer> numbers = versions.stream().map(v -> Integer.parseInt(v.version())).toList();
      assertThat(numbers).isEqualTo(IntStream.rangeClosed(1, numbers.size()).boxed().collect(Collectors.toList()));
      assertThat(versions).extracting(FunctionConfiguration::description).doesNotHaveDuplicates();
      assertThat(versions.get(versions.size() - 1).description())
          .isEqualTo(lambda.getFunctionConfiguration(r -> r.functionName("racer")).description());
      assertThat(returned).allSatisfy(v -> assertThat(Integer.parseInt(v)).isBetween(1, numbers.size()));

      // Twenty publishes of one changed $LATEST at once create exactly one new version, and all get it.
      lambda.updateFunctionConfiguration(r -> r.functionName("racer").description("final"));
      List<Future<String>> same = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        same.add(pool.submit(() -> lambda.publishVersion(r -> r.functionName("racer")).version()));
      }
      String expected = Integer.toString(numbers.size() + 1);
      for (Future<String> f : same) {
        assertThat(f.get()).isEqualTo(expected);
      }
      assertThat(lambda.listVersionsByFunction(r -> r.functionName("racer")).versions()).hasSize(numbers.size() + 2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reserved_concurrency_is_set_read_and_removed() {
    lambda.createFunction(function("reserved").build());
    assertThat(lambda.putFunctionConcurrency(r -> r.functionName("reserved").reservedConcurrentExecutions(3))
        .reservedConcurrentExecutions()).isEqualTo(3);
    assertThat(lambda.getFunctionConcurrency(r -> r.functionName("reserved")).reservedConcurrentExecutions())
        .isEqualTo(3);
    assertThat(lambda.getFunction(r -> r.functionName("reserved")).concurrency().reservedConcurrentExecutions())
        .isEqualTo(3);
    lambda.deleteFunctionConcurrency(r -> r.functionName("reserved"));
    assertThat(lambda.getFunctionConcurrency(r -> r.functionName("reserved")).reservedConcurrentExecutions()).isNull();
    assertThatThrownBy(() -> lambda.putFunctionConcurrency(r -> r.functionName("reserved")
        .reservedConcurrentExecutions(5000)))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("ReservedConcurrentExecutions");
  }

  @Test
  void every_bad_request_reaches_the_sdk_as_the_right_exception() {
    lambda.createFunction(function("errors").build());
    String staleRevision = lambda.getFunctionConfiguration(r -> r.functionName("errors")).revisionId();
    lambda.updateFunctionConfiguration(r -> r.functionName("errors").description("moved on"));
    lambda.publishVersion(r -> r.functionName("errors"));
    lambda.createAlias(r -> r.functionName("errors").name("prod").functionVersion("1"));

    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("missing")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("errors:7")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.createFunction(function("errors").build()))
        .isInstanceOf(ResourceConflictException.class);
    assertThatThrownBy(() -> lambda.createFunction(function("mem").memorySize(99_999).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("memorySize").hasMessageContaining("10240");
    assertThatThrownBy(() -> lambda.createFunction(function("mem").memorySize(64).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("128");
    assertThatThrownBy(() -> lambda.createFunction(function("slow").timeout(901).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("timeout").hasMessageContaining("900");
    assertThatThrownBy(() -> lambda.createFunction(function("rt").runtime("cobol9").build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("runtime")
        .hasMessageContaining(python);
    assertThatThrownBy(() -> lambda.createFunction(function("rt").runtime(Runtime.DOTNET8).build()))
        .isInstanceOf(InvalidParameterValueException.class);
    assertThatThrownBy(() -> lambda.createFunction(function("bad name!").build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("FunctionName");
    assertThatThrownBy(() -> lambda.createFunction(function("h").handler("nodot").build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Handler");
    assertThatThrownBy(() -> lambda.createFunction(function("env")
        .environment(e -> e.variables(Map.of("BIG", "x".repeat(5000)))).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("4KB");
    assertThatThrownBy(() -> lambda.createFunction(function("env")
        .environment(e -> e.variables(Map.of("AWS_REGION", "x"))).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("AWS_REGION");
    assertThatThrownBy(() -> lambda.createFunction(function("notzip")
        .code(c -> c.zipFile(SdkBytes.fromUtf8String("definitely not a zip"))).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("unzip");
    assertThatThrownBy(() -> lambda.createFunction(function("slip")
        .code(c -> c.zipFile(TestNodes.zip(Map.of("../../etc/cron.d/evil", "x")))).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("../../etc/cron.d/evil");
    assertThatThrownBy(() -> lambda.createFunction(function("s3").code(c -> c.s3Bucket("b").s3Key("k")).build()))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("ZipFile");
    assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("errors").name("123").functionVersion("1")))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("123");
    assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("errors").name("heavy").functionVersion("1")
        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 1.5)).build())))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("1.0");
    assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("errors").name("two").functionVersion("1")
        .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of("2", 0.1, "3", 0.1))
            .build())))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("at most 1");
    assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("errors").name("ghost").functionVersion("9")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("errors").name("prod").functionVersion("1")))
        .isInstanceOf(ResourceConflictException.class);
    assertThatThrownBy(() -> lambda.updateFunctionConfiguration(r -> r.functionName("errors").timeout(5)
        .revisionId(staleRevision)))
        .isInstanceOf(PreconditionFailedException.class);
    assertThatThrownBy(() -> lambda.updateAlias(r -> r.functionName("errors").name("prod").description("x")
        .revisionId("not-the-revision")))
        .isInstanceOf(PreconditionFailedException.class);
    assertThatThrownBy(() -> lambda.deleteFunction(r -> r.functionName("errors").qualifier("1")))
        .isInstanceOf(ResourceConflictException.class).hasMessageContaining("prod");
    assertThatThrownBy(() -> lambda.deleteFunction(r -> r.functionName("errors").qualifier("$LATEST")))
        .isInstanceOf(InvalidParameterValueException.class);
    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName(
        "arn:aws:lambda:eu-west-1:000000000000:function:errors")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(r -> r.functionName("errors").qualifier("prod")
        .provisionedConcurrentExecutions(1)))
        .isInstanceOfSatisfying(LambdaException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(501);
          assertThat(e.getMessage()).contains("not supported");
        });
  }

  @Test
  void bodies_over_the_limit_are_refused_before_being_read_and_bad_json_is_named() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + node.port() + "/2015-03-31/functions";
    HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base + "/whatever/configuration"))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.headers().firstValue("x-amzn-ErrorType")).hasValue("RequestEntityTooLargeException");
    assertThat(big.body()).contains("1048576");

    HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(URI.create(base))
        .POST(HttpRequest.BodyPublishers.ofString("{\"FunctionName\": ")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidRequestContentException");

    HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(URI.create(base + "/whatever/configuration"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"MemorySize\":\"lots\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("MemorySize");
  }
}
