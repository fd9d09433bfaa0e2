package io.petrel.persistence.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as engines and the gateway compare them: lower-case hex. */
public final class Sha256 {
  private Sha256() {}

  public static byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(digest(data));
  }
}
