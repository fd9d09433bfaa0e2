package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.cluster.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * A hostile function against the sandbox: it tries to reach what runs on the node's machine (another
 * environment's Runtime API, the gateway, the Pekko cluster port, a store listening on every address,
 * link-local metadata, a denied network), to read other functions' code, the data dir and another environment's
 * /tmp, and to undo its network's routes; then functions that fork-bomb, hog memory, fill /tmp and spin each get a
 * clear error while the node stays healthy. Needs a root node with bubblewrap, pasta and writable cgroups.
 */
class IsolationIT {
  /** Tries what the event asks and says how each attempt ended: "connected", "read:<bytes>", or the errno name. */
  private static final String PROBE = """
      import errno, os, socket, subprocess
      def connect(host, port, timeout):
          s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
          s.settimeout(timeout)
          try:
              s.connect((host, port))
              return "connected"
          except socket.timeout:
              return "timeout"
          except OSError as e:
              return errno.errorcode.get(e.errno, str(e))
          finally:
              s.close()
      def read(path):
          try:
              if os.path.isdir(path):
                  return "listed:" + ",".join(sorted(os.listdir(path)))
              with open(path, "rb") as f:
                  return "read:%d" % len(f.read())
          except OSError as e:
              return errno.errorcode.get(e.errno, str(e))
      def handler(event, context):
          if "write_tmp" in event:
              with open("/tmp/" + event["write_tmp"], "w") as f:
                  f.write("secret of " + context.function_name)
          out = {"api": os.environ["AWS_LAMBDA_RUNTIME_API"], "tmp": sorted(os.listdir("/tmp"))}
          out["connect"] = {"%s|%d" % (h, p): connect(h, p, event.get("timeout", 2)) for h, p in event.get("connect", [])}
          out["read"] = {p: read(p) for p in event.get("read", [])}
          if event.get("unroute"):
              r = subprocess.run(["ip", "route", "del", "prohibit", "169.254.0.0/16"], capture_output=True, text=True)
              out["unroute"] = "%d %s" % (r.returncode, r.stderr.strip())
              out["caps"] = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0]
          return out
      """;
  private static final String FORK_BOMB = """
      import os, time
      def handler(event, context):
          forks = 0
          while True:
              try:
                  pid = os.fork()
              except OSError as e:
                  raise RuntimeError("fork bomb stopped after %d forks: %s" % (forks, e))
              if pid == 0:
                  while True:
                      try:
                          os.fork()
                      except OSError:
                          time.sleep(0.01)
              forks += 1
      """;
  private static final String MEMORY_HOG = """
      def handler(event, context):
          hoard = []
          while True:
              hoard.append(bytearray(16 << 20))
      """;
  private static final String TMP_FILLER = """
      def handler(event, context):
          chunk = b"x" * (1 << 20)
          with open("/tmp/fill", "wb") as f:
              while True:
                  f.write(chunk)
                  f.flush()
      """;
  private static final String SPINNER = """
      def handler(event, context):
          while True:
              pass
      """;
  private static final String DENIED = "198.51.100.0/24";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;
  static String python;
  static ServerSocket store;

  @BeforeAll
  static void start() throws Exception {
    // A process limit well below the default 1,024, so the fork bomb hits it without loading a small CI machine
    node = TestNodes.start(dataDir, Map.of("petrel.sharding.tmp-size", "64MiB",
        "petrel.sharding.max-processes", 128,
        "petrel.sharding.sandbox.deny-networks", List.of(DENIED)));
    assumeThat(node.sandboxed()).as("bubblewrap is installed").isTrue();
    lambda = TestNodes.client(node.port());
    python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst().orElseThrow();
    store = new ServerSocket(0); // every address, as a store on this machine would
    store.setReuseAddress(true);
    Thread accept = new Thread(() -> {
      while (!store.isClosed()) {
        try (Socket s = store.accept()) {
          s.getOutputStream().write(1);
        } catch (java.io.IOException closed) {
          // stopped
        }
      }
    });
    accept.setDaemon(true);
    accept.start();
    create("probe", PROBE, 128, 10);
    create("victim", PROBE.replace("def handler", "VICTIM = True\ndef handler"), 128, 10);
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (lambda != null) {
      lambda.close();
    }
    if (node != null) {
      node.stop();
    }
  }

  private static String create(String name, String code, int memoryMb, int timeoutSeconds) {
    return lambda.createFunction(r -> r.functionName(name).runtime(python).handler("app.handler")
        .memorySize(memoryMb).timeout(timeoutSeconds).code(c -> c.zipFile(TestNodes.zip(Map.of("app.py", code)))))
        .codeSha256();
  }

