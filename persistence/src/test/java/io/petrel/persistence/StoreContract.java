package io.petrel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import io.petrel.persistence.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PetrelStore} engine fulfils, written once and run against each engine by a subclass
 * that says how to open one. The tests only use the public interfaces and assert what a caller would notice.
 *
 * <p>Every test works in its own account ({@code acct-<uuid>}) and code packages are random bytes, so an engine
 * that shares one database between tests (a Cassandra keyspace per test class) runs the contract as well. Times
 * have millisecond precision, the finest every engine keeps. Waiting on a store call is bounded by
 * {@link #CALL_TIMEOUT_SECONDS} so that a hanging engine fails instead of blocking the build; no assertion
 * depends on timing.
 */
public abstract class StoreContract {
  protected static final long CALL_TIMEOUT_SECONDS = 60;

  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  private static final String CODE_SHA = Sha256.hex("the function's zip".getBytes(StandardCharsets.UTF_8));

  /** The store under test; opened before each test by {@link #newStore()}. */
  protected PetrelStore store;

  private final String account = "acct-" + UUID.randomUUID();

  /** A store to run one test against; the engine's test class closes it after the test. */
  protected abstract PetrelStore newStore();

  /**
   * Closes the store under test with {@link PetrelStore#close()} and returns a new store over the same data, as
   * after a restart of the node. The engine's test class closes the returned store after the test.
   */
  protected abstract PetrelStore reopen();

  /**
   * A store over the same data whose environment key is {@code key}. The store under test may be closed for it;
   * the engine's test class closes the returned store after the test.
   */
  protected abstract PetrelStore withEnvironmentKey(EnvironmentKey key);

  /** All that the engine keeps of the configurations of {@code id} ($LATEST and versions), read around the store. */
  protected abstract String storedConfigurations(FunctionId id) throws Exception;

  /** Replaces the stored $LATEST of {@code id} with {@code json} around the store, as an older Petrel wrote it. */
  protected abstract void storeLatestAsIs(FunctionId id, String json) throws Exception;

  @BeforeEach
  protected void openStore() {
    store = newStore();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class EnvironmentAtRest {

    @Test
    void environment_variables_are_stored_encrypted_and_read_back_from_latest_and_versions() throws Exception {
      String secret = "secret-" + UUID.randomUUID();
      FunctionId id = fn("vault");
      await(store.createFunction(new FunctionDefinition(id, withEnvironment(Map.of("SECRET", secret)), Map.of(),
          OptionalInt.empty(), T0)));
      publish(id);
      await(store.updateLatest(id, null, withEnvironment(Map.of("SECRET", secret, "NEXT", "2"))));

      assertThat(latest(id).environment()).isEqualTo(Map.of("SECRET", secret, "NEXT", "2"));
      assertThat(await(store.getVersion(id, 1)).orElseThrow().config().environment())
          .isEqualTo(Map.of("SECRET", secret));
      assertThat(await(store.listVersions(id, null, 10)).items()).singleElement()
          .satisfies(v -> assertThat(v.config().environment()).containsEntry("SECRET", secret));
      assertThat(await(store.listFunctions(account, true, null, 10)).items())
          .extracting(v -> v.config().environment().get("SECRET"))
          .containsExactly(secret, secret);

      String stored = storedConfigurations(id);
      assertThat(stored).contains("java21").contains("sealedEnvironment").doesNotContain(secret);
    }

    @Test
    void a_configuration_stored_in_plaintext_reads_as_it_is_and_is_encrypted_when_next_written() throws Exception {
      String secret = "plain-" + UUID.randomUUID();
      FunctionId id = fn("legacy");
      await(store.createFunction(new FunctionDefinition(id, withEnvironment(Map.of()), Map.of(), OptionalInt.empty(),
          T0)));
      FunctionConfig plain = withEnvironment(Map.of("SECRET", secret));
      storeLatestAsIs(id, plaintextJson(plain));

      assertThat(latest(id)).isEqualTo(plain);
      assertThat(storedConfigurations(id)).contains(secret);

      await(store.modifyLatest(id, null, c -> c.withDescription("touched")));

      assertThat(latest(id).environment()).isEqualTo(Map.of("SECRET", secret));
      assertThat(storedConfigurations(id)).doesNotContain(secret);
    }

    @Test
    void environment_variables_written_with_another_key_fail_to_read_naming_the_key() {
      FunctionId id = fn("rekeyed");
      await(store.createFunction(new FunctionDefinition(id, withEnvironment(Map.of("SECRET", "x")), Map.of(),
          OptionalInt.empty(), T0)));
      FunctionId plainId = fn("no-variables");
      await(store.createFunction(new FunctionDefinition(plainId, withEnvironment(Map.of()), Map.of(),
          OptionalInt.empty(), T0)));
      EnvironmentKey other = EnvironmentKey.fromBase64("the other key", EnvironmentKey.generate(), List.of());

      PetrelStore reader = withEnvironmentKey(other);

      assertThat(failureOf(reader.getFunction(id)))
          .isInstanceOf(EnvironmentKeyException.class)
          .hasMessageContaining("rekeyed")
          .hasMessageContaining(other.id())
          .hasMessageContaining("the other key");
      assertThat(await(reader.getFunction(plainId))).isPresent();
    }

    @Test
    void the_key_check_passes_with_the_key_that_wrote_and_fails_naming_the_keys_with_another() {
      await(store.createFunction(new FunctionDefinition(fn("checked"), withEnvironment(Map.of("SECRET", "x")),
          Map.of(), OptionalInt.empty(), T0)));

      await(store.checkEnvironmentKey(100));

      EnvironmentKey other = EnvironmentKey.fromBase64("the other key", EnvironmentKey.generate(), List.of());
      assertThat(failureOf(withEnvironmentKey(other).checkEnvironmentKey(100)))
          .isInstanceOf(EnvironmentKeyException.class)
          .hasMessageContaining(other.id())
          .hasMessageContaining("the other key");
    }

    private FunctionConfig withEnvironment(Map<String, String> environment) {
      return new FunctionConfig("java21", "example.Handler", "role", "with variables", 30, 512, environment, null,
          CODE_SHA, 2048, newRevisionId(), T0);
    }

    /** The JSON a configuration was stored as before environments were encrypted. */
    private String plaintextJson(FunctionConfig config) throws Exception {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(io.petrel.persistence.internal
          .ConfigJson.write(withEnvironment(Map.of()), null, null, null));
      node.put("revisionId", config.revisionId());
      node.set("environment", mapper.valueToTree(config.environment()));
      return mapper.writeValueAsString(node);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Functions {

    @Test
    void a_created_function_reads_back_with_every_field() {
      FunctionConfig latest = new FunctionConfig("python3.12", "app.handler", "arn:aws:iam::123456789012:role/x",
          "resizes images", 45, 1769, Map.of("BUCKET", "pics", "MODE", "fast"), List.of("arm64"), CODE_SHA, 4096,
          newRevisionId(), T0.plusMillis(1234));
      FunctionDefinition function = new FunctionDefinition(fn("resize"), latest,
          Map.of("team", "media", "cost-center", "42"), OptionalInt.of(25), T0.plusMillis(987));

      FunctionDefinition created = await(store.createFunction(function));

      assertThat(created).isEqualTo(function);
      assertThat(await(store.getFunction(fn("resize")))).contains(function);
    }

    @Test
    void a_function_created_with_only_required_fields_reads_back_with_the_defaults() {
      FunctionConfig minimal = new FunctionConfig("nodejs20.x", null, null, null, 3, 128, null, null, CODE_SHA, 10,
          newRevisionId(), T0);
      FunctionDefinition function = new FunctionDefinition(fn("minimal"), minimal, null, null, T0);

      await(store.createFunction(function));

      assertThat(await(store.getFunction(fn("minimal")))).contains(function);
    }

    @Test
    void creating_a_function_whose_name_is_taken_fails_with_already_exists_and_keeps_the_first() {
      FunctionDefinition first = definition("orders", "first");
      await(store.createFunction(first));

      Throwable failure = failureOf(store.createFunction(definition("orders", "second")));

      assertThat(failure).isInstanceOf(StoreException.AlreadyExists.class);
      assertThat(await(store.getFunction(fn("orders")))).contains(first);
    }

    @Test
    void the_same_name_in_another_account_is_another_function() {
      FunctionId mine = fn("orders");
      FunctionId theirs = new FunctionId("acct-" + UUID.randomUUID(), "orders");
      await(store.createFunction(definition("orders", "mine")));
      await(store.createFunction(new FunctionDefinition(theirs, config("theirs"), Map.of(), OptionalInt.empty(), T0)));

      assertThat(await(store.getFunction(mine)).orElseThrow().latest().description()).isEqualTo("mine");
      assertThat(await(store.getFunction(theirs)).orElseThrow().latest().description()).isEqualTo("theirs");
      assertThat(await(store.listFunctions(account, false, null, 50)).items())
          .extracting(VersionedConfig::function).containsExactly(mine);
    }

    @Test
    void getting_a_missing_function_is_empty() {
      assertThat(await(store.getFunction(fn("nothing-here")))).isEmpty();
    }

    @Test
    void updating_latest_with_its_current_revision_replaces_it_and_keeps_the_rest() {
      FunctionDefinition original = await(store.createFunction(definition("orders", "first")));
      FunctionConfig next = new FunctionConfig("java21", "orders.Handler", "arn:aws:iam::123456789012:role/y",
          "second", 60, 2048, Map.of("NEW", "1"), List.of("x86_64"), Sha256.hex(new byte[] {1}), 77,
          newRevisionId(), T0.plusSeconds(60));

      FunctionDefinition updated = await(store.updateLatest(fn("orders"), original.latest().revisionId(), next));

      FunctionDefinition expected = original.withLatest(next);
      assertThat(updated).isEqualTo(expected);
      assertThat(await(store.getFunction(fn("orders")))).contains(expected);
    }

    @Test
    void updating_latest_with_a_stale_revision_fails_with_precondition_failed_and_changes_nothing() {
      FunctionDefinition original = await(store.createFunction(definition("orders", "first")));
      FunctionConfig second = change(fn("orders"), "second");

      Throwable failure = failureOf(store.updateLatest(fn("orders"), original.latest().revisionId(), config("third")));

      assertThat(failure).isInstanceOf(StoreException.PreconditionFailed.class);
      assertThat(latest(fn("orders"))).isEqualTo(second);
    }

    @Test
    void updating_latest_without_an_expected_revision_skips_the_check() {
      create("orders");
      change(fn("orders"), "second");
      FunctionConfig third = config("third");

      await(store.updateLatest(fn("orders"), null, third));

      assertThat(latest(fn("orders"))).isEqualTo(third);
    }

    @Test
    void updating_latest_of_a_missing_function_fails_with_not_found() {
      Throwable failure = failureOf(store.updateLatest(fn("nothing-here"), null, config("x")));

      assertThat(failure).isInstanceOf(StoreException.NotFound.class);
      assertThat(await(store.getFunction(fn("nothing-here")))).isEmpty();
    }

    @Test
    void reserved_concurrency_can_be_set_set_to_zero_and_cleared() {
      FunctionDefinition original = await(store.createFunction(
          new FunctionDefinition(fn("orders"), config("first"), Map.of(), OptionalInt.empty(), T0)));

      FunctionDefinition set = await(store.putReservedConcurrency(fn("orders"), OptionalInt.of(100)));
      assertThat(set).isEqualTo(original.withReservedConcurrency(OptionalInt.of(100)));
      assertThat(reserved(fn("orders"))).hasValue(100);

      await(store.putReservedConcurrency(fn("orders"), OptionalInt.of(0)));
      assertThat(reserved(fn("orders"))).hasValue(0);

      FunctionDefinition cleared = await(store.putReservedConcurrency(fn("orders"), OptionalInt.empty()));
      assertThat(cleared.reservedConcurrency()).isEmpty();
      assertThat(await(store.getFunction(fn("orders")))).contains(original);
    }

    @Test
    void reserving_concurrency_for_a_missing_function_fails_with_not_found() {
      assertThat(failureOf(store.putReservedConcurrency(fn("nothing-here"), OptionalInt.of(5))))
          .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void deleting_a_function_removes_it_with_its_versions_and_aliases() {
      FunctionId id = create("orders");
      publish(id);
      change(id, "second");
      publish(id);
      await(store.createAlias(alias(id, "live", "2")));

      await(store.deleteFunction(id));

      assertThat(await(store.getFunction(id))).isEmpty();
      assertThat(await(store.getVersion(id, 1))).isEmpty();
      assertThat(await(store.getVersion(id, 2))).isEmpty();
      assertThat(await(store.getAlias(id, "live"))).isEmpty();
      assertThat(await(store.listFunctions(account, true, null, 50)).items()).isEmpty();
    }

    @Test
    void a_function_created_again_after_deletion_starts_with_no_versions_and_numbers_from_one() {
      FunctionId id = create("orders");
      publish(id);
      change(id, "second");
      publish(id);
      await(store.createAlias(alias(id, "live", "1")));
      await(store.deleteFunction(id));

      create("orders");

      assertThat(await(store.listVersions(id, null, 50)).items()).isEmpty();
      assertThat(await(store.listAliases(id, null, null, 50)).items()).isEmpty();
      assertThat(await(store.getAlias(id, "live"))).isEmpty();
      assertThat(publish(id).version()).isEqualTo("1");
    }

    @Test
    void deleting_a_missing_function_fails_with_not_found() {
      assertThat(failureOf(store.deleteFunction(fn("nothing-here")))).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void concurrent_creates_of_one_name_let_exactly_one_win() throws Exception {
      List<Optional<StoreException>> outcomes = runConcurrently(20, i -> () -> {
        try {
          await(store.createFunction(definition("orders", "d" + i)));
          return Optional.empty();
        } catch (StoreException e) {
          return Optional.of(e);
        }
      });

      List<Integer> winners = IntStream.range(0, outcomes.size()).filter(i -> outcomes.get(i).isEmpty()).boxed()
          .toList();
      assertThat(winners).hasSize(1);
      assertThat(outcomes.stream().flatMap(Optional::stream))
          .hasSize(19)
          .allMatch(e -> e instanceof StoreException.AlreadyExists);
      assertThat(latest(fn("orders")).description()).isEqualTo("d" + winners.get(0));
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class ListingFunctions {

    @Test
    void seven_functions_listed_three_at_a_time_come_in_pages_of_three_three_and_one_ordered_by_name() {
      for (String name : List.of("fn-d", "fn-a", "fn-g", "fn-c", "fn-f", "fn-b", "fn-e")) {
        create(name);
      }
      publish(fn("fn-b"));
      publish(fn("fn-g"));

      List<Page<VersionedConfig>> pages = allPages(marker -> store.listFunctions(account, false, marker, 3));

      assertThat(pages).extracting(StoreContract::labels).containsExactly(
          List.of("fn-a:$LATEST", "fn-b:$LATEST", "fn-c:$LATEST"),
          List.of("fn-d:$LATEST", "fn-e:$LATEST", "fn-f:$LATEST"),
          List.of("fn-g:$LATEST"));
      assertThat(pages).extracting(p -> p.nextMarker().isPresent()).containsExactly(true, true, false);
    }

    @Test
    void listed_latest_configurations_are_those_of_the_functions() {
      FunctionId a = create("fn-a");
      FunctionConfig changed = change(a, "changed");

      List<VersionedConfig> items = await(store.listFunctions(account, false, null, 10)).items();

      assertThat(items).containsExactly(new VersionedConfig(a, VersionedConfig.LATEST, changed));
    }

    @Test
    void listing_with_versions_puts_the_published_versions_of_each_function_after_its_latest() {
      FunctionId app = create("app");
      VersionedConfig app1 = publish(app);
      change(app, "second");
      publish(app);
      change(app, "third");
      VersionedConfig app3 = publish(app);
      await(store.deleteVersion(app, 2));
      create("app-api");
      FunctionId billing = create("billing");
      VersionedConfig billing1 = publish(billing);

      List<VersionedConfig> items = await(store.listFunctions(account, true, null, 50)).items();

      assertThat(items).extracting(StoreContract::label).containsExactly(
          "app:$LATEST", "app:1", "app:3", "app-api:$LATEST", "billing:$LATEST", "billing:1");
      assertThat(items).contains(app1, app3, billing1);
      assertThat(items.get(0).config()).isEqualTo(latest(app));
    }

    @Test
    void listing_with_versions_resumes_exactly_at_the_marker_for_every_page_size() {
      FunctionId app = create("app");
      for (int i = 1; i <= 11; i++) {
        change(app, "change " + i);
        publish(app);
      }
      await(store.deleteVersion(app, 4));
      create("app-api");
      FunctionId billing = create("billing");
      publish(billing);
      List<String> everything = new ArrayList<>(List.of("app:$LATEST"));
      IntStream.rangeClosed(1, 11).filter(v -> v != 4).forEach(v -> everything.add("app:" + v));
      everything.addAll(List.of("app-api:$LATEST", "billing:$LATEST", "billing:1"));

      for (int limit = 1; limit <= everything.size() + 1; limit++) {
        int pageSize = limit;
        List<Page<VersionedConfig>> pages = allPages(marker -> store.listFunctions(account, true, marker, pageSize));

        assertThat(pages.stream().flatMap(p -> labels(p).stream()).toList())
            .as("everything listed %d at a time", limit)
            .containsExactlyElementsOf(everything);
        assertPagedBy(pages, limit);
      }
    }

    @Test
    void an_account_without_functions_lists_nothing() {
      Page<VersionedConfig> page = await(store.listFunctions(account, true, null, 10));

      assertThat(page.items()).isEmpty();
      assertThat(page.nextMarker()).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class PublishingVersions {

    @Test
    void published_versions_are_numbered_from_one_upwards_and_snapshot_latest() {
      FunctionId id = create("orders");
      List<VersionedConfig> published = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        FunctionConfig latest = latest(id);
        String versionRevision = newRevisionId();
        Instant now = T0.plusSeconds(i);

        VersionedConfig version = await(store.publishVersion(id, null, null, versionRevision, now));

        FunctionConfig snapshot = latest.withRevision(versionRevision, now);
        assertThat(version).isEqualTo(new VersionedConfig(id, Integer.toString(i), snapshot));
        published.add(version);
        change(id, "change " + i);
      }
      for (VersionedConfig version : published) {
        assertThat(await(store.getVersion(id, Long.parseLong(version.version())))).contains(version);
      }
    }

    @Test
    void publishing_unchanged_latest_returns_the_newest_version() {
      FunctionId id = create("orders");
      VersionedConfig first = publish(id);

      VersionedConfig again = await(store.publishVersion(id, null, null, newRevisionId(), T0.plusSeconds(5)));

      assertThat(again).isEqualTo(first);
      assertThat(versionNumbers(id)).containsExactly("1");
    }

    @Test
    void publishing_after_an_update_that_changed_nothing_but_the_revision_returns_the_newest_version() {
      FunctionId id = create("orders");
      VersionedConfig first = publish(id);
      FunctionConfig current = latest(id);
      await(store.updateLatest(id, current.revisionId(), current.withRevision(newRevisionId(), T0.plusSeconds(9))));

      assertThat(publish(id)).isEqualTo(first);
      assertThat(versionNumbers(id)).containsExactly("1");
    }

    @Test
    void changing_only_the_description_of_latest_is_a_change_worth_a_version() {
      FunctionId id = create("orders");
      publish(id);
      change(id, "a new description");

      VersionedConfig second = publish(id);

      assertThat(second.version()).isEqualTo("2");
      assertThat(second.config().description()).isEqualTo("a new description");
    }

    @Test
    void a_description_given_to_publish_becomes_the_versions_description_and_leaves_latest_alone() {
      FunctionId id = create("orders");

      VersionedConfig version = await(store.publishVersion(id, null, "release 1", newRevisionId(), T0));

      assertThat(version.config().description()).isEqualTo("release 1");
      assertThat(await(store.getVersion(id, 1)).orElseThrow().config().description()).isEqualTo("release 1");
      assertThat(latest(id).description()).isEqualTo("first");
    }

    @Test
    void publishing_unchanged_latest_after_a_described_publish_returns_that_version() {
      FunctionId id = create("orders");
      VersionedConfig described = await(store.publishVersion(id, null, "release 1", newRevisionId(), T0));

      VersionedConfig again = await(store.publishVersion(id, null, null, newRevisionId(), T0.plusSeconds(1)));
      VersionedConfig describedAgain = await(store.publishVersion(id, null, "release 2", newRevisionId(), T0));

      assertThat(again).isEqualTo(described);
      assertThat(describedAgain).isEqualTo(described);
      assertThat(versionNumbers(id)).containsExactly("1");
    }

    @Test
    void a_deleted_versions_number_is_never_given_again() {
      FunctionId id = create("orders");
      publish(id);
      change(id, "second");
      publish(id);
      await(store.deleteVersion(id, 2));
      change(id, "third");

      VersionedConfig third = publish(id);

      assertThat(third.version()).isEqualTo("3");
      assertThat(versionNumbers(id)).containsExactly("1", "3");
    }

    @Test
    void publishing_with_the_current_revision_succeeds() {
      FunctionId id = create("orders");
      FunctionConfig second = change(id, "second");

      VersionedConfig version = await(store.publishVersion(id, second.revisionId(), null, newRevisionId(), T0));

      assertThat(version.version()).isEqualTo("1");
      assertThat(version.config().description()).isEqualTo("second");
    }

    @Test
    void publishing_with_a_stale_revision_fails_with_precondition_failed_and_publishes_nothing() {
      FunctionId id = create("orders");
      String stale = latest(id).revisionId();
      change(id, "second");

      Throwable failure = failureOf(store.publishVersion(id, stale, null, newRevisionId(), T0));

      assertThat(failure).isInstanceOf(StoreException.PreconditionFailed.class);
      assertThat(versionNumbers(id)).isEmpty();
    }

    @Test
    void publishing_a_missing_function_fails_with_not_found() {
      assertThat(failureOf(store.publishVersion(fn("nothing-here"), null, null, newRevisionId(), T0)))
          .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void a_published_version_does_not_change_when_latest_does() {
      FunctionId id = create("orders");
      VersionedConfig version = publish(id);

      await(store.updateLatest(id, null, new FunctionConfig("java21", "other.Handler", "other-role", "other", 900,
          10240, Map.of("X", "y"), List.of("x86_64"), Sha256.hex(new byte[] {9}), 1, newRevisionId(),
          T0.plusSeconds(99))));

      assertThat(await(store.getVersion(id, 1))).contains(version);
    }

    @Test
    void getting_a_version_that_was_never_published_is_empty() {
      FunctionId id = create("orders");
      publish(id);

      assertThat(await(store.getVersion(id, 2))).isEmpty();
      assertThat(await(store.getVersion(fn("nothing-here"), 1))).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class ListingAndDeletingVersions {

    @Test
    void versions_are_listed_in_ascending_numeric_order_a_page_at_a_time_without_latest() {
      FunctionId id = create("orders");
      for (int i = 1; i <= 12; i++) {
        change(id, "change " + i);
        publish(id);
      }

      List<Page<VersionedConfig>> pages = allPages(marker -> store.listVersions(id, marker, 5));

      assertThat(pages).extracting(p -> p.items().stream().map(VersionedConfig::version).toList()).containsExactly(
          List.of("1", "2", "3", "4", "5"),
          List.of("6", "7", "8", "9", "10"),
          List.of("11", "12"));
      assertPagedBy(pages, 5);
      assertThat(pages.get(0).items().get(0).config().description()).isEqualTo("change 1");
    }

    @Test
    void listing_skips_deleted_versions_and_resumes_exactly_at_the_marker() {
      FunctionId id = create("orders");
      for (int i = 1; i <= 6; i++) {
        change(id, "change " + i);
        publish(id);
      }
      await(store.deleteVersion(id, 3));

      for (int limit = 1; limit <= 6; limit++) {
        int pageSize = limit;
        List<Page<VersionedConfig>> pages = allPages(marker -> store.listVersions(id, marker, pageSize));

        assertThat(pages.stream().flatMap(p -> p.items().stream()).map(VersionedConfig::version).toList())
            .as("versions listed %d at a time", limit)
            .containsExactly("1", "2", "4", "5", "6");
        assertPagedBy(pages, limit);
      }
    }

    @Test
    void a_function_without_published_versions_lists_none() {
      FunctionId id = create("orders");

      Page<VersionedConfig> page = await(store.listVersions(id, null, 10));

      assertThat(page.items()).isEmpty();
      assertThat(page.nextMarker()).isEmpty();
    }

    @Test
    void a_deleted_version_is_gone() {
      FunctionId id = create("orders");
      VersionedConfig first = publish(id);
      change(id, "second");
      publish(id);

      await(store.deleteVersion(id, 2));

      assertThat(await(store.getVersion(id, 2))).isEmpty();
      assertThat(await(store.listVersions(id, null, 10)).items()).containsExactly(first);
    }

    @Test
    void deleting_a_missing_version_fails_with_not_found() {
      FunctionId id = create("orders");
      publish(id);

      assertThat(failureOf(store.deleteVersion(id, 7))).isInstanceOf(StoreException.NotFound.class);
      assertThat(failureOf(store.deleteVersion(fn("nothing-here"), 1))).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void a_version_an_alias_points_at_cannot_be_deleted_until_the_alias_is_gone() {
      FunctionId id = create("orders");
      VersionedConfig first = publish(id);
      await(store.createAlias(alias(id, "live", "1")));

      assertThat(failureOf(store.deleteVersion(id, 1))).isInstanceOf(StoreException.InUse.class);
      assertThat(await(store.getVersion(id, 1))).contains(first);

      await(store.deleteAlias(id, "live"));
      await(store.deleteVersion(id, 1));
      assertThat(await(store.getVersion(id, 1))).isEmpty();
    }

    @Test
    void a_version_an_alias_routes_extra_traffic_to_cannot_be_deleted() {
      FunctionId id = create("orders");
      publish(id);
      change(id, "second");
      VersionedConfig second = publish(id);
      await(store.createAlias(alias(id, "canary", "1", "2", 0.1)));

      assertThat(failureOf(store.deleteVersion(id, 2))).isInstanceOf(StoreException.InUse.class);
      assertThat(await(store.getVersion(id, 2))).contains(second);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class ConcurrentPublishing {

    /**
     * Twenty writers each change $LATEST to their own description and publish exactly what they wrote, starting
     * over when another writer came in between. Every writer ends up with its own version, numbered 1 to 20.
     */
    @Test
    void concurrent_update_and_publish_pairs_get_the_distinct_numbers_one_to_twenty() throws Exception {
      FunctionId id = create("orders");

      List<VersionedConfig> published = runConcurrently(20, i -> () -> {
        while (true) {
          String current = latest(id).revisionId();
          FunctionConfig mine = config("d" + i);
          try {
            await(store.updateLatest(id, current, mine));
            return await(store.publishVersion(id, mine.revisionId(), null, newRevisionId(), T0));
          } catch (StoreException.PreconditionFailed anotherWriterCameFirst) {
            // read the new revision and try the pair again
          }
        }
      });

      assertThat(published).extracting(VersionedConfig::version)
          .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).toList());
      for (int i = 0; i < published.size(); i++) {
        VersionedConfig version = published.get(i);
        assertThat(version.config().description()).isEqualTo("d" + i);
        assertThat(await(store.getVersion(id, Long.parseLong(version.version())))).contains(version);
      }
      assertThat(versionNumbers(id)).hasSize(20);
    }

    @Test
    void concurrent_publishes_of_unchanged_latest_all_get_the_same_single_new_version() throws Exception {
      FunctionId id = create("orders");
      publish(id);
      change(id, "second");

      List<VersionedConfig> published = runConcurrently(20,
          i -> () -> await(store.publishVersion(id, null, null, newRevisionId(), T0)));

      assertThat(published.get(0).version()).isEqualTo("2");
      assertThat(published).containsOnly(published.get(0));
      assertThat(versionNumbers(id)).containsExactly("1", "2");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Aliases {

    @Test
    void an_alias_reads_back_with_its_routing() {
      FunctionId id = functionWithVersions("orders", 2);
      Alias canary = alias(id, "canary", "1", "2", 0.25);

      assertThat(await(store.createAlias(canary))).isEqualTo(canary);

      assertThat(await(store.getAlias(id, "canary"))).contains(canary);
    }

    @Test
    void an_alias_without_routing_or_description_reads_back_without_them() {
      FunctionId id = functionWithVersions("orders", 1);
      Alias plain = new Alias(id, "live", "1", null, Optional.empty(), newRevisionId());

      await(store.createAlias(plain));

      assertThat(await(store.getAlias(id, "live"))).contains(plain);
    }

    @Test
    void creating_an_alias_of_a_missing_function_fails_with_not_found() {
      assertThat(failureOf(store.createAlias(alias(fn("nothing-here"), "live", "1"))))
          .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void creating_an_alias_to_a_missing_version_fails_with_not_found_and_stores_nothing() {
      FunctionId id = functionWithVersions("orders", 1);

      assertThat(failureOf(store.createAlias(alias(id, "live", "2")))).isInstanceOf(StoreException.NotFound.class);
      assertThat(failureOf(store.createAlias(alias(id, "canary", "1", "5", 0.5))))
          .isInstanceOf(StoreException.NotFound.class);

      assertThat(await(store.getAlias(id, "live"))).isEmpty();
      assertThat(await(store.getAlias(id, "canary"))).isEmpty();
    }

    @Test
    void creating_an_alias_whose_name_is_taken_fails_with_already_exists_and_keeps_the_first() {
      FunctionId id = functionWithVersions("orders", 2);
      Alias first = alias(id, "live", "1");
      await(store.createAlias(first));

      assertThat(failureOf(store.createAlias(alias(id, "live", "2")))).isInstanceOf(StoreException.AlreadyExists.class);
      assertThat(await(store.getAlias(id, "live"))).contains(first);
    }

    @Test
    void getting_a_missing_alias_is_empty() {
      FunctionId id = functionWithVersions("orders", 1);

      assertThat(await(store.getAlias(id, "nothing-here"))).isEmpty();
    }

    @Test
    void aliases_are_listed_by_name_a_page_at_a_time() {
      FunctionId id = functionWithVersions("orders", 1);
      for (String name : List.of("prod", "beta", "live", "alpha", "dev")) {
        await(store.createAlias(alias(id, name, "1")));
      }

      List<Page<Alias>> pages = allPages(marker -> store.listAliases(id, null, marker, 2));

      assertThat(pages).extracting(p -> p.items().stream().map(Alias::name).toList()).containsExactly(
          List.of("alpha", "beta"), List.of("dev", "live"), List.of("prod"));
      assertPagedBy(pages, 2);
      assertThat(pages.get(0).items().get(0)).isEqualTo(await(store.getAlias(id, "alpha")).orElseThrow());
    }

    @Test
    void listing_aliases_of_a_version_finds_those_routing_to_it_as_primary_or_additional_version() {
      FunctionId id = functionWithVersions("orders", 3);
      await(store.createAlias(alias(id, "a-one", "1")));
      await(store.createAlias(alias(id, "b-two", "2")));
      await(store.createAlias(alias(id, "c-one-to-two", "1", "2", 0.5)));
      await(store.createAlias(alias(id, "d-three-to-one", "3", "1", 0.1)));
      await(store.createAlias(alias(id, "e-three", "3")));

      assertThat(aliasNames(id, "1", 50)).containsExactly("a-one", "c-one-to-two", "d-three-to-one");
      assertThat(aliasNames(id, "2", 50)).containsExactly("b-two", "c-one-to-two");
      assertThat(aliasNames(id, "3", 50)).containsExactly("d-three-to-one", "e-three");
      assertThat(aliasNames(id, "1", 1)).containsExactly("a-one", "c-one-to-two", "d-three-to-one");
      assertThat(aliasNames(id, "2", 1)).containsExactly("b-two", "c-one-to-two");

      List<Page<Alias>> pages = allPages(marker -> store.listAliases(id, "1", marker, 2));
      assertThat(pages).extracting(p -> p.items().stream().map(Alias::name).toList()).containsExactly(
          List.of("a-one", "c-one-to-two"), List.of("d-three-to-one"));
      assertPagedBy(pages, 2);
    }

    @Test
    void updating_an_alias_with_its_current_revision_replaces_it() {
      FunctionId id = functionWithVersions("orders", 3);
      Alias original = alias(id, "live", "1", "2", 0.2);
      await(store.createAlias(original));
      Alias shifted = new Alias(id, "live", "2", "shifted", Optional.of(new Alias.Routing("3", 0.75)),
          newRevisionId());

      assertThat(await(store.updateAlias(shifted, original.revisionId()))).isEqualTo(shifted);
      assertThat(await(store.getAlias(id, "live"))).contains(shifted);

      Alias settled = new Alias(id, "live", "3", "settled", Optional.empty(), newRevisionId());
      await(store.updateAlias(settled, shifted.revisionId()));
      assertThat(await(store.getAlias(id, "live"))).contains(settled);
    }

    @Test
    void updating_an_alias_with_a_stale_revision_fails_with_precondition_failed_and_changes_nothing() {
      FunctionId id = functionWithVersions("orders", 2);
      Alias original = alias(id, "live", "1");
      await(store.createAlias(original));
      Alias second = alias(id, "live", "2");
      await(store.updateAlias(second, original.revisionId()));

      Throwable failure = failureOf(store.updateAlias(alias(id, "live", "1"), original.revisionId()));

      assertThat(failure).isInstanceOf(StoreException.PreconditionFailed.class);
      assertThat(await(store.getAlias(id, "live"))).contains(second);
    }

    @Test
    void updating_an_alias_without_an_expected_revision_skips_the_check() {
      FunctionId id = functionWithVersions("orders", 2);
      await(store.createAlias(alias(id, "live", "1")));
      Alias moved = alias(id, "live", "2");

      await(store.updateAlias(moved, null));

      assertThat(await(store.getAlias(id, "live"))).contains(moved);
    }

    @Test
    void updating_an_alias_to_a_missing_version_fails_with_not_found_and_changes_nothing() {
      FunctionId id = functionWithVersions("orders", 1);
      Alias original = alias(id, "live", "1");
      await(store.createAlias(original));

      assertThat(failureOf(store.updateAlias(alias(id, "live", "9"), null)))
          .isInstanceOf(StoreException.NotFound.class);
      assertThat(failureOf(store.updateAlias(alias(id, "live", "1", "9", 0.5), null)))
          .isInstanceOf(StoreException.NotFound.class);
      assertThat(await(store.getAlias(id, "live"))).contains(original);
    }

    @Test
    void updating_a_missing_alias_fails_with_not_found_and_creates_nothing() {
      FunctionId id = functionWithVersions("orders", 1);

      assertThat(failureOf(store.updateAlias(alias(id, "live", "1"), null)))
          .isInstanceOf(StoreException.NotFound.class);
      assertThat(await(store.getAlias(id, "live"))).isEmpty();
    }

    @Test
    void a_deleted_alias_is_gone_and_its_name_free_again() {
      FunctionId id = functionWithVersions("orders", 2);
      await(store.createAlias(alias(id, "live", "1")));
      await(store.createAlias(alias(id, "beta", "2")));

      await(store.deleteAlias(id, "live"));

      assertThat(await(store.getAlias(id, "live"))).isEmpty();
      assertThat(aliasNames(id, null, 50)).containsExactly("beta");
      Alias again = alias(id, "live", "2");
      await(store.createAlias(again));
      assertThat(await(store.getAlias(id, "live"))).contains(again);
    }

    @Test
    void deleting_a_missing_alias_fails_with_not_found() {
      FunctionId id = functionWithVersions("orders", 1);

      assertThat(failureOf(store.deleteAlias(id, "nothing-here"))).isInstanceOf(StoreException.NotFound.class);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class FunctionUrls {

    @Test
    void a_created_url_config_reads_back_by_qualifier_and_by_url_id() {
      FunctionId id = create("web");
      FunctionUrlConfig url = new FunctionUrlConfig(id, "$LATEST", newUrlId(), "NONE",
          "{\"AllowOrigins\":[\"https://example.com\"],\"MaxAge\":300}", "BUFFERED", T0.plusMillis(321),
          T0.plusMillis(654));

      assertThat(await(store.createUrlConfig(url))).isEqualTo(url);

      assertThat(await(store.getUrlConfig(id, "$LATEST"))).contains(url);
      assertThat(await(store.findUrlConfig(url.urlId()))).contains(url);
      assertThat(await(store.findUrlConfig(newUrlId()))).isEmpty();
    }

    @Test
    void an_alias_has_its_own_url_config_beside_latest() {
      FunctionId id = functionWithVersions("web", 1);
      await(store.createAlias(alias(id, "live", "1")));
      FunctionUrlConfig latest = await(store.createUrlConfig(url(id, "$LATEST")));
      FunctionUrlConfig live = await(store.createUrlConfig(url(id, "live")));

      assertThat(await(store.getUrlConfig(id, "live"))).contains(live);
      assertThat(await(store.findUrlConfig(live.urlId()))).contains(live);
      assertThat(await(store.findUrlConfig(latest.urlId()))).contains(latest);
    }

    @Test
    void creating_a_second_url_config_for_a_qualifier_fails_with_already_exists_and_keeps_the_first() {
      FunctionId id = create("web");
      FunctionUrlConfig first = await(store.createUrlConfig(url(id, "$LATEST")));
      FunctionUrlConfig second = url(id, "$LATEST");

      assertThat(failureOf(store.createUrlConfig(second))).isInstanceOf(StoreException.AlreadyExists.class);

      assertThat(await(store.getUrlConfig(id, "$LATEST"))).contains(first);
      assertThat(await(store.findUrlConfig(second.urlId()))).isEmpty();
    }

    @Test
    void creating_a_url_config_for_a_missing_function_fails_with_not_found_naming_it() {
      FunctionUrlConfig url = url(fn("nothing-here"), "$LATEST");

      assertThat(failureOf(store.createUrlConfig(url))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining("nothing-here");
      assertThat(await(store.findUrlConfig(url.urlId()))).isEmpty();
    }

    @Test
    void creating_a_url_config_for_a_missing_alias_fails_with_not_found_naming_it() {
      FunctionId id = create("web");
      FunctionUrlConfig url = url(id, "live");

      assertThat(failureOf(store.createUrlConfig(url))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining("live");
      assertThat(await(store.getUrlConfig(id, "live"))).isEmpty();
      assertThat(await(store.findUrlConfig(url.urlId()))).isEmpty();
    }

    @Test
    void updating_a_url_config_keeps_its_url_id_and_creation_time_and_replaces_the_rest() {
      FunctionId id = create("web");
      FunctionUrlConfig original = await(store.createUrlConfig(url(id, "$LATEST")));
      FunctionUrlConfig change = new FunctionUrlConfig(id, "$LATEST", newUrlId(), "AWS_IAM",
          "{\"AllowMethods\":[\"GET\"]}", "RESPONSE_STREAM", T0.plusSeconds(3600), T0.plusSeconds(7200));

      FunctionUrlConfig updated = await(store.updateUrlConfig(change));

      FunctionUrlConfig expected = new FunctionUrlConfig(id, "$LATEST", original.urlId(), "AWS_IAM",
          "{\"AllowMethods\":[\"GET\"]}", "RESPONSE_STREAM", original.created(), T0.plusSeconds(7200));
      assertThat(updated).isEqualTo(expected);
      assertThat(await(store.getUrlConfig(id, "$LATEST"))).contains(expected);
      assertThat(await(store.findUrlConfig(original.urlId()))).contains(expected);
      assertThat(await(store.findUrlConfig(change.urlId()))).isEmpty();
    }

    @Test
    void updating_a_missing_url_config_fails_with_not_found_and_creates_nothing() {
      FunctionId id = create("web");
      FunctionUrlConfig url = url(id, "$LATEST");

      assertThat(failureOf(store.updateUrlConfig(url))).isInstanceOf(StoreException.NotFound.class);
      assertThat(await(store.getUrlConfig(id, "$LATEST"))).isEmpty();
      assertThat(await(store.findUrlConfig(url.urlId()))).isEmpty();
    }

    @Test
    void a_deleted_url_config_is_gone_by_qualifier_and_by_url_id_and_deleting_it_again_fails_with_not_found() {
      FunctionId id = create("web");
      FunctionUrlConfig url = await(store.createUrlConfig(url(id, "$LATEST")));

      await(store.deleteUrlConfig(id, "$LATEST"));

      assertThat(await(store.getUrlConfig(id, "$LATEST"))).isEmpty();
      assertThat(await(store.findUrlConfig(url.urlId()))).isEmpty();
      assertThat(failureOf(store.deleteUrlConfig(id, "$LATEST"))).isInstanceOf(StoreException.NotFound.class);
      FunctionUrlConfig again = await(store.createUrlConfig(url(id, "$LATEST")));
      assertThat(await(store.findUrlConfig(again.urlId()))).contains(again);
    }

    @Test
    void url_configs_are_listed_by_qualifier_a_page_at_a_time() {
      FunctionId id = functionWithVersions("web", 1);
      await(store.createAlias(alias(id, "live", "1")));
      await(store.createAlias(alias(id, "beta", "1")));
      for (String qualifier : List.of("live", "$LATEST", "beta")) {
        await(store.createUrlConfig(url(id, qualifier)));
      }

      List<Page<FunctionUrlConfig>> pages = allPages(marker -> store.listUrlConfigs(id, marker, 2));

      assertThat(pages).extracting(p -> p.items().stream().map(FunctionUrlConfig::qualifier).toList())
          .containsExactly(List.of("$LATEST", "beta"), List.of("live"));
      assertPagedBy(pages, 2);
      assertThat(pages.get(1).items().get(0)).isEqualTo(await(store.getUrlConfig(id, "live")).orElseThrow());
    }

    @Test
    void a_function_without_url_configs_lists_none() {
      FunctionId id = create("web");

      assertThat(await(store.listUrlConfigs(id, null, 50)).items()).isEmpty();
    }

    @Test
    void deleting_a_function_removes_its_url_configs_also_for_a_function_created_again_under_its_name() {
      FunctionId id = functionWithVersions("web", 1);
      await(store.createAlias(alias(id, "live", "1")));
      FunctionUrlConfig latest = await(store.createUrlConfig(url(id, "$LATEST")));
      FunctionUrlConfig live = await(store.createUrlConfig(url(id, "live")));

      await(store.deleteFunction(id));

      assertThat(await(store.findUrlConfig(latest.urlId()))).isEmpty();
      assertThat(await(store.findUrlConfig(live.urlId()))).isEmpty();
      create("web");
      assertThat(await(store.getUrlConfig(id, "$LATEST"))).isEmpty();
      assertThat(await(store.listUrlConfigs(id, null, 50)).items()).isEmpty();
      assertThat(await(store.findUrlConfig(latest.urlId()))).isEmpty();
    }

    @Test
    void deleting_an_alias_removes_its_url_config_and_leaves_the_others() {
      FunctionId id = functionWithVersions("web", 1);
      await(store.createAlias(alias(id, "live", "1")));
      FunctionUrlConfig latest = await(store.createUrlConfig(url(id, "$LATEST")));
      FunctionUrlConfig live = await(store.createUrlConfig(url(id, "live")));

      await(store.deleteAlias(id, "live"));

      assertThat(await(store.getUrlConfig(id, "live"))).isEmpty();
      assertThat(await(store.findUrlConfig(live.urlId()))).isEmpty();
      assertThat(await(store.findUrlConfig(latest.urlId()))).contains(latest);
      await(store.createAlias(alias(id, "live", "1")));
      assertThat(await(store.getUrlConfig(id, "live"))).isEmpty();
    }

    @Test
    void url_configs_survive_closing_and_reopening() {
      FunctionId id = create("web");
      FunctionUrlConfig url = await(store.createUrlConfig(url(id, "$LATEST")));

      store = reopen();

      assertThat(await(store.getUrlConfig(id, "$LATEST"))).contains(url);
      assertThat(await(store.findUrlConfig(url.urlId()))).contains(url);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class EventInvokeConfigs {

    @Test
    void a_put_config_reads_back_with_every_field_and_a_second_put_replaces_it() {
      FunctionId id = create("worker");
      EventInvokeConfig first = new EventInvokeConfig(id, "$LATEST", 1, 600,
          "arn:aws:lambda:us-east-1:123456789012:function:audit", "kafka://worker-failures", T0.plusMillis(321));

      assertThat(await(store.putEventInvokeConfig(first))).isEqualTo(first);
      assertThat(await(store.getEventInvokeConfig(id, "$LATEST"))).contains(first);

      EventInvokeConfig second = new EventInvokeConfig(id, "$LATEST", 0, 60, null, null, T0.plusMillis(987));
      assertThat(await(store.putEventInvokeConfig(second))).isEqualTo(second);
      assertThat(await(store.getEventInvokeConfig(id, "$LATEST"))).contains(second);
      assertThat(await(store.listEventInvokeConfigs(id, null, 50)).items()).containsExactly(second);
    }

    @Test
    void latest_a_version_and_an_alias_each_have_their_own_config() {
      FunctionId id = functionWithVersions("worker", 2);
      await(store.createAlias(alias(id, "live", "2")));

      EventInvokeConfig latest = await(store.putEventInvokeConfig(eventConfig(id, "$LATEST", 0)));
      EventInvokeConfig two = await(store.putEventInvokeConfig(eventConfig(id, "2", 1)));
      EventInvokeConfig live = await(store.putEventInvokeConfig(eventConfig(id, "live", 2)));

      assertThat(await(store.getEventInvokeConfig(id, "$LATEST"))).contains(latest);
      assertThat(await(store.getEventInvokeConfig(id, "2"))).contains(two);
      assertThat(await(store.getEventInvokeConfig(id, "live"))).contains(live);
      assertThat(await(store.getEventInvokeConfig(id, "1"))).isEmpty();
    }

    @Test
    void putting_a_config_for_a_missing_function_version_or_alias_fails_with_not_found_and_stores_nothing() {
      FunctionId id = functionWithVersions("worker", 1);
      FunctionId missing = fn("nothing-here");

      assertThat(failureOf(store.putEventInvokeConfig(eventConfig(missing, "$LATEST", 0))))
          .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("nothing-here");
      for (String qualifier : List.of("2", "01", "live")) {
        assertThat(failureOf(store.putEventInvokeConfig(eventConfig(id, qualifier, 0)))).as(qualifier)
            .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("worker:" + qualifier);
      }

      assertThat(await(store.listEventInvokeConfigs(id, null, 50)).items()).isEmpty();
      assertThat(await(store.getEventInvokeConfig(missing, "$LATEST"))).isEmpty();
      assertThat(failureOf(store.listEventInvokeConfigs(missing, null, 50)))
          .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void a_deleted_config_is_gone_and_deleting_it_again_fails_with_not_found() {
      FunctionId id = create("worker");
      await(store.putEventInvokeConfig(eventConfig(id, "$LATEST", 1)));

      await(store.deleteEventInvokeConfig(id, "$LATEST"));

      assertThat(await(store.getEventInvokeConfig(id, "$LATEST"))).isEmpty();
      assertThat(await(store.listEventInvokeConfigs(id, null, 50)).items()).isEmpty();
      assertThat(failureOf(store.deleteEventInvokeConfig(id, "$LATEST")))
          .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("worker");
      assertThat(failureOf(store.deleteEventInvokeConfig(fn("nothing-here"), "$LATEST")))
          .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void configs_are_listed_by_qualifier_a_page_at_a_time() {
      FunctionId id = functionWithVersions("worker", 2);
      await(store.createAlias(alias(id, "live", "2")));
      await(store.createAlias(alias(id, "beta", "1")));
      for (String qualifier : List.of("live", "$LATEST", "2", "beta", "1")) {
        await(store.putEventInvokeConfig(eventConfig(id, qualifier, 1)));
      }

      List<Page<EventInvokeConfig>> pages = allPages(marker -> store.listEventInvokeConfigs(id, marker, 2));

      assertThat(pages).extracting(p -> p.items().stream().map(EventInvokeConfig::qualifier).toList())
          .containsExactly(List.of("$LATEST", "1"), List.of("2", "beta"), List.of("live"));
      assertPagedBy(pages, 2);
      assertThat(pages.get(1).items().get(1)).isEqualTo(await(store.getEventInvokeConfig(id, "beta")).orElseThrow());
    }

    @Test
    void deleting_a_function_removes_its_configs_also_for_a_function_created_again_under_its_name() {
      FunctionId id = functionWithVersions("worker", 1);
      await(store.createAlias(alias(id, "live", "1")));
      for (String qualifier : List.of("$LATEST", "1", "live")) {
        await(store.putEventInvokeConfig(eventConfig(id, qualifier, 1)));
      }

      await(store.deleteFunction(id));

      assertThat(await(store.getEventInvokeConfig(id, "$LATEST"))).isEmpty();
      functionWithVersions("worker", 1);
      await(store.createAlias(alias(id, "live", "1")));
      assertThat(await(store.listEventInvokeConfigs(id, null, 50)).items()).isEmpty();
      for (String qualifier : List.of("$LATEST", "1", "live")) {
        assertThat(await(store.getEventInvokeConfig(id, qualifier))).as(qualifier).isEmpty();
      }
    }

    @Test
    void deleting_a_version_or_an_alias_removes_its_config_and_leaves_the_others() {
      FunctionId id = functionWithVersions("worker", 2);
      await(store.createAlias(alias(id, "live", "2")));
      EventInvokeConfig latest = await(store.putEventInvokeConfig(eventConfig(id, "$LATEST", 0)));
      EventInvokeConfig two = await(store.putEventInvokeConfig(eventConfig(id, "2", 1)));
      await(store.putEventInvokeConfig(eventConfig(id, "1", 1)));
      await(store.putEventInvokeConfig(eventConfig(id, "live", 2)));

      await(store.deleteVersion(id, 1));
      await(store.deleteAlias(id, "live"));

      assertThat(await(store.listEventInvokeConfigs(id, null, 50)).items()).containsExactly(latest, two);
      await(store.createAlias(alias(id, "live", "2")));
      assertThat(await(store.getEventInvokeConfig(id, "live"))).isEmpty();
    }

    @Test
    void configs_survive_closing_and_reopening() {
      FunctionId id = create("worker");
      EventInvokeConfig config = await(store.putEventInvokeConfig(eventConfig(id, "$LATEST", 2)));

      store = reopen();

      assertThat(await(store.getEventInvokeConfig(id, "$LATEST"))).contains(config);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class EventSourceMappings {

    @Test
    void a_created_mapping_reads_back_with_every_field() {
      FunctionId id = create("consumer");
      EventSourceMapping full = new EventSourceMapping(newMappingId(), id, "live", List.of("orders", "refunds"),
          "TRIM_HORIZON", 250, 5, List.of("kafka-1:9092", "kafka-2:9092", "kafka-3:9092"), "petrel-orders", 3,
          true, "kafka://orders-dlq", true, false, "Disabled", "User action", "OK", T0.plusMillis(123));
      EventSourceMapping sparse = new EventSourceMapping(newMappingId(), id, "$LATEST", List.of("audit"), "LATEST",
          1, 0, List.of("localhost:9092"), "petrel-audit", -1, false, null, false, true, "Creating", null, null,
          T0);

      assertThat(await(store.createMapping(full))).isEqualTo(full);
      assertThat(await(store.createMapping(sparse))).isEqualTo(sparse);

      assertThat(await(store.getMapping(full.uuid()))).contains(full);
      assertThat(await(store.getMapping(sparse.uuid()))).contains(sparse);
    }

    @Test
    void getting_a_missing_mapping_is_empty() {
      assertThat(await(store.getMapping(newMappingId()))).isEmpty();
    }

    @Test
    void creating_a_mapping_for_a_missing_function_fails_with_not_found_and_stores_nothing() {
      EventSourceMapping mapping = mapping(fn("nothing-here"));

      assertThat(failureOf(store.createMapping(mapping))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining("nothing-here");

      assertThat(await(store.getMapping(mapping.uuid()))).isEmpty();
      assertThat(await(store.listMappings(account, null, null, 50)).items()).isEmpty();
    }

    @Test
    void creating_a_mapping_whose_uuid_is_taken_fails_with_already_exists_and_keeps_the_first() {
      EventSourceMapping first = await(store.createMapping(mapping(create("consumer"))));
      EventSourceMapping second = new EventSourceMapping(first.uuid(), create("other"), "$LATEST",
          List.of("elsewhere"), "LATEST", 10, 1, List.of("other:9092"), "other-group", 0, false, null, false, true,
          "Creating", null, null, T0);

      assertThat(failureOf(store.createMapping(second))).isInstanceOf(StoreException.AlreadyExists.class)
          .hasMessageContaining(first.uuid());

      assertThat(await(store.getMapping(first.uuid()))).contains(first);
    }

    @Test
    void updating_a_mapping_replaces_what_the_user_configured_and_keeps_its_kafka_source_and_last_result() {
      FunctionId consumer = create("consumer");
      FunctionId other = create("other");
      EventSourceMapping original = await(store.createMapping(mapping(consumer)));
      await(store.updateMappingState(original.uuid(), "Enabled", null, "OK"));
      EventSourceMapping change = new EventSourceMapping(original.uuid(), other, "live", List.of("changed-topic"),
          "AT_TIMESTAMP", 10, 30, List.of("changed:9092"), "changed-group", 7, false, null, false, false,
          "Disabling", "User action", "PROBLEM: ignored", T0.plusSeconds(3600));

      EventSourceMapping updated = await(store.updateMapping(change));

      EventSourceMapping expected = new EventSourceMapping(original.uuid(), other, "live", original.topics(),
          original.startingPosition(), 10, 30, original.bootstrapServers(), original.consumerGroupId(), 7, false,
          null, false, false, "Disabling", "User action", "OK", T0.plusSeconds(3600));
      assertThat(updated).isEqualTo(expected);
      assertThat(await(store.getMapping(original.uuid()))).contains(expected);
      assertThat(await(store.listMappings(account, consumer, null, 50)).items()).isEmpty();
      assertThat(await(store.listMappings(account, other, null, 50)).items()).containsExactly(expected);
    }

    @Test
    void updating_a_missing_mapping_fails_with_not_found_and_creates_nothing() {
      EventSourceMapping mapping = mapping(create("consumer"));

      assertThat(failureOf(store.updateMapping(mapping))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining(mapping.uuid());

      assertThat(await(store.getMapping(mapping.uuid()))).isEmpty();
    }

    @Test
    void moving_a_mapping_to_a_missing_function_fails_with_not_found_and_changes_nothing() {
      EventSourceMapping original = await(store.createMapping(mapping(create("consumer"))));
      EventSourceMapping moved = new EventSourceMapping(original.uuid(), fn("nothing-here"), "$LATEST",
          original.topics(), original.startingPosition(), 1, 0, original.bootstrapServers(),
          original.consumerGroupId(), 0, false, null, false, false, "Updating", null, null, T0.plusSeconds(1));

      assertThat(failureOf(store.updateMapping(moved))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining("nothing-here");

      assertThat(await(store.getMapping(original.uuid()))).contains(original);
    }

    @Test
    void a_reported_state_changes_only_the_state_its_reason_and_the_last_result() {
      EventSourceMapping original = await(store.createMapping(mapping(create("consumer"))));

      await(store.updateMappingState(original.uuid(), "Enabled", "User action", "OK"));
      assertThat(await(store.getMapping(original.uuid())))
          .contains(original.withState("Enabled", "User action", "OK"));

      await(store.updateMappingState(original.uuid(), "Enabled", null, null));
      assertThat(await(store.getMapping(original.uuid()))).contains(original.withState("Enabled", null, null));
    }

    @Test
    void a_state_reported_by_a_node_holding_an_old_copy_does_not_undo_an_update() {
      FunctionId id = create("consumer");
      EventSourceMapping heldByNode = await(store.createMapping(mapping(id)));
      EventSourceMapping change = new EventSourceMapping(heldByNode.uuid(), id, "$LATEST", heldByNode.topics(),
          heldByNode.startingPosition(), 10, 20, heldByNode.bootstrapServers(), heldByNode.consumerGroupId(), 1,
          false, null, false, false, "Disabling", "User action", null, T0.plusSeconds(60));
      EventSourceMapping updated = await(store.updateMapping(change));

      await(store.updateMappingState(heldByNode.uuid(), "Enabled", null, "OK"));

      assertThat(await(store.getMapping(heldByNode.uuid()))).contains(updated.withState("Enabled", null, "OK"));
    }

    @Test
    void reporting_the_state_of_a_missing_or_deleted_mapping_does_nothing() {
      EventSourceMapping deleted = await(store.createMapping(mapping(create("consumer"))));
      await(store.deleteMapping(deleted.uuid()));
      String neverCreated = newMappingId();

      await(store.updateMappingState(deleted.uuid(), "Enabled", null, "OK"));
      await(store.updateMappingState(neverCreated, "Enabled", null, "OK"));

      assertThat(await(store.getMapping(deleted.uuid()))).isEmpty();
      assertThat(await(store.getMapping(neverCreated))).isEmpty();
      assertThat(await(store.allMappings())).extracting(EventSourceMapping::uuid)
          .doesNotContain(deleted.uuid(), neverCreated);
    }

    @Test
    void a_deleted_mapping_is_gone_and_deleting_it_again_fails_with_not_found() {
      FunctionId id = create("consumer");
      EventSourceMapping deleted = await(store.createMapping(mapping(id)));
      EventSourceMapping kept = await(store.createMapping(mapping(id)));

      await(store.deleteMapping(deleted.uuid()));

      assertThat(await(store.getMapping(deleted.uuid()))).isEmpty();
      assertThat(await(store.listMappings(account, null, null, 50)).items()).containsExactly(kept);
      assertThat(failureOf(store.deleteMapping(deleted.uuid()))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining(deleted.uuid());
    }

    @Test
    void mappings_are_listed_by_uuid_a_page_at_a_time_for_the_account_or_for_one_function() {
      FunctionId orders = create("orders");
      FunctionId audit = create("audit");
      List<EventSourceMapping> ofOrders = new ArrayList<>();
      List<EventSourceMapping> ofAudit = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ofOrders.add(await(store.createMapping(mapping(orders))));
      }
      for (int i = 0; i < 2; i++) {
        ofAudit.add(await(store.createMapping(mapping(audit))));
      }
      FunctionId theirs = new FunctionId("acct-" + UUID.randomUUID(), "orders");
      await(store.createFunction(new FunctionDefinition(theirs, config("theirs"), Map.of(), OptionalInt.empty(), T0)));
      await(store.createMapping(mapping(theirs)));
      List<EventSourceMapping> ofAccount = new ArrayList<>(ofOrders);
      ofAccount.addAll(ofAudit);

      List<Page<EventSourceMapping>> all = allPages(marker -> store.listMappings(account, null, marker, 2));
      List<Page<EventSourceMapping>> onlyOrders = allPages(marker -> store.listMappings(account, orders, marker, 2));

      assertPagedBy(all, 2);
      assertThat(all.stream().flatMap(p -> p.items().stream()).toList()).isEqualTo(byUuid(ofAccount));
      assertPagedBy(onlyOrders, 2);
      assertThat(onlyOrders.stream().flatMap(p -> p.items().stream()).toList()).isEqualTo(byUuid(ofOrders));
      assertThat(await(store.listMappings(account, audit, null, 50)).items()).isEqualTo(byUuid(ofAudit));
      assertThat(await(store.listMappings(account, fn("nothing-here"), null, 50)).items()).isEmpty();
    }

    @Test
    void all_mappings_holds_those_of_every_account_as_they_are_now() {
      EventSourceMapping mine = await(store.createMapping(mapping(create("consumer"))));
      FunctionId theirs = new FunctionId("acct-" + UUID.randomUUID(), "consumer");
      await(store.createFunction(new FunctionDefinition(theirs, config("theirs"), Map.of(), OptionalInt.empty(), T0)));
      EventSourceMapping their = await(store.createMapping(mapping(theirs)));
      await(store.updateMappingState(their.uuid(), "Enabled", null, "OK"));

      List<EventSourceMapping> all = await(store.allMappings());

      assertThat(all).contains(mine, their.withState("Enabled", null, "OK"));
      assertThat(all).extracting(EventSourceMapping::uuid).doesNotHaveDuplicates();
    }

    @Test
    void deleting_a_function_keeps_its_mappings() {
      FunctionId id = create("consumer");
      EventSourceMapping mapping = await(store.createMapping(mapping(id)));

      await(store.deleteFunction(id));

      assertThat(await(store.getMapping(mapping.uuid()))).contains(mapping);
      assertThat(await(store.listMappings(account, id, null, 50)).items()).containsExactly(mapping);
    }

    @Test
    void mappings_survive_closing_and_reopening() {
      EventSourceMapping mapping = await(store.createMapping(mapping(create("consumer"))));
      await(store.updateMappingState(mapping.uuid(), "Enabled", "User action", "OK"));
      EventSourceMapping expected = mapping.withState("Enabled", "User action", "OK");

      store = reopen();

      assertThat(await(store.getMapping(mapping.uuid()))).contains(expected);
      assertThat(await(store.listMappings(account, null, null, 50)).items()).containsExactly(expected);
      assertThat(await(store.allMappings())).contains(expected);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Schedules {

    @Test
    void a_put_rule_reads_back_with_every_field() {
      ScheduleRule full = new ScheduleRule(account, "nightly", "cron(0 3 * * ? *)", "ENABLED", "cleans up",
          T0.plusMillis(1), T0.plusMillis(2), T0.plusMillis(3));
      ScheduleRule sparse = new ScheduleRule(account, "every-five", "rate(5 minutes)", "DISABLED", null, T0, T0, T0);

      assertThat(await(store.putRule(full))).isEqualTo(full);
      assertThat(await(store.putRule(sparse))).isEqualTo(sparse);

      assertThat(await(store.getRule(account, "nightly"))).contains(full);
      assertThat(await(store.getRule(account, "every-five"))).contains(sparse);
      assertThat(await(store.lastFired(account, "nightly"))).isEmpty();
    }

    @Test
    void getting_a_missing_rule_is_empty() {
      assertThat(await(store.getRule(account, "nothing-here"))).isEmpty();
      assertThat(await(store.lastFired(account, "nothing-here"))).isEmpty();
    }

    @Test
    void replacing_a_rule_keeps_its_creation_time_and_its_anchor_until_the_expression_changes() {
      await(store.putRule(rule("hourly", "rate(1 hour)", T0)));
      Instant later = T0.plusSeconds(600);

      ScheduleRule paused = await(store.putRule(new ScheduleRule(account, "hourly", "rate(1 hour)", "DISABLED",
          "paused", later, later, later)));

      ScheduleRule expectedPaused = new ScheduleRule(account, "hourly", "rate(1 hour)", "DISABLED", "paused", T0,
          T0, later);
      assertThat(paused).isEqualTo(expectedPaused);
      assertThat(await(store.getRule(account, "hourly"))).contains(expectedPaused);

      Instant evenLater = T0.plusSeconds(1200);
      ScheduleRule rescheduled = await(store.putRule(new ScheduleRule(account, "hourly", "rate(2 hours)", "ENABLED",
          null, evenLater, evenLater, evenLater)));

      ScheduleRule expectedRescheduled = new ScheduleRule(account, "hourly", "rate(2 hours)", "ENABLED", null,
          evenLater, T0, evenLater);
      assertThat(rescheduled).isEqualTo(expectedRescheduled);
      assertThat(await(store.getRule(account, "hourly"))).contains(expectedRescheduled);
    }

    @Test
    void the_same_rule_name_in_another_account_is_another_rule() {
      String theirs = "acct-" + UUID.randomUUID();
      ScheduleRule mine = await(store.putRule(rule("nightly", "rate(1 day)", T0)));
      ScheduleRule their = await(store.putRule(new ScheduleRule(theirs, "nightly", "rate(2 days)", "DISABLED", null,
          T0.plusSeconds(1), T0.plusSeconds(1), T0.plusSeconds(1))));
      await(store.claimTick(theirs, "nightly", T0.plusSeconds(3600)));

      assertThat(await(store.getRule(account, "nightly"))).contains(mine);
      assertThat(await(store.getRule(theirs, "nightly"))).contains(their);
      assertThat(await(store.lastFired(account, "nightly"))).isEmpty();
      assertThat(await(store.listRules(account, null, null, 50)).items()).containsExactly(mine);
    }

    @Test
    void rules_are_listed_by_name_a_page_at_a_time_all_or_those_with_a_prefix() {
      List<String> names = List.of("orders-c", "audit", "orders-a", "order", "zeta", "orders-e", "ordering",
          "orders-b", "orders-d");
      for (String name : names) {
        await(store.putRule(rule(name, "rate(1 day)", T0)));
      }
      await(store.putRule(new ScheduleRule("acct-" + UUID.randomUUID(), "orders-0", "rate(1 day)", "ENABLED", null,
          T0, T0, T0)));

      List<Page<ScheduleRule>> all = allPages(marker -> store.listRules(account, null, marker, 2));
      List<Page<ScheduleRule>> orders = allPages(marker -> store.listRules(account, "orders-", marker, 2));
      List<Page<ScheduleRule>> order = allPages(marker -> store.listRules(account, "order", marker, 3));

      assertPagedBy(all, 2);
      assertThat(ruleNames(all)).isEqualTo(names.stream().sorted().toList());
      assertPagedBy(orders, 2);
      assertThat(ruleNames(orders)).containsExactly("orders-a", "orders-b", "orders-c", "orders-d", "orders-e");
      assertPagedBy(order, 3);
      assertThat(ruleNames(order)).containsExactly("order", "ordering", "orders-a", "orders-b", "orders-c",
          "orders-d", "orders-e");
      assertThat(await(store.listRules(account, "orders-", "orders-c", 50)).items()).extracting(ScheduleRule::name)
          .containsExactly("orders-d", "orders-e");
      assertThat(await(store.listRules(account, "nothing", null, 50)).items()).isEmpty();
      assertThat(await(store.listRules("acct-" + UUID.randomUUID(), null, null, 50)).items()).isEmpty();
    }

    @Test
    void all_rules_holds_those_of_every_account_by_account_and_name_as_they_are_now() {
      String theirs = "acct-" + UUID.randomUUID();
      ScheduleRule mineB = await(store.putRule(rule("b", "rate(1 day)", T0)));
      ScheduleRule mineA = await(store.putRule(rule("a", "rate(1 day)", T0)));
      await(store.putRule(new ScheduleRule(theirs, "c", "rate(1 day)", "ENABLED", null, T0, T0, T0)));
      ScheduleRule their = await(store.putRule(new ScheduleRule(theirs, "c", "rate(3 days)", "DISABLED", null,
          T0.plusSeconds(9), T0.plusSeconds(9), T0.plusSeconds(9))));

      List<ScheduleRule> all = await(store.allRules());

      List<ScheduleRule> ours = all.stream()
          .filter(r -> r.account().equals(account) || r.account().equals(theirs))
          .toList();
      List<ScheduleRule> expected = new ArrayList<>(List.of(mineA, mineB, their));
      expected.sort(Comparator.comparing(ScheduleRule::account).thenComparing(ScheduleRule::name));
      assertThat(ours).isEqualTo(expected);
      assertThat(all).isSortedAccordingTo(Comparator.comparing(ScheduleRule::account)
          .thenComparing(ScheduleRule::name));
    }

    @Test
    void a_deleted_rule_is_gone_and_deleting_it_again_fails_with_not_found() {
      await(store.putRule(rule("doomed", "rate(1 day)", T0)));
      ScheduleRule kept = await(store.putRule(rule("kept", "rate(1 day)", T0)));

      await(store.deleteRule(account, "doomed"));

      assertThat(await(store.getRule(account, "doomed"))).isEmpty();
      assertThat(await(store.listRules(account, null, null, 50)).items()).containsExactly(kept);
      assertThat(await(store.allRules())).extracting(ScheduleRule::account, ScheduleRule::name)
          .doesNotContain(tuple(account, "doomed"));
      assertThat(failureOf(store.deleteRule(account, "doomed"))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining("doomed");
      assertThat(failureOf(store.deleteRule(account, "never-created"))).isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining("never-created");
    }

    @Test
    void a_rule_with_targets_cannot_be_deleted_until_they_are_removed() {
      ScheduleRule rule = await(store.putRule(rule("busy", "rate(1 day)", T0)));
      await(store.putTargets(account, "busy", List.of(target("busy", "1"), target("busy", "2"))));

      assertThat(failureOf(store.deleteRule(account, "busy"))).isInstanceOf(StoreException.InUse.class)
          .hasMessage("Rule can't be deleted since it has targets.");
      assertThat(await(store.getRule(account, "busy"))).contains(rule);

      await(store.removeTargets(account, "busy", List.of("1")));
      assertThat(failureOf(store.deleteRule(account, "busy"))).isInstanceOf(StoreException.InUse.class);

      await(store.removeTargets(account, "busy", List.of("2")));
      await(store.deleteRule(account, "busy"));
      assertThat(await(store.getRule(account, "busy"))).isEmpty();
    }

    @Test
    void targets_are_added_replaced_by_id_and_removed() {
      await(store.putRule(rule("fan-out", "rate(1 day)", T0)));
      ScheduleTarget first = target("fan-out", "a");
      ScheduleTarget second = target("fan-out", "b");
      await(store.putTargets(account, "fan-out", List.of(first, second)));
      ScheduleTarget secondChanged = new ScheduleTarget(account, "fan-out", "b",
          "arn:aws:lambda:us-east-1:123456789012:function:other:live", null);
      ScheduleTarget third = target("fan-out", "c");

      await(store.putTargets(account, "fan-out", List.of(secondChanged, third)));

      assertThat(await(store.listTargets(account, "fan-out", null, 50)).items())
          .containsExactly(first, secondChanged, third);

      await(store.removeTargets(account, "fan-out", List.of("a", "not-a-target")));

      assertThat(await(store.listTargets(account, "fan-out", null, 50)).items()).containsExactly(secondChanged, third);
    }

    @Test
    void targets_are_listed_by_id_a_page_at_a_time_apart_from_other_rules() {
      await(store.putRule(rule("many", "rate(1 day)", T0)));
      await(store.putRule(rule("other", "rate(1 day)", T0)));
      List<ScheduleTarget> targets = new ArrayList<>();
      for (String id : List.of("g", "c", "a", "f", "b", "e", "d")) {
        targets.add(target("many", id));
      }
      await(store.putTargets(account, "many", targets));
      await(store.putTargets(account, "other", List.of(target("other", "a"))));

      List<Page<ScheduleTarget>> pages = allPages(marker -> store.listTargets(account, "many", marker, 3));

      assertPagedBy(pages, 3);
      assertThat(pages.stream().flatMap(p -> p.items().stream()).toList())
          .isEqualTo(targets.stream().sorted(Comparator.comparing(ScheduleTarget::id)).toList());
      assertThat(await(store.listTargets(account, "other", null, 50)).items())
          .containsExactly(target("other", "a"));
    }

    @Test
    void targets_of_a_missing_rule_fail_with_not_found_and_nothing_is_stored() {
      assertThat(failureOf(store.putTargets(account, "ghost", List.of(target("ghost", "1")))))
          .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("ghost");
      assertThat(failureOf(store.removeTargets(account, "ghost", List.of("1"))))
          .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("ghost");
      assertThat(failureOf(store.listTargets(account, "ghost", null, 50)))
          .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("ghost");

      await(store.putRule(rule("ghost", "rate(1 day)", T0)));

      assertThat(await(store.listTargets(account, "ghost", null, 50)).items()).isEmpty();
    }

    @Test
    void a_tick_is_claimed_once_and_only_after_the_last_one() {
      await(store.putRule(rule("ticking", "rate(1 minute)", T0)));
      Instant tick = T0.plusSeconds(60);

      assertThat(await(store.claimTick(account, "ticking", tick))).as("first claim").isTrue();
      assertThat(await(store.lastFired(account, "ticking"))).contains(tick);
      assertThat(await(store.claimTick(account, "ticking", tick))).as("same tick again").isFalse();
      assertThat(await(store.claimTick(account, "ticking", tick.minusSeconds(60)))).as("earlier tick").isFalse();
      assertThat(await(store.lastFired(account, "ticking"))).contains(tick);
      assertThat(await(store.claimTick(account, "ticking", tick.plusSeconds(60)))).as("later tick").isTrue();
      assertThat(await(store.lastFired(account, "ticking"))).contains(tick.plusSeconds(60));
    }

    @Test
    void claiming_a_tick_of_a_missing_rule_is_false_and_creates_nothing() {
      assertThat(await(store.claimTick(account, "ghost", T0))).isFalse();

      assertThat(await(store.getRule(account, "ghost"))).isEmpty();
      assertThat(await(store.lastFired(account, "ghost"))).isEmpty();
      assertThat(await(store.listRules(account, null, null, 50)).items()).isEmpty();
    }

    @Test
    void replacing_a_rule_keeps_its_last_fired_tick() {
      await(store.putRule(rule("ticking", "rate(1 minute)", T0)));
      await(store.claimTick(account, "ticking", T0.plusSeconds(60)));

      await(store.putRule(rule("ticking", "rate(5 minutes)", T0.plusSeconds(90))));

      assertThat(await(store.lastFired(account, "ticking"))).contains(T0.plusSeconds(60));
      assertThat(await(store.claimTick(account, "ticking", T0.plusSeconds(60)))).isFalse();
    }

    @Test
    void a_rule_deleted_and_created_again_starts_afresh() {
      await(store.putRule(rule("phoenix", "rate(1 minute)", T0)));
      await(store.claimTick(account, "phoenix", T0.plusSeconds(600)));

      await(store.deleteRule(account, "phoenix"));
      ScheduleRule reborn = await(store.putRule(rule("phoenix", "rate(1 minute)", T0.plusSeconds(30))));

      assertThat(reborn.created()).isEqualTo(T0.plusSeconds(30));
      assertThat(await(store.lastFired(account, "phoenix"))).isEmpty();
      assertThat(await(store.claimTick(account, "phoenix", T0.plusSeconds(60)))).isTrue();
    }

    @Test
    void of_many_claims_of_one_tick_at_once_exactly_one_wins() throws Exception {
      await(store.putRule(rule("contended", "rate(1 minute)", T0)));
      for (int round = 1; round <= 5; round++) {
        Instant tick = T0.plusSeconds(60L * round);

        List<Boolean> claims = runConcurrently(16, i -> () -> await(store.claimTick(account, "contended", tick)));

        assertThat(claims).as("claims of tick %d", round).containsOnlyOnce(true);
        assertThat(await(store.lastFired(account, "contended"))).contains(tick);
      }
    }

    @Test
    void of_claims_of_different_ticks_at_once_each_wins_at_most_once_and_the_latest_wins()
        throws Exception {
      await(store.putRule(rule("contended", "rate(1 minute)", T0)));
      int ticks = 8;

      // Two claims of each tick, all at once.
      List<Boolean> claims = runConcurrently(2 * ticks,
          i -> () -> await(store.claimTick(account, "contended", T0.plusSeconds(60L * (1 + i % ticks)))));

      for (int t = 0; t < ticks; t++) {
        assertThat(List.of(claims.get(t), claims.get(t + ticks))).as("claims of tick %d", t + 1)
            .containsAnyOf(false);
      }
      assertThat(List.of(claims.get(ticks - 1), claims.get(2 * ticks - 1))).as("claims of the latest tick")
          .containsOnlyOnce(true);
      assertThat(await(store.lastFired(account, "contended"))).contains(T0.plusSeconds(60L * ticks));
    }

    @Test
    void rules_targets_and_last_fired_ticks_survive_closing_and_reopening() {
      ScheduleRule rule = await(store.putRule(rule("durable", "cron(0 12 * * ? *)", T0)));
      await(store.putTargets(account, "durable", List.of(target("durable", "1"))));
      await(store.claimTick(account, "durable", T0.plusSeconds(3600)));

      store = reopen();

      assertThat(await(store.getRule(account, "durable"))).contains(rule);
      assertThat(await(store.listRules(account, null, null, 50)).items()).containsExactly(rule);
      assertThat(await(store.allRules())).contains(rule);
      assertThat(await(store.listTargets(account, "durable", null, 50)).items())
          .containsExactly(target("durable", "1"));
      assertThat(await(store.lastFired(account, "durable"))).contains(T0.plusSeconds(3600));
      assertThat(await(store.claimTick(account, "durable", T0.plusSeconds(3600)))).isFalse();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Code {

    @Test
    void stored_code_reads_back_by_its_sha256() {
      byte[] zip = randomBytes(300_000);

      await(store.putCode(Sha256.hex(zip), zip));

      assertThat(await(store.getCode(Sha256.hex(zip)))).hasValueSatisfying(read -> assertThat(read).isEqualTo(zip));
    }

    @Test
    void putting_the_same_code_twice_keeps_it_readable() {
      byte[] zip = randomBytes(1_000);

      await(store.putCode(Sha256.hex(zip), zip));
      await(store.putCode(Sha256.hex(zip), zip.clone()));

      assertThat(await(store.getCode(Sha256.hex(zip)))).hasValueSatisfying(read -> assertThat(read).isEqualTo(zip));
    }

    @Test
    void code_that_was_never_stored_is_empty() {
      assertThat(await(store.getCode(Sha256.hex(randomBytes(64))))).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Invocations {

    @Test
    void recorded_invocations_are_listed_oldest_first_with_every_field() {
      FunctionId id = fn("orders");
      InvocationRecord cold = new InvocationRecord("req-cold", id, "live", "3", T0.plusMillis(10), 812.25, 813,
          512, 97, Optional.of(180.5), "FunctionError", Optional.of("Unhandled"));
      InvocationRecord warm = new InvocationRecord("req-warm", id, "$LATEST", "$LATEST", T0.plusMillis(20), 3.5, 4,
          512, 64, Optional.empty(), "Success", Optional.empty());
      InvocationRecord timeout = new InvocationRecord("req-timeout", id, "2", "2", T0.plusMillis(30), 3000.0, 3000,
          128, 128, Optional.empty(), "Timeout", Optional.of("Sandbox.Timedout"));
      store.record(timeout);
      store.record(cold);
      store.record(warm);
      store.record(invocation(fn("another-function"), "req-other", T0.plusMillis(15)));

      await(store.flush());

      assertThat(await(store.listInvocations(id, T0, 10))).containsExactly(cold, warm, timeout);
    }

    @Test
    void listing_invocations_starts_at_from_inclusive_and_stops_at_the_limit() {
      FunctionId id = fn("orders");
      List<InvocationRecord> records = IntStream.range(0, 5)
          .mapToObj(i -> invocation(id, "req-" + i, T0.plusSeconds(i)))
          .toList();
      records.forEach(store::record);
      await(store.flush());

      assertThat(await(store.listInvocations(id, T0.plusSeconds(1), 2))).containsExactly(records.get(1),
          records.get(2));
      assertThat(await(store.listInvocations(id, T0.plusSeconds(3), 10))).containsExactly(records.get(3),
          records.get(4));
      assertThat(await(store.listInvocations(id, T0.plusSeconds(5), 10))).isEmpty();
    }

    @Test
    void log_lines_of_an_invocation_come_back_in_written_order_and_only_its_own() {
      FunctionId id = fn("orders");
      Instant sameMillisecond = T0.plusMillis(5);
      LogLine start = new LogLine(id, "req-1", sameMillisecond, "START RequestId: req-1");
      LogLine zebra = new LogLine(id, "req-1", sameMillisecond, "zebra");
      LogLine apple = new LogLine(id, "req-1", sameMillisecond, "apple");
      LogLine end = new LogLine(id, "req-1", T0.plusMillis(9), "END RequestId: req-1");
      store.appendLogs(List.of(start, zebra));
      store.appendLogs(List.of(new LogLine(id, "req-2", T0, "other invocation")));
      store.appendLogs(List.of(new LogLine(fn("another-function"), "req-1", T0, "other function")));
      store.appendLogs(List.of(apple, end));

      await(store.flush());

      assertThat(await(store.logsOf(id, "req-1"))).containsExactly(start, zebra, apple, end);
      assertThat(await(store.logsOf(id, "req-2"))).extracting(LogLine::message).containsExactly("other invocation");
    }

    @Test
    void an_invocation_without_log_lines_has_no_logs() {
      assertThat(await(store.logsOf(fn("orders"), "req-nothing"))).isEmpty();
    }

    @Test
    void invocations_are_found_by_time_range_outcome_and_request_id_across_days() {
      FunctionId id = fn("orders");
      InvocationRecord a = invocation(id, "req-a", T0);
      InvocationRecord b = new InvocationRecord("req-b", id, "$LATEST", "$LATEST", T0.plusSeconds(1), 20.5, 21, 256,
          80, Optional.empty(), "FunctionError", Optional.of("Unhandled"));
      InvocationRecord c = invocation(id, "req-c", T0.plusSeconds(86_400));
      InvocationRecord d = invocation(id, "req-d", T0.plusSeconds(86_405));
      for (InvocationRecord r : List.of(d, b, c, a)) {
        store.record(r);
      }
      store.record(invocation(fn("another-function"), "req-x", T0.plusSeconds(2)));
      await(store.flush());
      Instant end = T0.plusSeconds(10 * 86_400);

      assertThat(find(id, InvocationQuery.between(T0, T0.plusSeconds(86_405), 10))).containsExactly(a, b, c);
      assertThat(find(id, InvocationQuery.between(T0.plusMillis(1), end, 10))).containsExactly(b, c, d);
      assertThat(find(id, new InvocationQuery(T0, end, Optional.of("FunctionError"), Optional.empty(), 10)))
          .containsExactly(b);
      assertThat(find(id, new InvocationQuery(T0, end, Optional.empty(), Optional.of("req-d"), 10)))
          .containsExactly(d);
      assertThat(find(id, new InvocationQuery(T0, end, Optional.of("Success"), Optional.empty(), 2)))
          .containsExactly(a, c);
      assertThat(find(id, InvocationQuery.between(T0.plusSeconds(5), T0.plusSeconds(5), 10))).isEmpty();
    }

    @Test
    void log_lines_are_found_by_time_range_in_time_order_then_written_order() {
      FunctionId id = fn("orders");
      LogLine first = new LogLine(id, "req-1", T0.plusMillis(1), "first");
      LogLine sameMillisecond = new LogLine(id, "req-2", T0.plusMillis(1), "same millisecond, written later");
      LogLine nextDay = new LogLine(id, "req-1", T0.plusSeconds(86_400), "next day");
      LogLine earlier = new LogLine(id, "req-0", T0.minusMillis(1), "earlier, written last");
      store.appendLogs(List.of(first, sameMillisecond));
      store.appendLogs(List.of(nextDay));
      store.appendLogs(List.of(new LogLine(fn("another-function"), "req-9", T0.plusMillis(1), "other function")));
      store.appendLogs(List.of(earlier));
      await(store.flush());

      assertThat(await(store.logsBetween(id, T0, T0.plusSeconds(2 * 86_400), 10)))
          .containsExactly(first, sameMillisecond, nextDay);
      assertThat(await(store.logsBetween(id, T0.minusSeconds(1), T0.plusMillis(1), 10))).containsExactly(earlier);
      assertThat(await(store.logsBetween(id, T0.minusSeconds(1), T0.plusSeconds(2 * 86_400), 2)))
          .containsExactly(earlier, first);
    }

    @Test
    void usage_sums_requests_and_memory_times_billed_duration_per_function_and_utc_day() {
      FunctionId small = fn("small");
      FunctionId big = fn("big");
      Instant lastSecondOfMarch1 = Instant.parse("2025-03-01T23:59:59.500Z");
      Instant firstSecondOfMarch2 = Instant.parse("2025-03-02T00:00:00.500Z");
      store.record(billed(small, "s-1", lastSecondOfMarch1, 128, 100));
      store.record(billed(small, "s-2", lastSecondOfMarch1.minusSeconds(3_600), 128, 1));
      store.record(billed(small, "s-3", firstSecondOfMarch2, 128, 7));
      store.record(billed(big, "b-1", lastSecondOfMarch1, 1024, 1_000));
      store.record(billed(new FunctionId("acct-" + UUID.randomUUID(), "small"), "x-1", lastSecondOfMarch1, 128, 5));
      await(store.flush());

      LocalDate march1 = LocalDate.of(2025, 3, 1);
      LocalDate march2 = LocalDate.of(2025, 3, 2);
      assertThat(await(store.usage(account, march1.minusDays(3), march2.plusDays(3)))).containsExactly(
          new DailyUsage(big, march1, 1, 1024 * 1_000),
          new DailyUsage(small, march1, 2, 128 * 101),
          new DailyUsage(small, march2, 1, 128 * 7));
      assertThat(await(store.usage(account, march2, march2))).containsExactly(new DailyUsage(small, march2, 1, 896));
      assertThat(await(store.usage(account, march2.plusDays(1), march2.plusDays(30)))).isEmpty();
    }

    @Test
    void five_thousand_records_handed_over_from_eight_threads_are_all_there_after_flush() throws Exception {
      FunctionId id = fn("busy");
      int threads = 8;
      int perThread = 625;

      runConcurrently(threads, t -> () -> {
        for (int i = 0; i < perThread; i++) {
          int n = t * perThread + i;
          store.record(invocation(id, "req-" + n, T0.plusMillis(n)));
          store.appendLogs(List.of(new LogLine(id, "req-" + n, T0.plusMillis(n), "line of " + n)));
        }
        return null;
      });
      await(store.flush());

      List<String> listed = await(store.listInvocations(id, T0, 10_000)).stream()
          .map(InvocationRecord::requestId)
          .toList();
      assertThat(listed.size()).as("records listed").isEqualTo(threads * perThread);
      assertThat(listed).isEqualTo(IntStream.range(0, threads * perThread).mapToObj(n -> "req-" + n).toList());
      assertThat(await(store.logsOf(id, "req-4999"))).extracting(LogLine::message).containsExactly("line of 4999");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Ping {

    @Test
    void an_open_store_answers_a_ping() {
      assertThatCode(() -> await(store.ping())).doesNotThrowAnyException();
    }

    @Test
    void a_closed_store_fails_a_ping_saying_it_is_closed_and_answers_again_once_reopened() {
      store.close();

      assertThat(failureOf(store.ping())).hasMessageContaining("closed");

      store = reopen();
      assertThatCode(() -> await(store.ping())).doesNotThrowAnyException();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Durability {

    @Test
    void functions_versions_aliases_and_code_survive_closing_and_reopening() {
      FunctionId id = create("orders");
      VersionedConfig first = publish(id);
      change(id, "second");
      publish(id);
      change(id, "third");
      VersionedConfig third = publish(id);
      await(store.deleteVersion(id, 2));
      Alias canary = alias(id, "canary", "1", "3", 0.3);
      await(store.createAlias(canary));
      await(store.putReservedConcurrency(id, OptionalInt.of(7)));
      FunctionConfig fourth = change(id, "fourth");
      FunctionDefinition before = await(store.getFunction(id)).orElseThrow();
      assertThat(before.latest()).isEqualTo(fourth);
      byte[] zip = randomBytes(10_000);
      await(store.putCode(Sha256.hex(zip), zip));

      store = reopen();

      assertThat(await(store.getFunction(id))).contains(before);
      assertThat(await(store.listVersions(id, null, 10)).items()).containsExactly(first, third);
      assertThat(await(store.getAlias(id, "canary"))).contains(canary);
      assertThat(await(store.getCode(Sha256.hex(zip)))).hasValueSatisfying(read -> assertThat(read).isEqualTo(zip));
      assertThat(publish(id).version()).isEqualTo("4");
    }

    @Test
    void records_and_log_lines_handed_over_before_close_survive_reopening() {
      FunctionId id = fn("orders");
      List<InvocationRecord> records = IntStream.range(0, 2_500)
          .mapToObj(n -> invocation(id, "req-" + n, T0.plusMillis(n)))
          .toList();
      List<LogLine> lines = IntStream.range(0, 5_000)
          .mapToObj(n -> new LogLine(id, "req-7", T0.plusMillis(n), "line " + n))
          .toList();
      records.forEach(store::record);
      store.appendLogs(lines);

      store = reopen();

      List<InvocationRecord> listed = await(store.listInvocations(id, T0, 10_000));
      assertThat(listed.size()).as("records listed").isEqualTo(records.size());
      assertThat(listed).isEqualTo(records);
      List<LogLine> logs = await(store.logsOf(id, "req-7"));
      assertThat(logs.size()).as("log lines read").isEqualTo(lines.size());
      assertThat(logs).isEqualTo(lines);
    }
  }

  // ---- fixtures ----------------------------------------------------------------------------------------------

  private FunctionId fn(String name) {
    return new FunctionId(account, name);
  }

  private static String newRevisionId() {
    return UUID.randomUUID().toString();
  }

  private static FunctionConfig config(String description) {
    return new FunctionConfig("java21", "example.Handler::handleRequest", "arn:aws:iam::123456789012:role/petrel",
        description, 30, 512, Map.of("STAGE", "test", "LOG_LEVEL", "debug"), List.of("arm64"), CODE_SHA, 2048,
        newRevisionId(), T0);
  }

  private FunctionDefinition definition(String name, String description) {
    return new FunctionDefinition(fn(name), config(description), Map.of("team", "payments"), OptionalInt.of(10), T0);
  }

  /** Creates a function whose $LATEST has the description "first". */
  private FunctionId create(String name) {
    return await(store.createFunction(definition(name, "first"))).id();
  }

  /** Creates a function with {@code versions} published versions, numbered from 1. */
  private FunctionId functionWithVersions(String name, int versions) {
    FunctionId id = create(name);
    for (int i = 1; i <= versions; i++) {
      change(id, "version " + i);
      publish(id);
    }
    return id;
  }

  private FunctionConfig latest(FunctionId id) {
    return await(store.getFunction(id)).orElseThrow().latest();
  }

  private OptionalInt reserved(FunctionId id) {
    return await(store.getFunction(id)).orElseThrow().reservedConcurrency();
  }

  /** Replaces $LATEST with a configuration of the given description, checking the current revision. */
  private FunctionConfig change(FunctionId id, String description) {
    FunctionConfig next = config(description);
    await(store.updateLatest(id, latest(id).revisionId(), next));
    return next;
  }

  private VersionedConfig publish(FunctionId id) {
    return await(store.publishVersion(id, null, null, newRevisionId(), T0.plusSeconds(1)));
  }

  private List<String> versionNumbers(FunctionId id) {
    return await(store.listVersions(id, null, 1_000)).items().stream().map(VersionedConfig::version).toList();
  }

  private static Alias alias(FunctionId id, String name, String version) {
    return new Alias(id, name, version, "alias " + name, Optional.empty(), newRevisionId());
  }

  private static Alias alias(FunctionId id, String name, String version, String extraVersion, double weight) {
    return new Alias(id, name, version, "alias " + name, Optional.of(new Alias.Routing(extraVersion, weight)),
        newRevisionId());
  }

  /** A URL with a new random id for a function qualifier, open to everyone, without Cors. */
  private static FunctionUrlConfig url(FunctionId id, String qualifier) {
    return new FunctionUrlConfig(id, qualifier, newUrlId(), "NONE", "{}", "BUFFERED", T0, T0);
  }

  /** 32 lowercase letters and digits, as URL ids are. */
  protected static String newUrlId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** A configuration that tells its qualifier's apart by {@code retries}. */
  private static EventInvokeConfig eventConfig(FunctionId id, String qualifier, int retries) {
    return new EventInvokeConfig(id, qualifier, retries, 3600 + retries,
        "arn:aws:lambda:us-east-1:123456789012:function:on-success", "kafka://" + id.name() + "-failures",
        T0.plusMillis(retries));
  }

  /** A new mapping (random UUID) of two topics on two brokers to the function's $LATEST, as created. */
  private static EventSourceMapping mapping(FunctionId id) {
    return new EventSourceMapping(newMappingId(), id, "$LATEST", List.of("orders", "refunds"), "TRIM_HORIZON",
        100, 5, List.of("kafka-1:9092", "kafka-2:9092"), "petrel-" + id.name(), -1, true, "kafka://orders-dlq",
        true, true, "Creating", null, null, T0.plusMillis(42));
  }

  private static String newMappingId() {
    return UUID.randomUUID().toString();
  }

  /** An enabled rule named {@code name} created (and anchored) at {@code at}. */
  private ScheduleRule rule(String name, String expression, Instant at) {
    return new ScheduleRule(account, name, expression, "ENABLED", "rule " + name, at, at, at);
  }

  /** A target of the rule with a function ARN and a constant input, both telling it apart by {@code id}. */
  private ScheduleTarget target(String rule, String id) {
    return new ScheduleTarget(account, rule, id, "arn:aws:lambda:us-east-1:123456789012:function:fn-" + id,
        "{\"target\":\"" + id + "\"}");
  }

  private static List<String> ruleNames(List<Page<ScheduleRule>> pages) {
    return pages.stream().flatMap(p -> p.items().stream()).map(ScheduleRule::name).toList();
  }

  private static List<EventSourceMapping> byUuid(List<EventSourceMapping> mappings) {
    return mappings.stream().sorted(Comparator.comparing(EventSourceMapping::uuid)).toList();
  }

  private List<String> aliasNames(FunctionId id, String functionVersion, int limit) {
    return allPages(marker -> store.listAliases(id, functionVersion, marker, limit)).stream()
        .flatMap(p -> p.items().stream())
        .map(Alias::name)
        .toList();
  }

  private static InvocationRecord invocation(FunctionId id, String requestId, Instant start) {
    return new InvocationRecord(requestId, id, "$LATEST", "$LATEST", start, 12.5, 13, 256, 80, Optional.empty(),
        "Success", Optional.empty());
  }

  private List<InvocationRecord> find(FunctionId id, InvocationQuery query) {
    return await(store.findInvocations(id, query));
  }

  private static InvocationRecord billed(FunctionId id, String requestId, Instant start, int memoryMb,
      long billedMs) {
    return new InvocationRecord(requestId, id, "$LATEST", "$LATEST", start, billedMs - 0.5, billedMs, memoryMb, 64,
        Optional.empty(), "Success", Optional.empty());
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random().nextBytes(bytes);
    return bytes;
  }

  private static String label(VersionedConfig item) {
    return item.function().name() + ":" + item.version();
  }

  private static List<String> labels(Page<VersionedConfig> page) {
    return page.items().stream().map(StoreContract::label).toList();
  }

  // ---- listing and waiting ----------------------------------------------------------------------------------

  /** Follows the markers from the first page to the last. */
  private static <T> List<Page<T>> allPages(Function<String, CompletionStage<Page<T>>> pageAfter) {
    List<Page<T>> pages = new ArrayList<>();
    String marker = null;
    do {
      if (pages.size() > 1_000) {
        fail("the listing does not end: over 1000 pages");
      }
      Page<T> page = await(pageAfter.apply(marker));
      pages.add(page);
      marker = page.nextMarker().orElse(null);
    } while (marker != null);
    return pages;
  }

  /** Every page but the last is full and has a marker; the last is not empty (unless it is the only one). */
  private static void assertPagedBy(List<? extends Page<?>> pages, int limit) {
    for (int i = 0; i < pages.size() - 1; i++) {
      assertThat(pages.get(i).items()).as("page %d of %d items", i + 1, limit).hasSize(limit);
      assertThat(pages.get(i).nextMarker()).as("marker of page %d of %d items", i + 1, limit).isPresent();
    }
    Page<?> last = pages.get(pages.size() - 1);
    assertThat(last.nextMarker()).as("marker of the last page of %d items", limit).isEmpty();
    int smallest = pages.size() == 1 ? 0 : 1;
    assertThat(last.items().size()).as("size of the last page of %d items", limit).isBetween(smallest, limit);
  }

  /** The result of a store call, rethrowing the exception it failed with (not wrapped). */
  protected static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError("the store call failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the store", e);
    } catch (TimeoutException e) {
      throw new AssertionError("the store did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
    }
  }

  /** The exception a store call completed with; fails the test when the call succeeded. */
  protected static Throwable failureOf(CompletionStage<?> stage) {
    Object value;
    try {
      value = stage.toCompletableFuture().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the store", e);
    } catch (TimeoutException e) {
      throw new AssertionError("the store did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
    }
    throw new AssertionError("expected the call to fail, but it completed with " + value);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Runs {@code n} tasks on {@code n} threads that start together, and returns their results in task order.
   * A task that throws fails the test.
   */
  protected static <T> List<T> runConcurrently(int n, IntFunction<Callable<T>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CyclicBarrier start = new CyclicBarrier(n);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> work = task.apply(i);
        futures.add(pool.submit(() -> {
          start.await(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return work.call();
        }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(CALL_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
