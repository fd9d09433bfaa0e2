package io.petrel.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.petrel.persistence.FunctionId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The floor under the store's latencies: single round trips on a raw driver session to the same Cassandra,
 * with the store's consistency levels (LOCAL_QUORUM, LOCAL_SERIAL), one at a time.
 *
 * <ul>
 *   <li>a plain single-row INSERT (no condition) of a row the size of a version's configuration;
 *   <li>a SELECT of a whole function partition, the read every change of a function starts with;
 *   <li>a conditional batch, {@code UPDATE .. SET seq = ? IF seq = ?} plus one INSERT on the same partition,
 *       the shape of the write that ends a publish (a lightweight transaction: Paxos rounds);
 *   <li>the last two back to back, per sample: the two round trips a publish makes, without the store.
 * </ul>
 *
 * They are interleaved, one of each per sample, so that they see the same conditions.
 */
final class CqlReference {
  private static final int WARMUP = 200;
  private static final int PARTITIONS = 20;

  /** The round-trip latencies of one statement. */
  record Result(String statement, Histogram latency) {}

  private CqlReference() {}

  /** A session with the store's consistency levels and timeouts. */
  static CqlSession connect(InetSocketAddress contactPoint, String localDatacenter) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        .build();
    return CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoint(contactPoint)
        .withLocalDatacenter(localDatacenter)
        .build();
  }

  /** Schema changes take longer than queries. */
  static void schema(CqlSession session, String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(Duration.ofSeconds(120)));
  }

  /**
   * {@code samples} round trips of each statement in {@code keyspace} (after unrecorded ones), reading the
   * partitions of {@code functions}, which the store has written.
   */
  static List<Result> measure(CqlSession session, String keyspace, List<FunctionId> functions, int samples) {
    String table = keyspace + ".bench_reference";
    schema(session, "CREATE TABLE IF NOT EXISTS " + table + " (k text, item text, seq bigint static, value text,"
        + " PRIMARY KEY ((k), item))");
    PreparedStatement insert = session.prepare("INSERT INTO " + table + " (k, item, value) VALUES (?, ?, ?)");
    PreparedStatement select = session.prepare("SELECT * FROM " + keyspace + ".functions WHERE account = ?"
        + " AND name = ?");
    PreparedStatement guard = session.prepare("UPDATE " + table + " SET seq = ? WHERE k = ? IF seq = ?");
    // About the size of a version row: a function configuration as JSON.
    String value = "{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"description\":\"%s\","
        + "\"environment\":{\"STAGE\":\"bench\",\"TABLE_NAME\":\"orders\"}," + "\"x\":\"" + "0".repeat(400) + "\"}";
    Map<String, Long> seqs = new HashMap<>();

    Histogram inserts = Latencies.newHistogram();
    Histogram selects = Latencies.newHistogram();
    Histogram conditional = Latencies.newHistogram();
    Histogram readThenConditional = Latencies.newHistogram();
    for (int i = 0; i < WARMUP + samples; i++) {
      boolean recorded = i >= WARMUP;
      String k = "ref-" + i % PARTITIONS;
      FunctionId function = functions.get(i % functions.size());

      String row = value.formatted(i);
      long start = System.nanoTime();
      session.execute(insert.bind(k, "row-" + i, row));
      record(recorded, inserts, start);

      long readStart = System.nanoTime();
      ResultSet rows = session.execute(select.bind(function.account(), function.name()));
      int count = 0;
      for (var ignored : rows) {
        count++;
      }
      long readNanos = System.nanoTime() - readStart;
      if (recorded) {
        Latencies.recordNanos(selects, readNanos);
      }
      if (count == 0) {
        throw new BenchmarkException("the partition of function " + function + " is empty");
      }

      Long seq = seqs.get(k);
      long next = seq == null ? 1 : seq + 1;
      BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED)
          .add(guard.bind(next, k, seq))
          .add(insert.bind(k, "lwt-" + i, row));
      start = System.nanoTime();
      boolean applied = session.execute(batch).wasApplied();
      long conditionalNanos = System.nanoTime() - start;
      if (recorded) {
        Latencies.recordNanos(conditional, conditionalNanos);
        Latencies.recordNanos(readThenConditional, readNanos + conditionalNanos);
      }
      if (!applied) {
        throw new BenchmarkException("a conditional batch on " + k + " did not apply; is something else writing?");
      }
      seqs.put(k, next);
    }
    return List.of(new Result("INSERT one row, no condition", inserts),
        new Result("SELECT one function partition", selects),
        new Result("conditional batch (UPDATE IF seq = ? + INSERT)", conditional),
        new Result("SELECT partition, then conditional batch", readThenConditional));
  }

  private static void record(boolean recorded, Histogram histogram, long startNanos) {
    if (recorded) {
      Latencies.recordNanos(histogram, System.nanoTime() - startNanos);
    }
  }
}
