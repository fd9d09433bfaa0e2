package io.petrel.persistence;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import io.petrel.persistence.internal.ConfigJson;
import io.petrel.persistence.internal.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The node key that stores encrypt functions' environment variables with before writing them: AES-256-GCM
 * through Tink's AEAD, with associated data naming the account, function and version the variables belong to,
 * so that a ciphertext copied to another function or version does not decrypt.
 *
 * <p>Every ciphertext starts with Tink's 5-byte prefix: a format byte and the 4-byte id of the key that wrote
 * it. The id is derived from the key itself (the first 4 bytes of a SHA-256 of it), so the same key has the same
 * id on every node without anybody choosing ids. To rotate, configure the new key and keep the old ones as
 * previous keys: everything decrypts, and each configuration is re-encrypted with the new key when next written.
 *
 * <p>Keys are given as base64 of 32 random bytes (e.g. {@code head -c 32 /dev/urandom | base64}).
 */
public final class EnvironmentKey {
  /** AES-256: 32 bytes of key. */
  public static final int KEY_BYTES = 32;
  private static final int PREFIX_BYTES = 5;
  private static final byte TINK_PREFIX_FORMAT = 1;

  static {
    try {
      // Tink's keyset handles need the AEAD key types registered, even for keys imported as bytes.
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Aead aead;
  private final int primaryId;
  private final List<Integer> ids;
  private final String source;

  private EnvironmentKey(Aead aead, int primaryId, List<Integer> ids, String source) {
    this.aead = aead;
    this.primaryId = primaryId;
    this.ids = List.copyOf(ids);
    this.source = source;
  }

  /**
   * The key {@code primaryBase64}, which encrypts, and {@code previousBase64}, which only decrypt. {@code source}
   * says where they were configured (a setting's name, a file); error messages name it.
   *
   * @throws EnvironmentKeyException when a key is not base64 of 32 bytes
   */
  public static EnvironmentKey fromBase64(String source, String primaryBase64, List<String> previousBase64) {
    Objects.requireNonNull(source, "source");
    byte[] primary = decodeKey(source, primaryBase64);
    List<byte[]> previous = new ArrayList<>();
    for (String p : previousBase64) {
      previous.add(decodeKey(source + " (a previous key)", p));
    }
    return of(source, primary, previous);
  }

  /** The key in {@code file} (base64 of 32 bytes; surrounding white space is ignored). */
  public static EnvironmentKey fromFile(Path file, String source, List<String> previousBase64) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new EnvironmentKeyException(source + ": the key file " + file + " cannot be read: " + e, e);
    }
    return fromBase64(source, text, previousBase64);
  }

