package io.petrel.sharding.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RuntimeApiTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void hands_an_event_to_the_long_poll_and_completes_with_the_response() throws Exception {
    RuntimeApi api = RuntimeApi.start(testKit.system(), 6_291_456).toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://" + api.address() + "/2018-06-01/runtime/invocation/";
    CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "next"))
        .build(), HttpResponse.BodyHandlers.ofString());
    api.firstPoll().toCompletableFuture().get(10, TimeUnit.SECONDS);
    var result = api.invoke(new RuntimeApi.Event("req-1", "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
        System.currentTimeMillis() + 3000, "arn:aws:lambda:us-east-1:000000000000:function:f", null));
    HttpResponse<String> event = poll.get(10, TimeUnit.SECONDS);
    assertThat(event.body()).isEqualTo("{\"a\":1}");
    assertThat(event.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("req-1");
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "req-1/response"))
        .POST(HttpRequest.BodyPublishers.ofString("42")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(202);
    RuntimeApi.Result r = result.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(new String(((RuntimeApi.Response) r).body(), StandardCharsets.UTF_8)).isEqualTo("42");
    api.close();
  }
}
