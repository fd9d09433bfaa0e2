package io.petrel.persistence.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.QueuedEvents.QueuedEvent;
import io.petrel.persistence.StoreContract;
import io.petrel.persistence.VersionedConfig;
import io.petrel.persistence.internal.Sha256;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on the SQLite engine, plus what only this engine has: every test gets its own file, and the
 * node's queue of asynchronous invocations.
 */
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

  @Override
  protected PetrelStore withEnvironmentKey(EnvironmentKey key) {
    current.close();
    current = SqliteStore.open(file, key);
    return current;
  }

  @Override
  protected String storedConfigurations(FunctionId id) throws Exception {
    StringBuilder stored = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url())) {
      for (String sql : List.of("SELECT latest FROM functions WHERE account = ? AND name = ?",
          "SELECT config FROM versions WHERE account = ? AND name = ?")) {
        try (PreparedStatement st = c.prepareStatement(sql)) {
          st.setString(1, id.account());
          st.setString(2, id.name());
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              stored.append(rs.getString(1)).append('\n');
            }
          }
        }
      }
    }
    return stored.toString();
  }

  @Override
  protected void storeLatestAsIs(FunctionId id, String json) throws Exception {
    try (Connection c = DriverManager.getConnection(url());
        PreparedStatement st = c.prepareStatement("UPDATE functions SET latest = ? WHERE account = ? AND name = ?")) {
      st.setString(1, json);
      st.setString(2, id.account());
      st.setString(3, id.name());
      assertThat(st.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void the_database_file_does_not_contain_environment_values_and_the_key_file_beside_it_is_private()
      throws Exception {
    String secret = "secret-" + java.util.UUID.randomUUID();
    FunctionId id = new FunctionId("acct-file", "vault");
    FunctionConfig config = new FunctionConfig("python3.12", "app.handler", "role", "", 3, 128,
        Map.of("SECRET", secret), null, Sha256.hex(new byte[] {1}), 1, "revision-1", Instant.EPOCH);
    await(store.createFunction(new FunctionDefinition(id, config, null, null, Instant.EPOCH)));
    await(store.publishVersion(id, null, null, "version-revision-1", Instant.EPOCH));
    current.close();

    byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
    try (var files = java.nio.file.Files.list(dir)) {
      for (Path f : files.toList()) {
        assertThat(indexOf(java.nio.file.Files.readAllBytes(f), secretBytes)).as("%s", f).isEqualTo(-1);
      }
    }
    Path keyFile = dir.resolve(SqliteStore.KEY_FILE);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(
        keyFile))).isEqualTo("rw-------");

    current = SqliteStore.open(file);
    assertThat(await(current.getVersion(id, 1)).orElseThrow().config().environment()).containsEntry("SECRET", secret);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
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
      st.execute("DROP TABLE schedule_targets");
      st.execute("DROP TABLE schedule_rules");
      st.execute("DROP TABLE queued_events");
      st.execute("DROP TABLE event_source_mappings");
      st.execute("DROP TABLE event_invoke_configs");
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

  /** What {@link EnqueueUntilKilled} prints once an event is queued: its number and body. */
  private static final Pattern ACKNOWLEDGED = Pattern.compile("(\\d+) (event \\d+)");

  @Nested
  class QueueOfAsynchronousInvocations {
    private final Instant t0 = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void queued_events_come_back_oldest_first_with_their_bodies_and_times() {
      long a = await(current.enqueue(bytes("a"), t0));
      long b = await(current.enqueue(bytes("b"), t0.plusMillis(5)));
      long c = await(current.enqueue(bytes("c"), t0.plusMillis(7)));

      List<QueuedEvent> queued = await(current.queuedAfter(0, 10));

      assertThat(List.of(a, b, c)).isSorted().doesNotHaveDuplicates();
      assertThat(queued).extracting(QueuedEvent::seq).containsExactly(a, b, c);
      assertThat(queued).extracting(e -> text(e.body())).containsExactly("a", "b", "c");
      assertThat(queued).extracting(QueuedEvent::enqueued)
          .containsExactly(t0, t0.plusMillis(5), t0.plusMillis(7));
      assertThat(await(current.queuedCount())).isEqualTo(3);
    }

    @Test
    void queued_after_resumes_after_the_number_given_and_stops_at_the_limit() {
      List<Long> numbers = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        numbers.add(await(current.enqueue(bytes("event " + i), t0)));
      }

      List<QueuedEvent> first = await(current.queuedAfter(0, 3));
      List<QueuedEvent> second = await(current.queuedAfter(first.get(2).seq(), 3));
      List<QueuedEvent> third = await(current.queuedAfter(second.get(2).seq(), 3));

      assertThat(first).extracting(QueuedEvent::seq).isEqualTo(numbers.subList(0, 3));
      assertThat(second).extracting(QueuedEvent::seq).isEqualTo(numbers.subList(3, 6));
      assertThat(third).extracting(QueuedEvent::seq).isEqualTo(numbers.subList(6, 7));
      assertThat(third).extracting(e -> text(e.body())).containsExactly("event 6");
      assertThat(await(current.queuedAfter(numbers.get(6), 3))).isEmpty();
    }

    @Test
    void a_removed_event_leaves_the_queue_and_removing_it_again_changes_nothing() {
      long a = await(current.enqueue(bytes("a"), t0));
      long b = await(current.enqueue(bytes("b"), t0));
      long c = await(current.enqueue(bytes("c"), t0));

      await(current.remove(b));
      await(current.remove(b));

      assertThat(await(current.queuedAfter(0, 10))).extracting(QueuedEvent::seq).containsExactly(a, c);
      assertThat(await(current.queuedCount())).isEqualTo(2);
    }

    @Test
    void queued_events_survive_reopening_and_numbers_keep_growing_past_removed_ones() {
      long a = await(current.enqueue(bytes("a"), t0));
      long b = await(current.enqueue(bytes("b"), t0));
      long newest = await(current.enqueue(bytes("c"), t0));
      await(current.remove(newest));

      store = reopen();

      assertThat(await(current.queuedAfter(0, 10))).extracting(QueuedEvent::seq).containsExactly(a, b);
      assertThat(await(current.enqueue(bytes("d"), t0))).isGreaterThan(newest);
    }

    @Test
    void an_event_is_committed_by_the_time_its_enqueue_completes() throws Exception {
      long seq = await(current.enqueue(bytes("committed"), t0));

      // Another connection sees only committed rows, as a node restarted after a crash would.
      try (Connection c = DriverManager.getConnection(url());
          PreparedStatement st = c.prepareStatement("SELECT body FROM queued_events WHERE seq = ?")) {
        st.setLong(1, seq);
        try (ResultSet rs = st.executeQuery()) {
          assertThat(rs.next()).as("row committed").isTrue();
          assertThat(text(rs.getBytes(1))).isEqualTo("committed");
        }
      }
    }

    @Test
    void every_event_acknowledged_before_the_process_is_killed_is_queued_after_restart() throws Exception {
      current.close();
      Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), EnqueueUntilKilled.class.getName(), file.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      Map<Long, String> acknowledged = new HashMap<>();
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
        while (acknowledged.size() < 300) {
          String line = out.readLine();
          assertThat(line).as("the writer's output after %d events", acknowledged.size()).isNotNull();
          Matcher ack = ACKNOWLEDGED.matcher(line);
          if (ack.matches()) {
            acknowledged.put(Long.parseLong(ack.group(1)), ack.group(2));
          }
        }
        writer.destroyForcibly();
        assertThat(writer.waitFor(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("writer killed").isTrue();
      } finally {
        writer.destroyForcibly();
      }

      current = SqliteStore.open(file);
      store = current;

      Map<Long, String> queued = new HashMap<>();
      for (QueuedEvent e : await(current.queuedAfter(0, 1_000_000))) {
        queued.put(e.seq(), text(e.body()));
      }
      assertThat(queued).containsAllEntriesOf(acknowledged);
    }

    @Test
    void eight_thousand_events_enqueued_from_sixteen_threads_are_each_queued_once_in_each_threads_order()
        throws Exception {
      int threads = 16;
      int perThread = 500;

      List<List<Long>> numbersByThread = runConcurrently(threads, t -> () -> {
        List<CompletableFuture<Long>> stages = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          stages.add(current.enqueue(bytes(t + "/" + i), t0.plusMillis(i)).toCompletableFuture());
        }
        List<Long> numbers = new ArrayList<>();
        for (CompletableFuture<Long> stage : stages) {
          numbers.add(await(stage));
        }
        return numbers;
      });

      Map<Long, String> expected = new HashMap<>();
      for (int t = 0; t < threads; t++) {
        assertThat(numbersByThread.get(t)).as("numbers of thread %d", t).isSorted().doesNotHaveDuplicates();
        for (int i = 0; i < perThread; i++) {
          expected.put(numbersByThread.get(t).get(i), t + "/" + i);
        }
      }
      assertThat(expected).as("distinct numbers").hasSize(threads * perThread);
      List<QueuedEvent> queued = await(current.queuedAfter(0, 100_000));
      Map<Long, String> actual = new HashMap<>();
      Set<String> bodies = new HashSet<>();
      for (QueuedEvent e : queued) {
        actual.put(e.seq(), text(e.body()));
        bodies.add(text(e.body()));
      }
      assertThat(queued).as("queued events").hasSize(threads * perThread);
      assertThat(bodies).as("distinct bodies").hasSize(threads * perThread);
      assertThat(actual).isEqualTo(expected);
      assertThat(await(current.queuedCount())).isEqualTo(threads * perThread);
    }

    @Test
    void enqueueing_on_a_closed_store_fails_saying_it_is_closed() {
      current.close();

      assertThat(failureOf(current.enqueue(bytes("late"), t0))).hasMessageContaining("closed");
    }
  }

  /**
   * The writer of {@code every_event_acknowledged_before_the_process_is_killed_is_queued_after_restart}: enqueues
   * events one after another into the store file given, printing "seq body" once each enqueue completed, until it
   * is killed.
   */
  static final class EnqueueUntilKilled {
    public static void main(String[] args) {
      SqliteStore store = SqliteStore.open(Path.of(args[0]));
      for (long i = 0; ; i++) {
        String body = "event " + i;
        long seq = store.enqueue(bytes(body), Instant.now()).toCompletableFuture().join();
        System.out.println(seq + " " + body);
        System.out.flush();
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String url() {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }
}
