package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Function URLs end to end: configured with the AWS SDK, called with a plain HTTP client by path and by host name.
 * The function sees Lambda's payload format 2.0 event and its reply comes back exactly.
 */
class FunctionUrlIT {
  private static final String ROLE = "arn:aws:iam::000000000000:role/petrel";
  private static final String WEB = """
      import base64, json, time
      def handler(event, context):
          path = event['rawPath']
          if path.endswith('/echo'):
              return {'statusCode': 201, 'headers': {'content-type': 'application/json', 'x-seen': 'yes'},
                      'cookies': ['a=1; Path=/', 'b=2; HttpOnly'], 'body': json.dumps(event)}
          if path.endswith('/binary'):
              return {'statusCode': 200, 'headers': {'content-type': 'application/octet-stream'},
                      'body': base64.b64encode(bytes(range(256))).decode(), 'isBase64Encoded': True}
          if path.endswith('/plain'):
              return {'hello': 'world'}
          if path.endswith('/fail'):
              raise Exception('boom')
          if path.endswith('/slow'):
              time.sleep(10)
          return {'statusCode': 404, 'body': 'no such page'}
      """;

  private static PetrelNode node;
  private static LambdaClient lambda;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();
  private static String url;
  private static String urlId;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(Files.createTempDirectory("petrel-url-it"));
    lambda = TestNodes.clientWithoutRetries(node.port());
    String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
    lambda.createFunction(b -> b.functionName("web").runtime(python).handler("app.handler").role(ROLE).timeout(3)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", WEB)))));
    lambda.createFunction(b -> b.functionName("closed").runtime(python).handler("app.handler").role(ROLE)
        .code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", WEB)))));
    lambda.putFunctionConcurrency(b -> b.functionName("closed").reservedConcurrentExecutions(0));
    url = lambda.createFunctionUrlConfig(b -> b.functionName("web").authType(FunctionUrlAuthType.NONE)
        .cors(c -> c.allowOrigins("https://app.example").allowMethods("GET", "POST").allowHeaders("x-custom")
            .maxAge(600))).functionUrl();
    urlId = URI.create(url).getHost().split("\\.")[0];
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void the_url_config_is_kept_and_listed_and_a_second_one_for_the_same_qualifier_conflicts() {
    assertThat(url).matches("http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:" + node.port() + "/");
    var got = lambda.getFunctionUrlConfig(b -> b.functionName("web"));
    assertThat(got.functionUrl()).isEqualTo(url);
    assertThat(got.authType()).isEqualTo(FunctionUrlAuthType.NONE);
    assertThat(got.cors().maxAge()).isEqualTo(600);
    assertThat(lambda.listFunctionUrlConfigs(b -> b.functionName("web")).functionUrlConfigs())
        .extracting(c -> c.functionUrl()).containsExactly(url);
    assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web")
        .authType(FunctionUrlAuthType.NONE))).isInstanceOf(ResourceConflictException.class);
    assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("3")
        .authType(FunctionUrlAuthType.NONE))).isInstanceOf(InvalidParameterValueException.class);
    assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("nope")
        .authType(FunctionUrlAuthType.NONE))).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void a_post_with_query_cookies_and_headers_becomes_a_2_0_event_and_the_reply_comes_back_exactly() throws Exception {
    HttpResponse<byte[]> reply = http.send(HttpRequest.newBuilder(byPath("/echo?a=1&b=x%20y&a=2"))
        .header("Content-Type", "application/json").header("Cookie", "session=abc; theme=dark")
        .header("X-Custom", "v1").POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(reply.statusCode()).isEqualTo(201);
    assertThat(reply.headers().firstValue("x-seen")).hasValue("yes");
    assertThat(reply.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2; HttpOnly");
    JsonNode event = json.readTree(reply.body());
    assertThat(event.get("version").asText()).isEqualTo("2.0");
    assertThat(event.get("rawPath").asText()).isEqualTo("/echo");
    assertThat(event.get("rawQueryString").asText()).isEqualTo("a=1&b=x%20y&a=2");
    assertThat(event.get("queryStringParameters").get("a").asText()).isEqualTo("1,2");
    assertThat(event.get("queryStringParameters").get("b").asText()).isEqualTo("x y");
    assertThat(event.get("cookies")).extracting(JsonNode::asText).containsExactly("session=abc", "theme=dark");
    assertThat(event.get("headers").get("x-custom").asText()).isEqualTo("v1");
    assertThat(event.get("headers").has("cookie")).isFalse();
    assertThat(event.get("requestContext").get("http").get("method").asText()).isEqualTo("POST");
    assertThat(event.get("requestContext").get("http").get("sourceIp").asText()).isEqualTo("127.0.0.1");
    assertThat(event.get("body").asText()).isEqualTo("{\"n\": 1}");
    assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
  }

  @Test
  void binary_bodies_travel_base64_both_ways() throws Exception {
    byte[] sent = new byte[] {(byte) 0xff, 0, 1, (byte) 0x80};
    HttpResponse<byte[]> echoed = http.send(HttpRequest.newBuilder(byPath("/echo"))
        .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(sent)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    JsonNode event = json.readTree(echoed.body());
    assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(event.get("body").asText())).containsExactly(sent);

    HttpResponse<byte[]> binary = http.send(HttpRequest.newBuilder(byPath("/binary")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(binary.statusCode()).isEqualTo(200);
    assertThat(binary.headers().firstValue("content-type")).hasValue("application/octet-stream");
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    assertThat(binary.body()).containsExactly(all);
  }

  @Test
  void a_json_reply_without_status_code_is_200_json_with_the_whole_reply_as_body() throws Exception {
    HttpResponse<String> reply = http.send(HttpRequest.newBuilder(byPath("/plain")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(json.readTree(reply.body())).isEqualTo(json.readTree("{\"hello\": \"world\"}"));
  }

  @Test
  void the_host_name_form_reaches_the_same_function() throws Exception {
    String raw = rawRequest("GET /echo?via=host HTTP/1.1\r\nHost: " + urlId + ".lambda-url.us-east-1.localhost:"
        + node.port() + "\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 201");
    assertThat(raw).contains("\"rawQueryString\": \"via=host\"");
  }

  @Test
  void a_cors_preflight_is_answered_from_the_config_without_invoking() throws Exception {
    HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(byPath("/echo"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "X-Custom").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
    assertThat(allowed.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
    assertThat(allowed.headers().firstValue("access-control-max-age")).hasValue("600");

    HttpResponse<String> denied = http.send(HttpRequest.newBuilder(byPath("/echo"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(denied.headers().firstValue("access-control-allow-origin")).isEmpty();

    HttpResponse<String> actual = http.send(HttpRequest.newBuilder(byPath("/plain")).header("Origin",
        "https://app.example").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(actual.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
  }

  @Test
  void function_errors_throttles_timeouts_and_oversized_bodies_answer_502_429_504_and_413() throws Exception {
    assertThat(status(byPath("/fail"))).isEqualTo(502);
    assertThat(status(byPath("/slow"))).isEqualTo(504);
    String closed = URI.create(lambda.createFunctionUrlConfig(b -> b.functionName("closed")
        .authType(FunctionUrlAuthType.NONE)).functionUrl()).getHost().split("\\.")[0];
    assertThat(status(URI.create("http://127.0.0.1:" + node.port() + "/url/" + closed + "/plain"))).isEqualTo(429);
    assertThat(status(URI.create("http://127.0.0.1:" + node.port() + "/url/" + "0".repeat(32) + "/"))).isEqualTo(404);

    HttpResponse<String> big = http.send(HttpRequest.newBuilder(byPath("/echo"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[6 * 1024 * 1024 + 1])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(413);
  }

  @Test
  void an_alias_gets_a_url_of_its_own_and_a_deleted_url_answers_404() throws Exception {
    lambda.publishVersion(b -> b.functionName("web"));
    lambda.createAlias(b -> b.functionName("web").name("live").functionVersion("1"));
    String aliasUrl = lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("live")
        .authType(FunctionUrlAuthType.NONE)).functionUrl();
    String id = URI.create(aliasUrl).getHost().split("\\.")[0];
    URI plain = URI.create("http://127.0.0.1:" + node.port() + "/url/" + id + "/plain");
    assertThat(id).isNotEqualTo(urlId);
    assertThat(status(plain)).isEqualTo(200);

    lambda.deleteFunctionUrlConfig(b -> b.functionName("web").qualifier("live"));

    assertThat(status(plain)).isEqualTo(404);
    assertThatThrownBy(() -> lambda.getFunctionUrlConfig(b -> b.functionName("web").qualifier("live")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  private static int status(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static URI byPath(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.port() + "/url/" + urlId + pathAndQuery);
  }

  private static String rawRequest(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    }
  }

}
