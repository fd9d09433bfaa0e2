package io.petrel.loadtest;

import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.Page;
import io.petrel.persistence.PetrelStore;
import io.petrel.persistence.VersionedConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * PublishVersion latency. A call is {@code modifyLatest} (a new description and revision, so that $LATEST
 * differs from every published version) and then {@code publishVersion}, each timed on its own, one call at a
 * time over the benchmark's functions in turn.
 *
 * <p>The contended variant has T threads doing such calls on one function at once, each through the store it
 * is given: one shared store (its per-function queue orders them) or one store each (as T nodes would, so that
 * the lightweight transactions themselves contend). Afterwards it checks what the store promises: no two
 * publishes that created a version got the same number, i.e. every number a call received names, in the store,
 * the content that call published.
 */
final class PublishLatency {
  static final int WARMUP = 200; // JIT of this JVM and of Cassandra's LWT path: p50 settles after ~500 LWTs
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

  /** Latencies of the sequential calls of one engine. */
  record Sequential(String engine, Histogram modify, Histogram publish, Histogram pair) {}

  /**
   * The contended calls on one function: latencies of those that succeeded, how many failed, the distinct
   * numbers returned, the versions stored afterwards, and how many returned numbers name other content.
   */
  record Contended(String label, int threads, Histogram publish, Histogram pair, int calls, int failed,
                   String firstFailure, int distinctNumbers, int versionsStored, int mismatches) {}

  private PublishLatency() {}

  /** Creates the functions (python3.12, 256 MB, two variables: a typical small function). */
  static void createFunctions(PetrelStore store, List<FunctionId> ids) {
    String codeSha256 = "9f2c" + "0".repeat(56) + "b7e1";
    for (FunctionId id : ids) {
      Instant now = Instant.now();
      FunctionConfig config = new FunctionConfig("python3.12", "app.handler",
          "arn:aws:iam::" + id.account() + ":role/petrel-bench", "created by bench-store", 30, 256,
          Map.of("STAGE", "bench", "TABLE_NAME", "orders"), List.of("x86_64"), codeSha256, 4_812,
          UUID.randomUUID().toString(), now);
      await(store.createFunction(new FunctionDefinition(id, config, Map.of("team", "bench"), OptionalInt.empty(),
          now)), "createFunction " + id.name());
    }
  }

  /** {@code warmup} unrecorded calls, then {@code calls} timed ones, over {@code functions} in turn. */
  static Sequential sequential(String engine, PetrelStore store, List<FunctionId> functions, int warmup,
      int calls) {
    Histogram modify = Latencies.newHistogram();
    Histogram publish = Latencies.newHistogram();
    Histogram pair = Latencies.newHistogram();
    Map<FunctionId, Long> newest = new HashMap<>();
    for (int i = 0; i < warmup + calls; i++) {
      FunctionId id = functions.get(i % functions.size());
      String description = "release " + i + " of " + id.name();
      long start = System.nanoTime();
      modify(store, id, description);
      long modified = System.nanoTime();
      VersionedConfig version = publish(store, id);
      long end = System.nanoTime();
      long number = Long.parseLong(version.version());
      if (number <= newest.getOrDefault(id, 0L) || !description.equals(version.config().description())) {
        throw new BenchmarkException(engine + ": publishVersion of " + id.name() + " returned version " + number
            + " (" + version.config().description() + "), not a new version of '" + description + "'");
      }
      newest.put(id, number);
      if (i >= warmup) {
        Latencies.recordNanos(modify, modified - start);
        Latencies.recordNanos(publish, end - modified);
        Latencies.recordNanos(pair, end - start);
      }
    }
    return new Sequential(engine, modify, publish, pair);
  }

  /** {@code calls} calls on {@code function} from one thread per store in {@code stores}, all at once. */
  static Contended contended(String label, List<PetrelStore> stores, FunctionId function, int calls) {
    int threads = stores.size();
    record Published(long number, String description) {}
    List<Published> published = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Histogram publish = Latencies.newHistogram();
    Histogram pair = Latencies.newHistogram();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = ClientThreads.daemonPool(threads, "bench-publisher");
    try {
      List<Future<?>> loops = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        PetrelStore store = stores.get(t);
        int thread = t;
        int mine = calls / threads + (t < calls % threads ? 1 : 0);
        loops.add(pool.submit(() -> {
          go.await();
          for (int k = 0; k < mine; k++) {
            String description = "contender " + thread + " release " + k;
            long start = System.nanoTime();
            try {
              modify(store, function, description);
              long modified = System.nanoTime();
              VersionedConfig version = publish(store, function);
              long end = System.nanoTime();
              synchronized (published) {
                Latencies.recordNanos(publish, end - modified);
                Latencies.recordNanos(pair, end - start);
                published.add(new Published(Long.parseLong(version.version()), version.config().description()));
              }
            } catch (BenchmarkException e) {
              synchronized (published) {
                failures.add(e.getMessage());
              }
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> loop : loops) {
        loop.get();
      }
    } catch (ExecutionException e) {
      throw new BenchmarkException(label + ": a publishing thread failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    } finally {
      pool.shutdownNow();
    }

    Map<Long, String> stored = storedVersions(stores.get(0), function);
    Set<Long> distinct = new HashSet<>();
    int mismatches = 0;
    for (Published p : published) {
      distinct.add(p.number());
      if (!p.description().equals(stored.get(p.number()))) {
        mismatches++;
      }
    }
    return new Contended(label, threads, publish, pair, calls, failures.size(),
        failures.isEmpty() ? "" : failures.get(0), distinct.size(), stored.size(), mismatches);
  }

  private static void modify(PetrelStore store, FunctionId id, String description) {
    await(store.modifyLatest(id, null, c -> c.withDescription(description)
        .withRevision(UUID.randomUUID().toString(), Instant.now())), "modifyLatest " + id.name());
  }

  private static VersionedConfig publish(PetrelStore store, FunctionId id) {
    return await(store.publishVersion(id, null, null, UUID.randomUUID().toString(), Instant.now()),
        "publishVersion " + id.name());
  }

  /** Number to description of every published version of {@code id}. */
  private static Map<Long, String> storedVersions(PetrelStore store, FunctionId id) {
    Map<Long, String> versions = new HashMap<>();
    String marker = null;
    do {
      Page<VersionedConfig> page = await(store.listVersions(id, marker, 500), "listVersions " + id.name());
      page.items().forEach(v -> versions.put(Long.parseLong(v.version()), v.config().description()));
      marker = page.nextMarker().orElse(null);
    } while (marker != null);
    return versions;
  }

  static <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new BenchmarkException(what + " failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw new BenchmarkException(what + " did not complete within " + CALL_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }
}
