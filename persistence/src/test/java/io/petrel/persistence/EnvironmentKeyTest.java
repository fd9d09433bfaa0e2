package io.petrel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentKeyTest {
  private static final FunctionId FN = new FunctionId("123456789012", "payments");
  private static final Map<String, String> ENV = Map.of("SECRET", "s3cr3t-value", "MODE", "prod");

  private final String keyText = EnvironmentKey.generate();
  private final EnvironmentKey key = EnvironmentKey.fromBase64("petrel.store.environment-key", keyText, List.of());

  @Test
  void decrypts_what_it_encrypted_for_the_same_function_and_version() {
    String sealed = key.seal(FN, "$LATEST", ENV);

    assertThat(new String(Base64.getDecoder().decode(sealed))).doesNotContain("s3cr3t-value");
    assertThat(key.open(FN, "$LATEST", sealed)).isEqualTo(ENV);
    assertThat(sealed).isNotEqualTo(key.seal(FN, "$LATEST", ENV)); // a fresh nonce every time
  }

  @Test
  void the_same_key_given_again_decrypts_and_has_the_same_id() {
    EnvironmentKey again = EnvironmentKey.fromBase64("elsewhere", " " + keyText + "\n", List.of());

    assertThat(again.id()).isEqualTo(key.id());
    assertThat(again.open(FN, "3", key.seal(FN, "3", ENV))).isEqualTo(ENV);
  }

  @Test
  void another_key_fails_naming_both_key_ids_and_where_the_key_came_from() {
    String sealed = key.seal(FN, "$LATEST", ENV);
    EnvironmentKey other = EnvironmentKey.fromBase64("petrel.store.environment-key-file (/etc/petrel/env.key)",
        EnvironmentKey.generate(), List.of());

    assertThatThrownBy(() -> other.open(FN, "$LATEST", sealed))
        .isInstanceOf(EnvironmentKeyException.class)
        .hasMessageContaining(key.id())
        .hasMessageContaining(other.id())
        .hasMessageContaining("petrel.store.environment-key-file (/etc/petrel/env.key)")
        .hasMessageContaining("payments");
  }

  @Test
  void a_ciphertext_moved_to_another_function_account_or_version_does_not_decrypt() {
    String sealed = key.seal(FN, "$LATEST", ENV);

    assertThatThrownBy(() -> key.open(new FunctionId("123456789012", "reports"), "$LATEST", sealed))
        .isInstanceOf(EnvironmentKeyException.class)
        .hasMessageContaining("copied from another function or version");
    assertThatThrownBy(() -> key.open(new FunctionId("999999999999", "payments"), "$LATEST", sealed))
        .isInstanceOf(EnvironmentKeyException.class);
    assertThatThrownBy(() -> key.open(FN, "1", sealed)).isInstanceOf(EnvironmentKeyException.class);
  }

  @Test
  void a_tampered_ciphertext_does_not_decrypt() {
    byte[] bytes = Base64.getDecoder().decode(key.seal(FN, "$LATEST", ENV));
    bytes[bytes.length / 2] ^= 1;
    String tampered = Base64.getEncoder().encodeToString(bytes);

    assertThatThrownBy(() -> key.open(FN, "$LATEST", tampered))
        .isInstanceOf(EnvironmentKeyException.class)
        .hasMessageContaining("altered");
    assertThatThrownBy(() -> key.open(FN, "$LATEST", "not base64!"))
        .isInstanceOf(EnvironmentKeyException.class);
  }

  @Test
  void a_new_key_with_the_old_one_as_previous_reads_old_ciphertexts_and_writes_with_the_new_key() {
    String old = key.seal(FN, "$LATEST", ENV);
    String newText = EnvironmentKey.generate();
    EnvironmentKey rotated = EnvironmentKey.fromBase64("petrel.store.environment-key", newText, List.of(keyText));

    assertThat(rotated.open(FN, "$LATEST", old)).isEqualTo(ENV);
    String fresh = rotated.seal(FN, "$LATEST", ENV);
    assertThatThrownBy(() -> key.open(FN, "$LATEST", fresh))
        .isInstanceOf(EnvironmentKeyException.class)
        .hasMessageContaining(rotated.id());
    assertThat(EnvironmentKey.fromBase64("new only", newText, List.of()).open(FN, "$LATEST", fresh)).isEqualTo(ENV);
  }

  @Test
  void keys_that_are_not_base64_of_32_bytes_are_refused_naming_the_setting() {
    assertThatThrownBy(() -> EnvironmentKey.fromBase64("petrel.store.environment-key", "short", List.of()))
        .isInstanceOf(EnvironmentKeyException.class)
        .hasMessageContaining("petrel.store.environment-key");
    String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> EnvironmentKey.fromBase64("petrel.store.environment-key", sixteen, List.of()))
        .isInstanceOf(EnvironmentKeyException.class)
        .hasMessageContaining("16 bytes");
  }

  @Test
  void a_created_key_file_is_private_to_its_owner_and_kept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data").resolve("environment.key");

    assertThat(EnvironmentKey.createFileIfMissing(file)).isTrue();
    String written = Files.readString(file);
    assertThat(EnvironmentKey.createFileIfMissing(file)).isFalse();

    assertThat(Files.readString(file)).isEqualTo(written);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    EnvironmentKey fromFile = EnvironmentKey.fromFile(file, "key file", List.of());
    assertThat(fromFile.open(FN, "$LATEST", fromFile.seal(FN, "$LATEST", ENV))).isEqualTo(ENV);
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).containsExactly(file);
    }
  }
}
