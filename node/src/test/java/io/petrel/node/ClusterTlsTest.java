package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTlsTest {

  @Test
  void without_tls_the_transport_stays_plain_tcp() {
    Config config = ClusterTls.apply(NodeConfig.load(Map.of(), Optional.empty(), true));

    assertThat(config.getString("pekko.remote.artery.transport")).isEqualTo("tcp");
  }

  @Test
  void with_tls_the_members_speak_tls_with_mutual_authentication_and_the_given_stores(@TempDir Path dir)
      throws Exception {
    Path keys = Files.writeString(dir.resolve("member.p12"), "k");
    Path trusted = Files.writeString(dir.resolve("trusted.p12"), "t");
    Config config = ClusterTls.apply(NodeConfig.load(Map.of("petrel.cluster.tls.enabled", true,
        "petrel.cluster.tls.key-store", keys.toString(), "petrel.cluster.tls.key-store-password", "secret",
        "petrel.cluster.tls.trust-store", trusted.toString()), Optional.empty(), true));

    assertThat(config.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    assertThat(config.getString(engine + "key-store")).isEqualTo(keys.toString());
    assertThat(config.getString(engine + "key-password")).isEqualTo("secret");
    assertThat(config.getString(engine + "trust-store")).isEqualTo(trusted.toString());
    assertThat(config.getBoolean(engine + "require-mutual-authentication")).isTrue();
  }

  @Test
  void tls_without_a_key_store_or_with_a_missing_file_is_refused_naming_the_setting(@TempDir Path dir) {
    assertThatThrownBy(() -> ClusterTls.apply(NodeConfig.load(Map.of("petrel.cluster.tls.enabled", true),
        Optional.empty(), true))).hasMessageContaining("petrel.cluster.tls.key-store is not set");
    assertThatThrownBy(() -> ClusterTls.apply(NodeConfig.load(Map.of("petrel.cluster.tls.enabled", true,
        "petrel.cluster.tls.key-store", dir.resolve("missing.p12").toString()), Optional.empty(), true)))
        .hasMessageContaining("missing.p12 does not exist");
  }
}
