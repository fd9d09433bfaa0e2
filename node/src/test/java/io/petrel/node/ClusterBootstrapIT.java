package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.deploy.testing.CassandraExtension;
import io.petrel.deploy.testing.Keyspace;
import io.petrel.deploy.testing.TestCassandra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Three `petrel node` processes that know no seed nodes, only each other's management endpoints: Cluster Bootstrap
 * forms one cluster of them, which serves a function created through one member from another.
 */
@ExtendWith(CassandraExtension.class)
class ClusterBootstrapIT {
  private static ClusterNodes nodes;

  @BeforeAll
  static void start(TestCassandra cassandra, @Keyspace String keyspace) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cluster-it", keyspace)).toAbsolutePath();
    nodes = new ClusterNodes(3, ClusterNodes.Join.BOOTSTRAP, dir,
        cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
        cassandra.localDatacenter(), keyspace, List.of());
    nodes.start(0); // creates the keyspace's tables
    nodes.start(1);
    nodes.start(2);
    for (int i = 0; i < 3; i++) {
      nodes.awaitReady(i, Duration.ofMinutes(3));
    }
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void the_members_find_each_other_and_form_one_cluster_that_serves_any_function_anywhere() {
    Set<String> all = Set.of(nodes.address(0), nodes.address(1), nodes.address(2));
    for (int i = 0; i < 3; i++) {
      nodes.awaitMembers(i, all, Duration.ofMinutes(1));
    }
    String python = ClusterNodes.python();
    LambdaClient first = TestNodes.clientWithoutRetries(nodes.httpPort(0));
    first.createFunction(b -> b.functionName("found").runtime(python).handler("app.handler")
        .role("arn:aws:iam::000000000000:role/petrel").code(c -> c.zipFile(TestNodes.pythonZip("return event"))));

    for (int i = 0; i < 3; i++) {
      String reply = TestNodes.clientWithoutRetries(nodes.httpPort(i))
          .invoke(b -> b.functionName("found").payload(SdkBytes.fromUtf8String("{\"via\": 1}")))
          .payload().asUtf8String();
      assertThat(reply).isEqualTo("{\"via\": 1}");
    }
  }
}
