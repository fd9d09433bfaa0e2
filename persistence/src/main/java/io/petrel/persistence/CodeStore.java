package io.petrel.persistence;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Code packages (zip files) addressed by the lower-case hex SHA-256 of their bytes. Putting the same package
 * twice stores it once. Engines verify the hash on read: a damaged blob is an error, never wrong code.
 */
public interface CodeStore {

  CompletionStage<Void> putCode(String sha256Hex, byte[] zip);

  CompletionStage<Optional<byte[]>> getCode(String sha256Hex);
}
