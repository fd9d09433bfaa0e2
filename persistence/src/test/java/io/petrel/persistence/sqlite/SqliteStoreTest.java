package io.petrel.persistence.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.StoreContract;
import io.petrel.persistence.VersionedConfig;
import io.petrel.persistence.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the SQLite engine, plus what only this engine has: every test gets its own file. */
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
    byte[] zip = "PK the function's code".getBytes(StandardCharsets.UTF_8);
    String sha = Sha256.hex(zip);
    await(store.putCode(sha, zip));
    byte[] damaged = Arrays.copyOf(zip, zip.length);
    damaged[3] ^= 0x01;
    try (Connection c = DriverManager.getConnection(url());
        PreparedStatement st = c.prepareStatement("UPDATE code SET zip = ? WHERE sha256 = ?")) {
      st.setBytes(1, damaged);
      st.setString(2, sha);
      assertThat(st.executeUpdate()).isEqualTo(1);
    }

    assertThat(failureOf(store.getCode(sha))).hasMessageContaining("damaged");
  }

  @Test
  void a_database_of_schema_version_one_is_migrated_and_its_versions_still_count_as_unchanged() throws Exception {
    FunctionId id = new FunctionId("acct-migration", "orders");
    FunctionConfig latest = new FunctionConfig("java21", "orders.Handler", "role", "first", 3, 128, null, null,
        Sha256.hex(new byte[] {1}), 1, "revision-1", Instant.EPOCH);
    await(store.createFunction(new FunctionDefinition(id, latest, null, null, Instant.EPOCH)));
    VersionedConfig first = await(store.publishVersion(id, null, null, "version-revision-1", Instant.EPOCH));
    current.close();
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
      st.execute("DROP TABLE function_urls");
      st.execute("DROP INDEX log_lines_by_time");
      st.execute("ALTER TABLE versions DROP COLUMN latest_description");
      st.execute("PRAGMA user_version = 1");
    }

    current = SqliteStore.open(file);
    store = current;

    assertThat(await(store.getVersion(id, 1))).contains(first);
    assertThat(await(store.publishVersion(id, null, null, "version-revision-2", Instant.EPOCH))).isEqualTo(first);
  }

  private String url() {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }
}
