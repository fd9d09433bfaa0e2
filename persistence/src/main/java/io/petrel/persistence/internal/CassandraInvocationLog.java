package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.petrel.persistence.DailyUsage;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationQuery;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invocation records, log lines and daily usage for the Cassandra engine.
 *
 * <p>Callers hand items over without waiting. One writer thread takes up to {@link #ROUND} items at a time in
 * the order they came, groups them by partition (function and UTC day) into unlogged batches, and writes the
 * batches concurrently. A round that fails (Cassandra away, a timeout) is written again, whole, after a pause
 * that grows to {@link #MAX_PAUSE}; every write in it is idempotent, so writing it twice is harmless. Items
 * wait in a bounded buffer meanwhile; once it holds {@code bufferLimit} items, new ones are refused, counted
 * and logged.
 *
 * <p>Usage rows hold this writer's absolute totals per function and day (keyed by a writer id that is new for
 * every store instance), so a rewritten round never counts an invocation twice.
 */
public final class CassandraInvocationLog {
  private static final Logger log = LoggerFactory.getLogger(CassandraInvocationLog.class);
  private static final int ROUND = 5_000;
  private static final int PER_BATCH = 40;
  private static final int BATCH_BYTES = 40_000;
  private static final int MAX_MESSAGE_CHARS = 256 * 1024;
  private static final int IN_FLIGHT = 32;
  private static final long DAY_MS = 86_400_000L;
  private static final Duration MAX_PAUSE = Duration.ofSeconds(5);
  private static final Duration WARN_EVERY = Duration.ofSeconds(10);

  private final CqlSession session;
  private final int bufferLimit;
  private final int logTtlSeconds;
  private UUID writer = UUID.randomUUID(); // only the writer thread uses it
  private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger buffered = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong nextLineSeq = new AtomicLong(System.currentTimeMillis() * 1_000);
  private volatile long durable;
  private volatile long lastRefusalWarning;
  private final List<Waiter> waiters = new ArrayList<>();
  private final Set<String> knownDays = ConcurrentHashMap.newKeySet();
  private final Map<UsageKey, long[]> usageTotals = new HashMap<>();
  private final Thread thread;
  private volatile boolean closing;

  private final PreparedStatement insertRecord;
  private final PreparedStatement insertRecordDay;
  private final PreparedStatement insertLine;
  private final PreparedStatement insertLineDay;
  private final PreparedStatement writeUsage;
  private final PreparedStatement recordDays;
  private final PreparedStatement recordsOfDay;
  private final PreparedStatement lineDays;
  private final PreparedStatement lineDaysBetween;
  private final PreparedStatement linesOfDay;
  private final PreparedStatement linesOfRequest;
  private final PreparedStatement usageOfDay;

  private record Waiter(long target, CompletableFuture<Void> done) {}

  private record PendingLine(LogLine line, long seq) {}

  private record UsageKey(String account, String name, long day) {}

  public CassandraInvocationLog(CqlSession session, String ks, Duration logRetention, int bufferLimit) {
    this.session = session;
    this.bufferLimit = bufferLimit;
    this.logTtlSeconds = (int) Math.min(Integer.MAX_VALUE, logRetention.toSeconds());
    insertRecord = session.prepare("INSERT INTO " + ks + ".invocations (account, name, day, start_ms, request_id,"
        + " qualifier, executed_version, duration_ms, billed_duration_ms, memory_size_mb, max_memory_used_mb,"
        + " init_duration_ms, outcome, error_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertRecordDay = session.prepare("INSERT INTO " + ks + ".invocation_days (account, name, day) VALUES (?, ?, ?)");
    insertLine = session.prepare("INSERT INTO " + ks + ".log_lines (account, name, day, ts_ms, seq, request_id,"
        + " message) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?");
    insertLineDay = session.prepare("INSERT INTO " + ks + ".log_days (account, name, day) VALUES (?, ?, ?)"
        + " USING TTL ?");
    writeUsage = session.prepare("INSERT INTO " + ks + ".usage (account, day, name, writer, requests,"
        + " billed_mb_ms) VALUES (?, ?, ?, ?, ?, ?)");
    recordDays = session.prepare("SELECT day FROM " + ks + ".invocation_days WHERE account = ? AND name = ?"
        + " AND day >= ? AND day <= ?");
    recordsOfDay = session.prepare("SELECT start_ms, request_id, qualifier, executed_version, duration_ms,"
        + " billed_duration_ms, memory_size_mb, max_memory_used_mb, init_duration_ms, outcome, error_type FROM "
        + ks + ".invocations WHERE account = ? AND name = ? AND day = ? AND start_ms >= ? AND start_ms < ?");
    lineDays = session.prepare("SELECT day FROM " + ks + ".log_days WHERE account = ? AND name = ?");
    lineDaysBetween = session.prepare("SELECT day FROM " + ks + ".log_days WHERE account = ? AND name = ?"
        + " AND day >= ? AND day <= ?");
    linesOfDay = session.prepare("SELECT request_id, ts_ms, message FROM " + ks + ".log_lines"
        + " WHERE account = ? AND name = ? AND day = ? AND ts_ms >= ? AND ts_ms < ? LIMIT ?");
    linesOfRequest = session.prepare("SELECT seq, ts_ms, message FROM " + ks + ".log_lines"
        + " WHERE account = ? AND name = ? AND day = ? AND request_id = ?");
    usageOfDay = session.prepare("SELECT name, requests, billed_mb_ms FROM " + ks + ".usage"
        + " WHERE account = ? AND day = ?");
    thread = new Thread(this::run, "petrel-cassandra-invocations");
    thread.setDaemon(true);
    thread.start();
  }

  // ---- handing over ----

  public void record(InvocationRecord record) {
    if (admit(1)) {
      accepted.incrementAndGet();
      pending.add(record);
      LockSupport.unpark(thread);
    }
  }

  public void appendLogs(List<LogLine> lines) {
    if (lines.isEmpty() || !admit(lines.size())) {
      return;
    }
    for (LogLine line : lines) {
      accepted.incrementAndGet();
      pending.add(new PendingLine(line, nextLineSeq.getAndIncrement()));
    }
    LockSupport.unpark(thread);
  }

  private boolean admit(int items) {
    if (buffered.addAndGet(items) <= bufferLimit) {
      return true;
    }
    buffered.addAndGet(-items);
    long total = refused.addAndGet(items);
    long now = System.nanoTime();
    if (now - lastRefusalWarning > WARN_EVERY.toNanos()) {
      lastRefusalWarning = now;
      log.error("The invocation log buffer is full ({} items waiting for Cassandra): {} records and log lines"
          + " refused so far", bufferLimit, total);
    }
    return false;
  }

  /** Completes once every item handed over before this call is written. */
  public CompletionStage<Void> flush() {
    long target = accepted.get();
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (waiters) {
      if (durable >= target) {
        done.complete(null);
      } else {
        waiters.add(new Waiter(target, done));
      }
    }
    LockSupport.unpark(thread);
    return done;
  }

  public int buffered() {
    return buffered.get();
  }

  public long refused() {
    return refused.get();
  }

  /** Writes what is buffered, waiting at most {@code wait}, then stops the writer. */
  public void close(Duration wait) {
    try {
      flush().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.error("{} invocation records and log lines could not be written to Cassandra before the store closed",
          buffered.get());
    } catch (Exception e) {
      log.error("flushing invocation records before closing failed", e);
    }
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the writer ----

  private void run() {
    long pauseMs = 100;
    boolean failing = false;
    List<Object> round = new ArrayList<>();
    while (!closing) {
      if (round.isEmpty()) {
        Object item;
        while (round.size() < ROUND && (item = pending.poll()) != null) {
          round.add(item);
        }
        if (round.isEmpty()) {
          LockSupport.parkNanos(50_000_000L);
          continue;
        }
      }
      try {
        Map<UsageKey, long[]> totals = write(round);
        usageTotals.putAll(totals);
        buffered.addAndGet(-round.size());
        markDurable(round.size());
        round.clear();
        if (failing) {
          log.info("Cassandra takes invocation records again; {} items still buffered", buffered.get());
          failing = false;
        }
        pauseMs = 100;
      } catch (RuntimeException e) {
        if (!failing) {
          log.warn("Cannot write invocation records to Cassandra ({}); keeping them buffered ({} items) and"
              + " retrying", Cql.brief(e), buffered.get());
          failing = true;
        }
        LockSupport.parkNanos(pauseMs * 1_000_000L);
        pauseMs = Math.min(pauseMs * 2, MAX_PAUSE.toMillis());
      }
    }
  }

  private void markDurable(int items) {
    synchronized (waiters) {
      durable += items;
      waiters.removeIf(w -> {
        if (w.target() <= durable) {
          w.done().complete(null);
          return true;
        }
        return false;
      });
    }
  }

  /** Writes one round and returns the usage totals it leads to; throws when any write failed. */
  private Map<UsageKey, long[]> write(List<Object> round) {
    Map<String, List<BoundStatement>> byPartition = new LinkedHashMap<>();
    List<BoundStatement> singles = new ArrayList<>();
    Map<UsageKey, long[]> totals = new HashMap<>();
    List<String> newDays = new ArrayList<>();
    for (Object item : round) {
      if (item instanceof InvocationRecord r) {
        long day = Math.floorDiv(r.start().toEpochMilli(), DAY_MS);
        String partition = "i/" + r.function() + "/" + day;
        byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(bindRecord(r, (int) day));
        if (!knownDays.contains(partition)) {
          newDays.add(partition);
          singles.add(insertRecordDay.bind(r.function().account(), r.function().name(), (int) day));
        }
        UsageKey key = new UsageKey(r.function().account(), r.function().name(), day);
        long[] sum = totals.computeIfAbsent(key, k -> usageTotals.getOrDefault(k, new long[2]).clone());
        sum[0] += 1;
        sum[1] += (long) r.memorySizeMb() * r.billedDurationMs();
      } else if (item instanceof PendingLine p) {
        LogLine l = p.line();
        long day = Math.floorDiv(l.timestamp().toEpochMilli(), DAY_MS);
        String partition = "l/" + l.function() + "/" + day;
        byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(insertLine.bind(
            l.function().account(), l.function().name(), (int) day, l.timestamp().toEpochMilli(), p.seq(),
            l.requestId(), truncated(l.message()), logTtlSeconds));
        if (!knownDays.contains(partition)) {
          newDays.add(partition);
          singles.add(insertLineDay.bind(l.function().account(), l.function().name(), (int) day, logTtlSeconds));
        }
      }
    }
    totals.forEach((k, sum) -> singles.add(
        writeUsage.bind(k.account(), (int) k.day(), k.name(), writer, sum[0], sum[1])));

    List<Statement<?>> statements = new ArrayList<>(singles);
    for (List<BoundStatement> partition : byPartition.values()) {
      List<BoundStatement> batch = new ArrayList<>();
      int bytes = 0;
      for (BoundStatement statement : partition) {
        int size = estimatedSize(statement);
        if (!batch.isEmpty() && (batch.size() >= PER_BATCH || bytes + size > BATCH_BYTES)) {
          statements.add(asBatch(batch));
          batch = new ArrayList<>();
          bytes = 0;
        }
        batch.add(statement);
        bytes += size;
      }
      if (!batch.isEmpty()) {
        statements.add(asBatch(batch));
      }
    }
    try {
      executeAll(statements);
    } catch (RuntimeException e) {
      if (Cql.isUnavailable(e)) {
        throw e;
      }
      // Cassandra refused something it will always refuse; write one statement at a time and report what
      // cannot be written instead of retrying the round forever.
      writeOneByOne(statements);
    }
    knownDays.addAll(newDays);
    if (knownDays.size() > 100_000) {
      knownDays.clear();
    }
    if (usageTotals.size() > 50_000) {
      // Forget the sums and continue as a new writer: this writer's rows keep what they hold, and new rows
      // count from zero, so nothing is counted twice or lost.
      usageTotals.clear();
      totals.clear();
      writer = UUID.randomUUID();
    }
    return totals;
  }

  private static Statement<?> asBatch(List<BoundStatement> statements) {
    return statements.size() == 1
        ? statements.get(0)
        : BatchStatement.newInstance(BatchType.UNLOGGED).addAll(statements);
  }

  private static int estimatedSize(BoundStatement statement) {
    int size = 64;
    for (int i = 0; i < statement.size(); i++) {
      var value = statement.getBytesUnsafe(i);
      size += value == null ? 4 : value.remaining() + 4;
    }
    return size;
  }

  private void writeOneByOne(List<Statement<?>> statements) {
    for (Statement<?> statement : statements) {
      List<Statement<?>> parts = new ArrayList<>();
      if (statement instanceof BatchStatement batch) {
        batch.forEach(parts::add);
      } else {
        parts.add(statement);
      }
      for (Statement<?> part : parts) {
        try {
          session.execute(part);
        } catch (RuntimeException e) {
          if (Cql.isUnavailable(e)) {
            throw e;
          }
          long total = refused.incrementAndGet();
          log.error("Cassandra refused an invocation record or log line ({}); it is not stored ({} refused so far)",
              Cql.brief(e), total);
        }
      }
    }
  }

  /** Runs statements with at most {@link #IN_FLIGHT} at once; throws the first failure once all ended. */
  private void executeAll(List<Statement<?>> statements) {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<?>> all = new ArrayList<>(statements.size());
    for (var statement : statements) {
      slots.acquireUninterruptibly();
      CompletableFuture<?> f = session.executeAsync(statement).toCompletableFuture();
      f.whenComplete((rs, e) -> slots.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  private static String truncated(String message) {
    return message.length() <= MAX_MESSAGE_CHARS
        ? message
        : message.substring(0, MAX_MESSAGE_CHARS) + " [truncated: " + message.length() + " characters]";
  }

  private BoundStatement bindRecord(InvocationRecord r, int day) {
    BoundStatement bound = insertRecord.bind(r.function().account(), r.function().name(), day,
        r.start().toEpochMilli(), r.requestId(), r.qualifier(), r.executedVersion(), r.durationMs(),
        r.billedDurationMs(), r.memorySizeMb(), r.maxMemoryUsedMb(), r.initDurationMs().orElse(null), r.outcome(),
        r.errorType().orElse(null));
    // Absent values stay unset: a bound null would write a tombstone that every later read has to skip.
    if (r.initDurationMs().isEmpty()) {
      bound = bound.unset("init_duration_ms");
    }
    if (r.errorType().isEmpty()) {
      bound = bound.unset("error_type");
    }
    return bound;
  }

  // ---- reading ----

  public CompletionStage<List<InvocationRecord>> findInvocations(FunctionId function, InvocationQuery query) {
    long fromMs = query.from().toEpochMilli();
    long toMs = query.to().toEpochMilli();
    if (toMs <= fromMs) {
      return CompletableFuture.completedFuture(List.of());
    }
    int fromDay = (int) Math.floorDiv(fromMs, DAY_MS);
    int toDay = (int) Math.min(Integer.MAX_VALUE, Math.floorDiv(toMs - 1, DAY_MS));
    return Cql.all(session, recordDays.bind(function.account(), function.name(), fromDay, toDay)).thenCompose(rows -> {
      List<Integer> days = rows.stream().map(r -> r.getInt(0)).toList();
      return recordsFrom(function, days, 0, query, new ArrayList<>());
    });
  }

  /** Reads the days in order, page by page, keeping matching records until the limit is reached. */
  private CompletionStage<List<InvocationRecord>> recordsFrom(FunctionId function, List<Integer> days, int index,
      InvocationQuery query, List<InvocationRecord> out) {
    if (index >= days.size() || out.size() >= query.limit()) {
      return CompletableFuture.completedFuture(out);
    }
    return Cql.scan(session, recordsOfDay.bind(function.account(), function.name(), days.get(index),
            query.from().toEpochMilli(), query.to().toEpochMilli()), row -> {
          InvocationRecord r = readRecord(function, row);
          if (query.matches(r)) {
            out.add(r);
          }
          return out.size() < query.limit();
        })
        .thenCompose(ignored -> recordsFrom(function, days, index + 1, query, out));
  }

  public CompletionStage<List<LogLine>> logsBetween(FunctionId function, Instant from, Instant to, int limit) {
    long fromMs = from.toEpochMilli();
    long toMs = to.toEpochMilli();
    if (toMs <= fromMs) {
      return CompletableFuture.completedFuture(List.of());
    }
    int fromDay = (int) Math.floorDiv(fromMs, DAY_MS);
    int toDay = (int) Math.min(Integer.MAX_VALUE, Math.floorDiv(toMs - 1, DAY_MS));
    return Cql.all(session, lineDaysBetween.bind(function.account(), function.name(), fromDay, toDay))
        .thenCompose(rows -> linesFrom(function, rows.stream().map(r -> r.getInt(0)).toList(), 0, fromMs, toMs,
            limit, new ArrayList<>()));
  }

  private CompletionStage<List<LogLine>> linesFrom(FunctionId function, List<Integer> days, int index, long fromMs,
      long toMs, int limit, List<LogLine> out) {
    if (index >= days.size() || out.size() >= limit) {
      return CompletableFuture.completedFuture(out);
    }
    return Cql.all(session, linesOfDay.bind(function.account(), function.name(), days.get(index), fromMs, toMs,
            limit - out.size()))
        .thenCompose(rows -> {
          for (Row row : rows) {
            out.add(new LogLine(function, row.getString("request_id"), Instant.ofEpochMilli(row.getLong("ts_ms")),
                row.getString("message")));
          }
          return linesFrom(function, days, index + 1, fromMs, toMs, limit, out);
        });
  }

  private static InvocationRecord readRecord(FunctionId function, Row row) {
    Optional<Double> init = row.isNull("init_duration_ms")
        ? Optional.empty()
        : Optional.of(row.getDouble("init_duration_ms"));
    return new InvocationRecord(row.getString("request_id"), function, row.getString("qualifier"),
        row.getString("executed_version"), Instant.ofEpochMilli(row.getLong("start_ms")),
        row.getDouble("duration_ms"), row.getLong("billed_duration_ms"), row.getInt("memory_size_mb"),
        row.getInt("max_memory_used_mb"), init, row.getString("outcome"),
        Optional.ofNullable(row.getString("error_type")));
  }

  public CompletionStage<List<LogLine>> logsOf(FunctionId function, String requestId) {
    return Cql.all(session, lineDays.bind(function.account(), function.name())).thenCompose(dayRows -> {
      List<CompletableFuture<List<Row>>> reads = dayRows.stream()
          .map(d -> Cql.all(session, linesOfRequest.bind(function.account(), function.name(), d.getInt(0),
              requestId)).toCompletableFuture())
          .toList();
      return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
        TreeMap<Long, LogLine> bySeq = new TreeMap<>();
        for (CompletableFuture<List<Row>> read : reads) {
          for (Row row : read.join()) {
            bySeq.put(row.getLong("seq"), new LogLine(function, requestId,
                Instant.ofEpochMilli(row.getLong("ts_ms")), row.getString("message")));
          }
        }
        return List.copyOf(bySeq.values());
      });
    });
  }

  public CompletionStage<List<DailyUsage>> usage(String account, LocalDate from, LocalDate to) {
    long days = to.toEpochDay() - from.toEpochDay() + 1;
    if (days > 400) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "a usage query covers at most 400 days, not " + days));
    }
    List<CompletableFuture<List<DailyUsage>>> reads = new ArrayList<>();
    for (long day = from.toEpochDay(); day <= to.toEpochDay(); day++) {
      long thisDay = day;
      reads.add(Cql.all(session, usageOfDay.bind(account, (int) day)).thenApply(rows -> {
        Map<String, long[]> byName = new TreeMap<>();
        for (Row row : rows) {
          long[] sum = byName.computeIfAbsent(row.getString("name"), n -> new long[2]);
          sum[0] += row.getLong("requests");
          sum[1] += row.getLong("billed_mb_ms");
        }
        return byName.entrySet().stream()
            .map(e -> new DailyUsage(new FunctionId(account, e.getKey()), LocalDate.ofEpochDay(thisDay),
                e.getValue()[0], e.getValue()[1]))
            .toList();
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ignored -> reads.stream()
        .flatMap(r -> r.join().stream())
        .sorted(Comparator.comparing(DailyUsage::day).thenComparing(u -> u.function().name()))
        .toList());
  }
}
