package io.petrel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.EnvironmentKeyException;
import io.petrel.persistence.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the key that the store encrypts environment variables with from {@code petrel.store}: a base64 key
 * ({@value #KEY}) or a file holding one ({@value #KEY_FILE}), plus keys used before ({@value #PREVIOUS}). Errors
 * name the setting to fix.
 */
final class EnvironmentKeyConfig {
  static final String KEY = "petrel.store.environment-key";
  static final String KEY_FILE = "petrel.store.environment-key-file";
  static final String PREVIOUS = "petrel.store.previous-environment-keys";
  private static final Logger log = LoggerFactory.getLogger(EnvironmentKeyConfig.class);

  private EnvironmentKeyConfig() {}

  /** {@code petrel node}: the configured key; every node of the cluster must have the same. */
  static EnvironmentKey required(Config root) {
    return configured(root).orElseThrow(() -> new IllegalArgumentException("petrel node needs an environment key,"
        + " the same on every node of the cluster: set " + KEY_FILE + " (PETREL_ENVIRONMENT_KEY_FILE) to a file"
        + " holding one, or " + KEY + " (PETREL_ENVIRONMENT_KEY). A key is base64 of 32 random bytes:"
        + " head -c 32 /dev/urandom | base64"));
  }

  /**
   * {@code petrel dev}: the configured key, or else the one in {@code environment.key} in the data dir, which the
   * first start creates.
   */
  static EnvironmentKey configuredOrGenerated(Config root, Path dataDir) {
    Optional<EnvironmentKey> configured = configured(root);
    if (configured.isPresent()) {
      return configured.get();
    }
    Path file = dataDir.resolve(SqliteStore.KEY_FILE);
    String source = "the key file " + file + " (" + KEY + " and " + KEY_FILE + " are not set)";
    try {
      if (EnvironmentKey.createFileIfMissing(file)) {
        log.info("created a key for environment variables at rest in {} (readable by this user only); keep it"
            + " with the data dir, or set {}", file, KEY_FILE);
      }
      return EnvironmentKey.fromFile(file, source, previous(root));
    } catch (EnvironmentKeyException | java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The key of {@value #KEY} or {@value #KEY_FILE}, when one of them is set. */
  static Optional<EnvironmentKey> configured(Config root) {
    String key = root.getString(KEY).strip();
    String file = root.getString(KEY_FILE).strip();
    if (!key.isEmpty() && !file.isEmpty()) {
      throw new IllegalArgumentException("set one of " + KEY + " and " + KEY_FILE + ", not both");
    }
    try {
      if (!key.isEmpty()) {
        return Optional.of(EnvironmentKey.fromBase64(KEY, key, previous(root)));
      }
      if (!file.isEmpty()) {
        Path path = Path.of(file).toAbsolutePath();
        return Optional.of(EnvironmentKey.fromFile(path, KEY_FILE + " (" + path + ")", previous(root)));
      }
      return Optional.empty();
    } catch (EnvironmentKeyException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A list, or one string of comma-separated keys (as PETREL_PREVIOUS_ENVIRONMENT_KEYS is). */
  private static List<String> previous(Config root) {
    List<String> keys = new ArrayList<>();
    if (root.getValue(PREVIOUS).valueType() == ConfigValueType.LIST) {
      keys.addAll(root.getStringList(PREVIOUS));
    } else {
      for (String part : root.getString(PREVIOUS).split(",")) {
        if (!part.isBlank()) {
          keys.add(part.strip());
        }
      }
    }
    for (int i = 0; i < keys.size(); i++) {
      // Checked one by one, so that a malformed one is named as what it is.
      EnvironmentKey.fromBase64(PREVIOUS + " (entry " + (i + 1) + ")", keys.get(i), List.of());
    }
    return keys;
  }
}
