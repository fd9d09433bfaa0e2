package io.petrel.persistence.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.StoreContract;
import io.petrel.persistence.internal.Sha256;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the SQLite engine: every test gets its own database file. */
class SqliteStoreTest extends StoreContract {

  @TempDir
  Path dir;

  private Path file;
  private SqliteStore current;

  @Override
  protected PetrelStore newStore() {
    file = dir.resolve("petrel.db");
    current = SqliteStore.open(file);
    return current;
  }

  @Override
  protected PetrelStore reopen() {
    current.close();
    current = SqliteStore.open(file);
    return current;
  }

  @AfterEach
  void closeStore() {
    if (current != null) {
      current.close();
    }
  }

  @Test
  void damaged_code_fails_to_read_instead_of_returning_wrong_bytes() throws Exception {
    byte[] zip = "PK the function's code".getBytes();
    String sha = Sha256.hex(zip);
    await(store.putCode(sha, zip));
    byte[] damaged = Arrays.copyOf(zip, zip.length);
    damaged[3] ^= 0x01;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        PreparedStatement st = c.prepareStatement("UPDATE code SET zip = ? WHERE sha256 = ?")) {
      st.setBytes(1, damaged);
      st.setString(2, sha);
      assertThat(st.executeUpdate()).isEqualTo(1);
    }

    assertThat(failureOf(store.getCode(sha))).hasMessageContaining("damaged");
  }
}
