package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.deploy.testing.CassandraExtension;
import io.petrel.deploy.testing.Keyspace;
import io.petrel.deploy.testing.TestCassandra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Members that talk TLS with keys from one certificate authority form a cluster and serve each other's functions;
 * a member whose certificate they do not trust never joins.
 */
@ExtendWith(CassandraExtension.class)
class ClusterTlsIT {
  private static final String PASSWORD = "petrel-test";
  private static ClusterNodes nodes;
  private static Path dir;

  @BeforeAll
  static void start(TestCassandra cassandra, @Keyspace String keyspace) throws Exception {
    dir = Files.createDirectories(Path.of("target", "cluster-it", keyspace)).toAbsolutePath();
    keyPair("members");
    keyPair("stranger");
    trust("members", "trusted.p12");
    nodes = new ClusterNodes(3, dir, cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
        cassandra.localDatacenter(), keyspace, List.of("-Dpetrel.cluster.tls.enabled=true",
            "-Dpetrel.cluster.tls.trust-store=" + dir.resolve("trusted.p12"),
            "-Dpetrel.cluster.tls.trust-store-password=" + PASSWORD,
            "-Dpetrel.cluster.tls.key-store-password=" + PASSWORD));
    nodes.start(0, List.of("-Dpetrel.cluster.tls.key-store=" + dir.resolve("members.p12")));
    nodes.awaitReady(0, Duration.ofMinutes(3));
    nodes.start(1, List.of("-Dpetrel.cluster.tls.key-store=" + dir.resolve("members.p12")));
    nodes.awaitReady(1, Duration.ofMinutes(3));
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void members_with_trusted_keys_form_a_cluster_and_one_with_a_stranger_key_is_kept_out() throws Exception {
    nodes.awaitMembers(0, Set.of(nodes.address(0), nodes.address(1)), Duration.ofMinutes(1));
    String python = ClusterNodes.python();
    TestNodes.clientWithoutRetries(nodes.httpPort(0)).createFunction(b -> b.functionName("sealed").runtime(python)
        .handler("app.handler").role("arn:aws:iam::000000000000:role/petrel")
        .code(c -> c.zipFile(TestNodes.pythonZip("return event"))));
    for (int f = 0; f < 2; f++) {
      assertThat(TestNodes.clientWithoutRetries(nodes.httpPort(1)).invoke(b -> b.functionName("sealed")
          .payload(SdkBytes.fromUtf8String("{\"tls\": true}"))).payload().asUtf8String()).isEqualTo("{\"tls\": true}");
    }

    nodes.start(2, List.of("-Dpetrel.cluster.tls.key-store=" + dir.resolve("stranger.p12")));
    Thread.sleep(30_000); // time enough to join, were it trusted

    assertThat(nodes.alive(2)).isTrue();
    assertThat(nodes.get(2, "/petrel/ready").statusCode()).isEqualTo(503);
    nodes.awaitMembers(0, Set.of(nodes.address(0), nodes.address(1)), Duration.ofSeconds(5));
  }

  /** A key pair with a self-signed certificate, in {@code <name>.p12}. */
  private static void keyPair(String name) throws Exception {
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "2", "-storetype", "PKCS12", "-keystore", dir.resolve(name + ".p12").toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
  }

  /** A trust store holding only {@code name}'s certificate. */
  private static void trust(String name, String trustStore) throws Exception {
    Path cert = dir.resolve(name + ".cer");
    keytool("-exportcert", "-alias", name, "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", PASSWORD,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", dir.resolve(trustStore).toString(), "-storepass", PASSWORD);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
