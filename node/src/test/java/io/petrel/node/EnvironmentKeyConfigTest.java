package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import io.petrel.persistence.EnvironmentKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentKeyConfigTest {
  @TempDir
  Path dir;

  private static Config config(Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.putIfAbsent("petrel.store.environment-key", "");
    all.putIfAbsent("petrel.store.environment-key-file", "");
    return NodeConfig.load(all, Optional.empty(), true);
  }

  @Test
  void petrel_node_without_a_key_fails_naming_both_settings() {
    assertThatThrownBy(() -> EnvironmentKeyConfig.required(config(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("petrel.store.environment-key-file")
        .hasMessageContaining("PETREL_ENVIRONMENT_KEY");
  }

  @Test
  void a_key_given_directly_or_in_a_file_is_the_same_key() throws Exception {
    String key = EnvironmentKey.generate();
    Path file = dir.resolve("env.key");
    Files.writeString(file, key + "\n");

    EnvironmentKey direct = EnvironmentKeyConfig.required(config(Map.of("petrel.store.environment-key", key)));
    EnvironmentKey fromFile = EnvironmentKeyConfig.required(config(Map.of("petrel.store.environment-key-file",
        file.toString())));

    assertThat(fromFile.id()).isEqualTo(direct.id());
    assertThat(direct.source()).isEqualTo("petrel.store.environment-key");
    assertThat(fromFile.source()).contains("petrel.store.environment-key-file").contains(file.toString());
  }

  @Test
  void malformed_or_doubly_given_keys_are_refused_naming_the_setting() {
    assertThatThrownBy(() -> EnvironmentKeyConfig.required(config(Map.of("petrel.store.environment-key", "abc"))))
        .hasMessageContaining("petrel.store.environment-key");
    assertThatThrownBy(() -> EnvironmentKeyConfig.required(config(Map.of(
        "petrel.store.environment-key", EnvironmentKey.generate(),
        "petrel.store.environment-key-file", dir.resolve("env.key").toString()))))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> EnvironmentKeyConfig.required(config(Map.of(
        "petrel.store.environment-key-file", dir.resolve("missing.key").toString()))))
        .hasMessageContaining("missing.key")
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> EnvironmentKeyConfig.required(config(Map.of(
        "petrel.store.environment-key", EnvironmentKey.generate(),
        "petrel.store.previous-environment-keys", List.of(EnvironmentKey.generate(), "short")))))
        .hasMessageContaining("petrel.store.previous-environment-keys (entry 2)");
  }

  @Test
  void petrel_dev_without_a_key_creates_one_in_the_data_dir_once() throws Exception {
    EnvironmentKey first = EnvironmentKeyConfig.configuredOrGenerated(config(Map.of()), dir);
    EnvironmentKey second = EnvironmentKeyConfig.configuredOrGenerated(config(Map.of()), dir);

    assertThat(dir.resolve("environment.key")).exists();
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(first.source()).contains(dir.resolve("environment.key").toString());
  }

  @Test
  void petrel_dev_with_a_configured_key_uses_it_and_creates_no_file() {
    String key = EnvironmentKey.generate();
    EnvironmentKey used = EnvironmentKeyConfig.configuredOrGenerated(
        config(Map.of("petrel.store.environment-key", key)), dir);

    assertThat(used.source()).isEqualTo("petrel.store.environment-key");
    assertThat(dir.resolve("environment.key")).doesNotExist();
  }

  @Test
  void previous_keys_may_be_one_comma_separated_string_as_the_environment_variable_gives_them() {
    String old = EnvironmentKey.generate();
    String older = EnvironmentKey.generate();
    EnvironmentKey key = EnvironmentKeyConfig.required(config(Map.of(
        "petrel.store.environment-key", EnvironmentKey.generate(),
        "petrel.store.previous-environment-keys", old + ", " + older)));

    io.petrel.persistence.FunctionId fn = new io.petrel.persistence.FunctionId("000000000000", "f");
    String sealedWithOlder = EnvironmentKey.fromBase64("older", older, List.of()).seal(fn, "$LATEST", Map.of("A", "1"));
    assertThat(key.open(fn, "$LATEST", sealedWithOlder)).containsEntry("A", "1");
  }
}
