package io.petrel.node.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * HTTP to one node's gateway with {@link java.net.http.HttpClient}. Answers outside 2xx become a
 * {@link CliException#failed failed call} described by {@link ErrorReply}; a node that cannot be reached
 * becomes one line saying so and how to start one. Requests are signed when an access key is in the environment
 * ({@link Credentials}).
 */
public final class GatewayClient {
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final URI endpoint;
  private final HttpClient http;
  private final Optional<Credentials> credentials;

  public GatewayClient(URI endpoint) {
    this(endpoint, Credentials.fromEnvironment(System.getenv()));
  }

  GatewayClient(URI endpoint, Optional<Credentials> credentials) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** A raw answer: status, the headers a command may need, the body. */
  public record Reply(int status, Map<String, java.util.List<String>> headers, byte[] body) {
    public Optional<String> header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst();
    }

    boolean ok() {
      return status / 100 == 2;
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A JSON call that must succeed; a 204 answers an empty object. */
  public JsonNode json(String method, String path, JsonNode body) {
    byte[] bytes = body == null ? new byte[0] : bytes(body);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(bytes);
    return parsed(path, checked(path, send(request(method, path, bytes, publisher).timeout(CALL_TIMEOUT))));
  }

  public JsonNode get(String path) {
    return json("GET", path, null);
  }

  /** A GET that must succeed, with its headers; {@link #parse} reads its body. */
  public Reply fetch(String path) {
    return checked(path, send(request("GET", path, new byte[0], HttpRequest.BodyPublishers.noBody())
        .timeout(CALL_TIMEOUT)));
  }

  public static JsonNode parse(String path, Reply reply) {
    return parsed(path, reply);
  }

  /** GET of a resource that may not exist: empty on 404 ResourceNotFoundException, any other error fails. */
  public Optional<JsonNode> find(String path) {
    Reply reply = send(request("GET", path, new byte[0], HttpRequest.BodyPublishers.noBody())
        .timeout(CALL_TIMEOUT));
    if (reply.status() == 404 && ErrorReply.type(reply.header("x-amzn-ErrorType"), reply.body())
        .filter("ResourceNotFoundException"::equals).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(parsed(path, checked(path, reply)));
  }

  /** A JSON call with a large body, reporting the bytes sent to {@code progress}; no time limit. */
  public JsonNode upload(String method, String path, byte[] body, Progress progress) {
    HttpRequest.BodyPublisher publisher = new CountingPublisher(HttpRequest.BodyPublishers.ofByteArray(body),
        progress::sent);
    Reply reply;
    try {
      reply = send(request(method, path, body, publisher));
    } finally {
      progress.done();
    }
    return parsed(path, checked(path, reply));
  }

  /** POST of an invocation; the reply is returned as it is, so the caller can read function errors and logs. */
  public Reply invoke(String path, byte[] payload, Map<String, String> headers) {
    HttpRequest.Builder request = request("POST", path, payload,
        HttpRequest.BodyPublishers.ofByteArray(payload));
    headers.forEach(request::header);
    return checked(path, send(request));
  }

  /**
   * Streams the lines of a long-lived answer (server-sent events) to {@code each} until the server ends it.
   * An error answer fails as any other call.
   */
  public void lines(String path, Consumer<String> each) {
    HttpRequest request = request("GET", path, new byte[0], HttpRequest.BodyPublishers.noBody())
        .header("Accept", "text/event-stream").build();
    HttpResponse<Stream<String>> response = exchange(request, HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() / 100 != 2) {
        byte[] body = lines.collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8);
        checked(path, new Reply(response.statusCode(), response.headers().map(), body));
        return;
      }
      lines.forEach(each);
    } catch (UncheckedIOException e) {
      throw unreachable(e.getCause());
    }
  }

  /** A path segment: function names pass unchanged, an ARN's ':' becomes %3A as the SDKs send it. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code ?a=1&b=2} of the present parameters, in the given order, or "" when there are none. */
  public static String query(Map<String, Optional<String>> parameters) {
    String joined = parameters.entrySet().stream().filter(e -> e.getValue().isPresent())
        .map(e -> e.getKey() + "=" + segment(e.getValue().get())).collect(Collectors.joining("&"));
    return joined.isEmpty() ? "" : "?" + joined;
  }

  static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest.Builder request(String method, String path, byte[] body, HttpRequest.BodyPublisher publisher) {
    URI uri = URI.create(endpoint + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, publisher)
        .header("Content-Type", "application/json").header("User-Agent", "petrel-cli");
    credentials.ifPresent(c -> c.sign(request, method, uri, body, Map.of("Content-Type", "application/json")));
    return request;
  }

  private Reply send(HttpRequest.Builder request) {
    HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(response.statusCode(), response.headers().map(), response.body());
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failed("interrupted");
    }
  }

  private CliException unreachable(Throwable e) {
    if (e instanceof HttpTimeoutException) {
      return CliException.failed("the Petrel node at " + endpoint + " did not answer in time");
    }
    if (e instanceof ConnectException) {
      return CliException.failed("cannot reach a Petrel node at " + endpoint + " (connection refused): start one"
          + " with 'petrel dev', or pass --endpoint URL or set " + Endpoint.ENVIRONMENT);
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return CliException.failed("talking to the Petrel node at " + endpoint + " failed: " + ErrorReply.oneLine(detail));
  }

  private static Reply checked(String path, Reply reply) {
    if (reply.ok()) {
      return reply;
    }
    String message = ErrorReply.describe(reply.status(), reply.header("x-amzn-ErrorType"), reply.body());
    if (message.startsWith("UnknownOperationException") && path.startsWith("/petrel/")) {
      message += " (this node is older than the petrel command and lacks this call)";
    }
    throw CliException.failed(message);
  }

  private static JsonNode parsed(String path, Reply reply) {
    if (reply.body().length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw CliException.failed("the node answered " + path + " with something that is not JSON: "
          + ErrorReply.oneLine(new String(reply.body(), StandardCharsets.UTF_8)));
    }
  }
}