  private static InvokeResponse invoke(String function, Object event) throws Exception {
    byte[] payload = JSON.writeValueAsBytes(event);
    return lambda.invoke(r -> r.functionName(function).payload(SdkBytes.fromByteArray(payload))
        .logType(software.amazon.awssdk.services.lambda.model.LogType.TAIL));
  }

  private static JsonNode probe(Map<String, Object> event) throws Exception {
    InvokeResponse response = invoke("probe", event);
    assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
    return JSON.readTree(response.payload().asUtf8String());
  }

  /** A non-loopback IPv4 address of this machine, where the node's services would also be reached. */
  private static String hostAddress() throws Exception {
    return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).map(InetAddress::getHostAddress)
        .findFirst().orElse("127.0.0.1");
  }

  @Test
  void reaches_its_own_runtime_api_but_nothing_else_on_this_machine() throws Exception {
    String victimApi = JSON.readTree(invoke("victim", Map.of()).payload().asUtf8String()).path("api").asText();
    String ownApi = probe(Map.of()).path("api").asText();
    int victimPort = Integer.parseInt(victimApi.substring(victimApi.indexOf(':') + 1));
    int ownPort = Integer.parseInt(ownApi.substring(ownApi.indexOf(':') + 1));
    int clusterPort = Cluster.get(node.system()).selfAddress().getPort().get();
    String host = hostAddress();
    // each target answers from the host: the refusals below are the sandbox's
    for (int port : List.of(victimPort, node.port(), clusterPort, store.getLocalPort())) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      }
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, store.getLocalPort()), 2000);
    }

    List<List<Object>> targets = List.of(
        List.of("127.0.0.1", ownPort),
        List.of("127.0.0.1", victimPort),
        List.of("127.0.0.1", node.port()),
        List.of("127.0.0.1", clusterPort),
        List.of("127.0.0.1", store.getLocalPort()),
        List.of("::1", store.getLocalPort()),
        List.of(host, store.getLocalPort()),
        List.of(host, node.port()),
        List.of(host, victimPort),
        List.of("169.254.169.254", 80),
        List.of("198.51.100.7", 443));
    JsonNode connect = probe(Map.of("connect", targets, "timeout", 2)).path("connect");

    assertThat(connect.path("127.0.0.1|" + ownPort).asText()).isEqualTo("connected");
    assertThat(connect.path("127.0.0.1|" + victimPort).asText()).as("another environment's Runtime API")
        .isEqualTo("ECONNREFUSED");
    assertThat(connect.path("127.0.0.1|" + node.port()).asText()).as("the gateway").isEqualTo("ECONNREFUSED");
    assertThat(connect.path("127.0.0.1|" + clusterPort).asText()).as("the Pekko cluster port")
        .isEqualTo("ECONNREFUSED");
    assertThat(connect.path("127.0.0.1|" + store.getLocalPort()).asText()).as("the store on loopback")
        .isEqualTo("ECONNREFUSED");
    assertThat(connect.path("::1|" + store.getLocalPort()).asText()).as("the store on IPv6 loopback")
        .isEqualTo("ECONNREFUSED");
    for (int port : List.of(store.getLocalPort(), node.port(), victimPort)) {
      assertThat(connect.path(host + "|" + port).asText()).as("port " + port + " on this machine's address " + host)
          .isIn("ECONNREFUSED", "EACCES");
    }
    assertThat(connect.path("169.254.169.254|80").asText()).as("the metadata address").isEqualTo("EACCES");
    assertThat(connect.path("198.51.100.7|443").asText()).as("a network on the deny list").isEqualTo("EACCES");
  }

  @Test
  void cannot_undo_its_network_routes() throws Exception {
    JsonNode out = probe(Map.of("unroute", true));
    assertThat(out.path("unroute").asText()).startsWith("2 ").contains("Operation not permitted");
    assertThat(out.path("caps").asText()).isEqualTo("0000000000000000");
  }

  @Test
  void makes_outbound_connections_where_this_machine_can() throws Exception {
    String[] target = System.getProperty("petrel.it.outbound", "1.1.1.1:443").split(":");
    boolean reachable;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(target[0], Integer.parseInt(target[1])), 3000);
      reachable = true;
    } catch (java.io.IOException e) {
      reachable = false;
    }
    assumeThat(reachable).as("this machine reaches " + String.join(":", target)).isTrue();
    JsonNode connect = probe(Map.of("connect", List.of(List.of(target[0], Integer.parseInt(target[1]))),
        "timeout", 5)).path("connect");
    assertThat(connect.path(target[0] + "|" + target[1]).asText()).isEqualTo("connected");
  }

  @Test
  void cannot_read_other_functions_code_the_data_dir_or_another_environments_tmp() throws Exception {
    String victimSha = lambda.getFunction(r -> r.functionName("victim")).configuration().codeSha256();
    String marker = "marker-" + System.nanoTime();
    JsonNode victim = JSON.readTree(invoke("victim", Map.of("write_tmp", marker)).payload().asUtf8String());
    assertThat(victim.path("tmp").toString()).contains(marker);
    Path victimCode = dataDir.resolve("code").resolve(java.util.HexFormat.of().formatHex(
        Base64.getDecoder().decode(victimSha)));
    assertThat(victimCode).isDirectory();
    List<String> databases;
    try (Stream<Path> files = Files.walk(dataDir)) {
      databases = files.filter(p -> p.toString().endsWith(".db")).map(Path::toString).toList();
    }
    assertThat(databases).isNotEmpty();

    List<String> paths = new java.util.ArrayList<>(List.of(victimCode.toString(), victimCode.resolve("app.py")
        .toString(), dataDir.toString(), dataDir.resolve("code").toString(), "/tmp/" + marker, "/var/task/app.py"));
    paths.addAll(databases);
    JsonNode out = probe(Map.of("read", paths));
    JsonNode read = out.path("read");
    assertThat(read.path("/var/task/app.py").asText()).as("its own code").startsWith("read:");
    // Petrel's runtime bootstraps are bound read-only at their host path, under the data dir: nothing else of it
    assertThat(read.path(dataDir.toString()).asText()).as("the data dir").isEqualTo("listed:runtimes");
    for (String path : paths) {
      if (!path.equals("/var/task/app.py") && !path.equals(dataDir.toString())) {
        assertThat(read.path(path).asText()).as(path).isEqualTo("ENOENT");
      }
    }
    assertThat(out.path("tmp").toString()).doesNotContain(marker);
  }

  @Test
  void a_fork_bomb_ends_with_an_error_and_leaves_nothing_running() throws Exception {
    // 1 GB: room for the node's 128 processes of Python, so the pid limit is what stops it, not the memory limit
    create("forkbomb", FORK_BOMB, 1024, 10);
    InvokeResponse response = invoke("forkbomb", Map.of());
    assertThat(response.functionError()).isEqualTo("Unhandled");
    // The first process hears EAGAIN at the limit, unless its copies, sharing the environment's CPU quota
    // with it, starve it until the timeout: either way the call ends with its error and the copies are killed.
    assertThat(response.payload().asUtf8String()).containsAnyOf(
        "fork bomb stopped after", "Task timed out after 10.00 seconds");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pythonRuntimes() > 20 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(pythonRuntimes()).as("Python runtime processes, the fork bomb's copies gone").isLessThan(20);
    assertHealthy();
  }

  @Test
  void a_memory_hog_is_killed_with_out_of_memory() throws Exception {
    create("hog", MEMORY_HOG, 128, 20);
    InvokeResponse response = invoke("hog", Map.of());
    assertThat(response.functionError()).isEqualTo("Unhandled");
    assertThat(response.payload().asUtf8String()).contains("Runtime.OutOfMemory", "128 MB");
    assertHealthy();
  }

  @Test
  void filling_tmp_ends_with_no_space_left_on_device() throws Exception {
    create("filler", TMP_FILLER, 256, 20);
    InvokeResponse response = invoke("filler", Map.of());
    assertThat(response.functionError()).isEqualTo("Unhandled");
    assertThat(response.payload().asUtf8String()).contains("No space left on device");
    assertHealthy();
  }

  @Test
  void a_cpu_spinner_times_out() throws Exception {
    create("spinner", SPINNER, 128, 2);
    InvokeResponse response = invoke("spinner", Map.of());
    assertThat(response.functionError()).isEqualTo("Unhandled");
    assertThat(response.payload().asUtf8String()).contains("Task timed out after 2.00 seconds");
    assertHealthy();
  }

  /** The node answers its health check and a normal invocation, quickly. */
  private static void assertHealthy() throws Exception {
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.port() + "/petrel/health")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("UP");
    long started = System.nanoTime();
    assertThat(invoke("probe", Map.of()).functionError()).isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  /** This node's Python runtime processes: a few per live environment, and every copy a fork bomb made. */
  private static long pythonRuntimes() {
    String bootstrap = dataDir.resolve("runtimes").resolve("python").resolve("bootstrap.py").toString();
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().commandLine().map(cl -> cl.contains(bootstrap)).orElse(false))
        .count();
  }
}
