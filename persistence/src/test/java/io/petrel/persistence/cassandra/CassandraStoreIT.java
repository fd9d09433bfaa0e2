package io.petrel.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.petrel.deploy.testing.CassandraExtension;
import io.petrel.deploy.testing.Keyspace;
import io.petrel.deploy.testing.TestCassandra;
import io.petrel.persistence.DailyUsage;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.ScheduleRule;
import io.petrel.persistence.ScheduleTarget;
import io.petrel.persistence.StoreContract;
import io.petrel.persistence.StoreException;
import io.petrel.persistence.VersionedConfig;
import io.petrel.persistence.internal.Sha256;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract on a real Cassandra (one node started by the test fixture, a keyspace for this class),
 * plus what only a cluster store has: several stores (as on several nodes) changing one function or claiming one
 * scheduled tick at once, chunked code checked on read, and usage written by several writers.
 */
@ExtendWith(CassandraExtension.class)
class CassandraStoreIT extends StoreContract {
  private static final EnvironmentKey KEY =
      EnvironmentKey.fromBase64("the test's key", EnvironmentKey.generate(), List.of());
  private static CassandraSettings settings;
  private static CassandraStore shared;
  private static CqlSession cql;
  private final List<CassandraStore> others = new ArrayList<>();

  @BeforeAll
  static void connect(TestCassandra cassandra, @Keyspace String keyspace) {
    settings = CassandraSettings.local(cassandra.contactPoint(), cassandra.localDatacenter(), keyspace);
    shared = CassandraStore.connect(settings, KEY, Duration.ofMinutes(2));
    cql = CqlSession.builder().addContactPoint(settings.contactPoints().get(0))
        .withLocalDatacenter(settings.localDatacenter()).build();
  }

  @AfterAll
  static void close() {
    if (shared != null) {
      shared.close();
    }
    if (cql != null) {
      cql.close();
    }
  }

  @AfterEach
  void closeOthers() {
    others.forEach(CassandraStore::close);
  }

  @Override
  protected PetrelStore withEnvironmentKey(EnvironmentKey key) {
    CassandraStore other = CassandraStore.connect(settings, key, Duration.ofMinutes(1));
    others.add(other);
    return other;
  }

  @Override
  protected String storedConfigurations(FunctionId id) {
    StringBuilder stored = new StringBuilder();
    for (Row row : cql.execute(SimpleStatement.newInstance("SELECT latest, config FROM " + settings.keyspace()
        + ".functions WHERE account = ? AND name = ?", id.account(), id.name()))) {
      stored.append(row.getString("latest")).append('\n').append(row.getString("config")).append('\n');
    }
    return stored.toString();
  }

  @Override
  protected void storeLatestAsIs(FunctionId id, String json) {
    cql.execute(SimpleStatement.newInstance("UPDATE " + settings.keyspace() + ".functions SET latest = ?"
        + " WHERE account = ? AND name = ?", json, id.account(), id.name()));
  }

  @Override
  protected PetrelStore newStore() {
    return shared;
  }

  @Override
  protected PetrelStore reopen() {
    shared.close();
    shared = CassandraStore.connect(settings, KEY, Duration.ofMinutes(1));
    return shared;
  }

