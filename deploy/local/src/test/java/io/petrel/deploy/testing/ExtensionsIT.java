package io.petrel.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.deploy.internal.Ports;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extensions hand every test class the JVM's shared servers and its own keyspace and topic prefix. */
@ExtendWith({CassandraExtension.class, KafkaExtension.class})
class ExtensionsIT {
  private static String keyspaceOfBeforeAll;

  @BeforeAll
  static void remember(@Keyspace String keyspace) {
    keyspaceOfBeforeAll = keyspace;
  }

  @Test
  void resolves_the_shared_cassandra_and_a_keyspace_of_the_class(TestCassandra cassandra, @Keyspace String keyspace) {
    assertThat(cassandra).isSameAs(TestCassandra.shared());
    assertThat(Ports.accepts(cassandra.contactPoint(), Duration.ofSeconds(1))).isTrue();
    assertThat(cassandra.localDatacenter()).isEqualTo("datacenter1");
    assertThat(cassandra.server().dataDir().toString()).contains("target/test-servers/cassandra-");
    assertThat(keyspace).isEqualTo(keyspaceOfBeforeAll).matches("[a-z][a-z0-9_]{0,47}").startsWith("extensions_it_");
  }

  @Test
  void resolves_the_shared_kafka_and_a_topic_prefix_of_the_class(TestKafka kafka, @TopicPrefix String prefix,
      @TopicPrefix String again) {
    assertThat(kafka).isSameAs(TestKafka.shared());
    String[] hostPort = kafka.bootstrapServers().split(":");
    assertThat(Ports.accepts(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])),
        Duration.ofSeconds(1))).isTrue();
    assertThat(prefix).isEqualTo(again).matches("[a-z0-9-]+-").startsWith("extensions-it-");
  }

  @Nested
  class AnotherClass {
    @Test
    void gets_its_own_keyspace_and_prefix(@Keyspace String keyspace, @TopicPrefix String prefix) {
      assertThat(keyspace).isNotEqualTo(keyspaceOfBeforeAll).startsWith("another_class_");
      assertThat(prefix).startsWith("another-class-");
    }
  }
}