  /**
   * Writes a new random key to {@code file}, readable and writable by its owner only, unless the file exists.
   * Returns whether it wrote one.
   */
  public static boolean createFileIfMissing(Path file) {
    if (Files.exists(file)) {
      return false;
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temporary = Files.createTempFile(dir, ".environment-key", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(temporary, generate() + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the environment key file " + file, e);
    }
  }

  /** A new random key, as base64. */
  public static String generate() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The id of the key that encrypts, as 8 hex digits (the id every ciphertext it writes starts with). */
  public String id() {
    return hex(primaryId);
  }

  /** Where the key was configured. */
  public String source() {
    return source;
  }

  /** The base64 ciphertext of {@code environment}, bound to {@code function} and {@code version}. */
  public String seal(FunctionId function, String version, Map<String, String> environment) {
    try {
      byte[] plaintext = ConfigJson.write(environment).getBytes(StandardCharsets.UTF_8);
      return Base64.getEncoder().encodeToString(aead.encrypt(plaintext, associatedData(function, version)));
    } catch (GeneralSecurityException e) {
      throw new EnvironmentKeyException("environment variables cannot be encrypted: " + e.getMessage(), e);
    }
  }

  /**
   * The environment {@link #seal} encrypted for {@code function} and {@code version}.
   *
   * @throws EnvironmentKeyException when it was written with a key this node does not have, was altered, or
   *     belongs to another function or version
   */
  public Map<String, String> open(FunctionId function, String version, String sealed) {
    String what = "the environment variables of " + function.name() + ":" + version + " (account "
        + function.account() + ")";
    byte[] ciphertext;
    try {
      ciphertext = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new EnvironmentKeyException(what + " are stored in a form that is not base64");
    }
    if (ciphertext.length <= PREFIX_BYTES || ciphertext[0] != TINK_PREFIX_FORMAT) {
      throw new EnvironmentKeyException(what + " are stored in a form this node does not know");
    }
    int keyId = ByteBuffer.wrap(ciphertext, 1, 4).getInt();
    if (!ids.contains(keyId)) {
      throw new EnvironmentKeyException(what + " were encrypted with environment key " + hex(keyId)
          + ", which this node does not have: its key is " + id() + " from " + source
          + (ids.size() > 1 ? " (previous keys " + previousIds() + ")" : "")
          + ". Configure the key they were written with (as the key, or as a previous key).");
    }
    byte[] plaintext;
    try {
      plaintext = aead.decrypt(ciphertext, associatedData(function, version));
    } catch (GeneralSecurityException e) {
      throw new EnvironmentKeyException(what + " do not decrypt with environment key " + hex(keyId) + " from "
          + source + ": they were altered, or copied from another function or version");
    }
    return ConfigJson.readMap(new String(plaintext, StandardCharsets.UTF_8));
  }

  private static EnvironmentKey of(String source, byte[] primary, List<byte[]> previous) {
    Map<Integer, byte[]> byId = new LinkedHashMap<>();
    byId.put(idOf(primary), primary);
    previous.forEach(p -> byId.putIfAbsent(idOf(p), p));
    try {
      AesGcmParameters parameters = AesGcmParameters.builder()
          .setKeySizeBytes(KEY_BYTES)
          .setIvSizeBytes(12)
          .setTagSizeBytes(16)
          .setVariant(AesGcmParameters.Variant.TINK)
          .build();
      KeysetHandle.Builder keyset = KeysetHandle.newBuilder();
      int primaryId = idOf(primary);
      for (Map.Entry<Integer, byte[]> e : byId.entrySet()) {
        AesGcmKey key = AesGcmKey.builder()
            .setParameters(parameters)
            .setKeyBytes(SecretBytes.copyFrom(e.getValue(), InsecureSecretKeyAccess.get()))
            .setIdRequirement(e.getKey())
            .build();
        KeysetHandle.Builder.Entry entry = KeysetHandle.importKey(key).withFixedId(e.getKey());
        keyset.addEntry(e.getKey() == primaryId ? entry.makePrimary() : entry);
      }
      Aead aead = keyset.build().getPrimitive(ConfigurationV0.get(), Aead.class);
      return new EnvironmentKey(aead, primaryId, new ArrayList<>(byId.keySet()), source);
    } catch (GeneralSecurityException e) {
      throw new EnvironmentKeyException(source + ": the environment key cannot be used: " + e.getMessage(), e);
    }
  }

  private static byte[] decodeKey(String source, String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new EnvironmentKeyException(source + " is not base64: an environment key is base64 of " + KEY_BYTES
          + " random bytes (e.g. head -c 32 /dev/urandom | base64)");
    }
    if (key.length != KEY_BYTES) {
      throw new EnvironmentKeyException(source + " holds " + key.length + " bytes: an environment key is base64 of "
          + KEY_BYTES + " random bytes (e.g. head -c 32 /dev/urandom | base64)");
    }
    return key;
  }

  private static int idOf(byte[] key) {
    byte[] label = "petrel environment key id\n".getBytes(StandardCharsets.US_ASCII);
    byte[] input = new byte[label.length + key.length];
    System.arraycopy(label, 0, input, 0, label.length);
    System.arraycopy(key, 0, input, label.length, key.length);
    return ByteBuffer.wrap(Sha256.digest(input), 0, 4).getInt();
  }

  /** Account, function and version, each length-prefixed so that no two of them run into each other. */
  private static byte[] associatedData(FunctionId function, String version) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("petrel function environment");
      out.writeUTF(function.account());
      out.writeUTF(function.name());
      out.writeUTF(version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private String previousIds() {
    return String.join(", ", ids.stream().filter(i -> i != primaryId).map(EnvironmentKey::hex).toList());
  }

  private static String hex(int id) {
    return String.format("%08x", id);
  }

  @Override
  public String toString() {
    return "EnvironmentKey[" + id() + " from " + source + "]";
  }
}