  @Test
  void two_stores_publishing_one_function_at_once_never_give_one_number_twice() throws Exception {
    FunctionId id = new FunctionId("acct-" + UUID.randomUUID(), "contended");
    await(shared.createFunction(new FunctionDefinition(id, config("v0"), Map.of(), OptionalInt.empty(),
        Instant.now())));
    try (CassandraStore other = CassandraStore.connect(settings, KEY, Duration.ofMinutes(1))) {
      List<CompletableFuture<VersionedConfig>> publishes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String description = "change " + i;
        CassandraStore store = i % 2 == 0 ? shared : other;
        publishes.add(store.modifyLatest(id, null, c -> c.withDescription(description))
            .thenCompose(f -> store.publishVersion(id, null, null, UUID.randomUUID().toString(), Instant.now()))
            .toCompletableFuture());
      }
      // Publishing an unchanged $LATEST answers the newest version, so several calls may get one number; but
      // one number never stands for two different configurations, and the numbers have no gaps.
      Map<String, String> descriptionOf = new java.util.HashMap<>();
      for (CompletableFuture<VersionedConfig> p : publishes) {
        VersionedConfig v = await(p);
        String before = descriptionOf.putIfAbsent(v.version(), v.config().description());
        assertThat(before).as("version %s", v.version()).isIn(null, v.config().description());
      }
      List<VersionedConfig> listed = await(other.listVersions(id, null, 100)).items();
      assertThat(listed).extracting(VersionedConfig::version)
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, listed.size())
              .mapToObj(Integer::toString).toList());
      assertThat(listed).allSatisfy(v -> assertThat(v.config().description())
          .isEqualTo(descriptionOf.getOrDefault(v.version(), v.config().description())));
      assertThat(descriptionOf.keySet()).allSatisfy(n -> assertThat(Long.parseLong(n)).isBetween(1L,
          (long) listed.size()));
      // Whether the racing calls interleaved into one version or many is up to timing; what follows them is not.
      VersionedConfig next = await(other.modifyLatest(id, null, c -> c.withDescription("after the race"))
          .thenCompose(f -> shared.publishVersion(id, null, null, UUID.randomUUID().toString(), Instant.now())));
      assertThat(next.version()).isEqualTo(Integer.toString(listed.size() + 1));
      assertThat(next.config().description()).isEqualTo("after the race");
    }
  }

  @Test
  void two_stores_creating_a_url_for_one_qualifier_at_once_let_exactly_one_win() {
    String account = "acct-" + UUID.randomUUID();
    try (CassandraStore other = CassandraStore.connect(settings, KEY, Duration.ofMinutes(1))) {
      for (int round = 0; round < 5; round++) {
        FunctionId id = new FunctionId(account, "web-" + round);
        await(shared.createFunction(new FunctionDefinition(id, config("v0"), Map.of(), OptionalInt.empty(),
            Instant.now())));
        FunctionUrlConfig fromShared = url(id);
        FunctionUrlConfig fromOther = url(id);
        // Both calls are under way before either is awaited: they race in Cassandra, not in this thread.
        List<CompletableFuture<FunctionUrlConfig>> creates = List.of(
            shared.createUrlConfig(fromShared).toCompletableFuture(),
            other.createUrlConfig(fromOther).toCompletableFuture());

        List<FunctionUrlConfig> won = new ArrayList<>();
        List<Throwable> lost = new ArrayList<>();
        for (CompletableFuture<FunctionUrlConfig> create : creates) {
          try {
            won.add(await(create));
          } catch (StoreException e) {
            lost.add(e);
          }
        }

        assertThat(won).as("round %d", round).hasSize(1).first().isIn(fromShared, fromOther);
        assertThat(lost).as("round %d", round).singleElement()
            .isInstanceOf(StoreException.AlreadyExists.class);
        FunctionUrlConfig winner = won.get(0);
        String loserId = (winner.equals(fromShared) ? fromOther : fromShared).urlId();
        for (CassandraStore store : List.of(shared, other)) {
          assertThat(await(store.getUrlConfig(id, "$LATEST"))).contains(winner);
          assertThat(await(store.findUrlConfig(winner.urlId()))).contains(winner);
          assertThat(await(store.findUrlConfig(loserId))).isEmpty();
          assertThat(await(store.listUrlConfigs(id, null, 50)).items()).containsExactly(winner);
        }
      }
    }
  }

  @Test
  void two_stores_claiming_one_tick_at_once_let_exactly_one_fire_it() {
    String account = "acct-" + UUID.randomUUID();
    Instant t0 = Instant.parse("2025-05-01T00:00:00Z");
    await(shared.putRule(new ScheduleRule(account, "contended", "rate(1 minute)", "ENABLED", null, t0, t0, t0)));
    try (CassandraStore other = CassandraStore.connect(settings, KEY, Duration.ofMinutes(1))) {
      for (int round = 1; round <= 10; round++) {
        Instant tick = t0.plusSeconds(60L * round);
        // Every claim is under way before any is awaited: they race in Cassandra, not in this thread.
        List<CompletableFuture<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          claims.add((i % 2 == 0 ? shared : other).claimTick(account, "contended", tick).toCompletableFuture());
        }

        assertThat(claims.stream().map(StoreContract::await).toList()).as("claims of tick %d", round)
            .containsOnlyOnce(true);
        assertThat(await(other.lastFired(account, "contended"))).contains(tick);
        assertThat(await(shared.lastFired(account, "contended"))).contains(tick);
      }
    }
  }

  @Test
  void a_rule_deleted_while_another_store_puts_targets_is_either_kept_with_them_or_gone_without_them() {
    String account = "acct-" + UUID.randomUUID();
    Instant t0 = Instant.parse("2025-05-01T00:00:00Z");
    try (CassandraStore other = CassandraStore.connect(settings, KEY, Duration.ofMinutes(1))) {
      for (int round = 0; round < 10; round++) {
        String name = "rule-" + round;
        ScheduleRule rule = new ScheduleRule(account, name, "rate(1 hour)", "ENABLED", null, t0, t0, t0);
        await(shared.putRule(rule));
        ScheduleTarget target = new ScheduleTarget(account, name, "1", "arn:aws:lambda:us-east-1:123456789012"
            + ":function:fn", null);
        CompletableFuture<Void> delete = shared.deleteRule(account, name).toCompletableFuture();
        CompletableFuture<Void> put = other.putTargets(account, name, List.of(target)).toCompletableFuture();

        Throwable deleteFailure = outcome(delete);
        Throwable putFailure = outcome(put);

        if (deleteFailure == null) {
          assertThat(putFailure).as("round %d: targets put on a deleted rule", round)
              .isInstanceOf(StoreException.NotFound.class);
          assertThat(await(other.getRule(account, name))).isEmpty();
          await(other.putRule(rule));
          assertThat(await(shared.listTargets(account, name, null, 10)).items()).as("round %d", round).isEmpty();
        } else {
          assertThat(deleteFailure).as("round %d", round).isInstanceOf(StoreException.InUse.class);
          assertThat(putFailure).as("round %d", round).isNull();
          assertThat(await(other.getRule(account, name))).contains(rule);
          assertThat(await(shared.listTargets(account, name, null, 10)).items()).containsExactly(target);
        }
      }
    }
  }

  @Test
  void code_larger_than_a_chunk_reads_back_and_a_damaged_chunk_is_an_error_not_wrong_code() throws Exception {
    byte[] zip = new byte[2_500_000];
    new Random().nextBytes(zip);
    String sha = Sha256.hex(zip);
    await(shared.putCode(sha, zip));
    assertThat(await(shared.getCode(sha))).hasValueSatisfying(read -> assertThat(read).isEqualTo(zip));

    try (CqlSession cql = CqlSession.builder().addContactPoint(settings.contactPoints().get(0))
        .withLocalDatacenter(settings.localDatacenter()).build()) {
      byte[] damaged = new byte[1 << 20];
      cql.execute(SimpleStatement.newInstance("UPDATE " + settings.keyspace() + ".code_chunks SET data = ?"
          + " WHERE sha256 = ? AND chunk = 1", ByteBuffer.wrap(damaged), sha));
    }
    Throwable failure = failureOf(shared.getCode(sha));
    assertThat(failure).hasMessageContaining("damaged");
  }

  @Test
  void usage_written_by_two_stores_adds_up() {
    String account = "acct-" + UUID.randomUUID();
    FunctionId id = new FunctionId(account, "shared");
    Instant start = Instant.parse("2025-06-01T10:00:00Z");
    try (CassandraStore other = CassandraStore.connect(settings, KEY, Duration.ofMinutes(1))) {
      for (int i = 0; i < 30; i++) {
        (i % 3 == 0 ? other : shared).record(new InvocationRecord("req-" + i, id, "$LATEST", "$LATEST",
            start.plusSeconds(i), 9.5, 10, 512, 40, Optional.empty(), "Success", Optional.empty()));
      }
      await(other.flush());
      await(shared.flush());
    }
    assertThat(await(shared.usage(account, LocalDate.of(2025, 6, 1), LocalDate.of(2025, 6, 1))))
        .containsExactly(new DailyUsage(id, LocalDate.of(2025, 6, 1), 30, 30L * 512 * 10));
  }

  @Test
  void records_beyond_the_buffer_limit_are_refused_and_counted_and_every_accepted_one_is_stored() {
    FunctionId id = new FunctionId("acct-" + UUID.randomUUID(), "bursty");
    Instant start = Instant.parse("2025-07-01T08:00:00Z");
    int handed = 2_000;
    try (CassandraStore small = CassandraStore.connect(settings.withBufferLimit(10), KEY, Duration.ofMinutes(1))) {
      for (int i = 0; i < handed; i++) {
        small.record(new InvocationRecord("req-" + i, id, "$LATEST", "$LATEST", start.plusMillis(i), 1.0, 1, 128,
            30, Optional.empty(), "Success", Optional.empty()));
      }
      await(small.flush());
      long refused = small.refusedItems();
      int stored = await(small.listInvocations(id, start, 10_000)).size();

      assertThat(refused).as("refused").isPositive();
      assertThat(stored + refused).as("stored + refused").isEqualTo(handed);
      assertThat(small.bufferedItems()).isZero();
    }
  }

  @Test
  void a_cassandra_that_does_not_answer_is_retried_and_then_reported_in_one_clear_error() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CassandraSettings nowhere = CassandraSettings.local(new java.net.InetSocketAddress("127.0.0.1", closedPort),
        "datacenter1", "nowhere");

    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
        () -> CassandraStore.connect(nowhere, KEY, Duration.ofSeconds(3)));

    assertThat(failure).isInstanceOf(io.petrel.persistence.StoreException.Unavailable.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("could not be reached within 3 s");
  }

  /** The failure a call completed with, or null when it succeeded. */
  private static Throwable outcome(CompletableFuture<?> call) {
    try {
      await(call);
      return null;
    } catch (StoreException e) {
      return e;
    }
  }

  private static FunctionConfig config(String description) {
    return new FunctionConfig("python3.12", "app.handler", "", description, 3, 128, Map.of(), List.of(),
        Sha256.hex(new byte[] {7}), 1, UUID.randomUUID().toString(), Instant.parse("2025-01-01T00:00:00Z"));
  }

  private static FunctionUrlConfig url(FunctionId id) {
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    return new FunctionUrlConfig(id, "$LATEST", newUrlId(), "NONE", "{}", "BUFFERED", now, now);
  }
}
