package io.petrel.gateway;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed {@code petrel.auth} settings (see reference.conf): whether requests must be signed with AWS Signature
 * Version 4, the access keys they may be signed with (each owned by an account), and how far a request's date may
 * be from the node's clock.
 */
public record AuthSettings(boolean required, Map<String, AccessKey> keys, Duration maxClockSkew,
    Duration codeLinkExpiry) {

  /** An access key: its id, its secret, and the 12-digit account it acts for. */
  public record AccessKey(String accessKeyId, String secretAccessKey, String account) {
    @Override
    public String toString() {
      return "AccessKey[" + accessKeyId + ", account " + account + "]"; // never the secret
    }
  }

  public AuthSettings {
    keys = Map.copyOf(keys);
  }

  /** Authentication off: every request acts as the gateway's own account. */
  public static AuthSettings off() {
    return new AuthSettings(false, Map.of(), Duration.ofMinutes(5), Duration.ofMinutes(10));
  }

  public static AuthSettings from(Config root) {
    Config c = root.getConfig("petrel.auth");
    Map<String, AccessKey> keys = new LinkedHashMap<>();
    for (Config key : c.getConfigList("keys")) {
      add(keys, key, "petrel.auth.keys");
    }
    Config fromEnvironment = c.getConfig("environment-key");
    if (!fromEnvironment.getString("access-key-id").isEmpty()) {
      add(keys, fromEnvironment, "petrel.auth.environment-key");
    }
    return new AuthSettings(c.getBoolean("required"), keys, c.getDuration("max-clock-skew"),
        c.getDuration("code-link-expiry"));
  }

  public Optional<AccessKey> key(String accessKeyId) {
    return Optional.ofNullable(keys.get(accessKeyId));
  }

  private static void add(Map<String, AccessKey> keys, Config key, String where) {
    String id = key.getString("access-key-id");
    String secret = key.getString("secret-access-key");
    String account = key.getString("account");
    if (!id.matches("[A-Z0-9]{16,128}")) {
      throw new IllegalArgumentException(where + ": access-key-id '" + id
          + "' must be 16 to 128 upper-case letters and digits");
    }
    if (secret.length() < 16) {
      throw new IllegalArgumentException(where + ": the secret-access-key of " + id + " must have at least 16"
          + " characters");
    }
    if (!account.matches("\\d{12}")) {
      throw new IllegalArgumentException(where + ": the account of " + id + " must be 12 digits, not '" + account
          + "'");
    }
    if (keys.putIfAbsent(id, new AccessKey(id, secret, account)) != null) {
      throw new IllegalArgumentException(where + ": access-key-id " + id + " is configured twice");
    }
  }
}
