package io.petrel.persistence.internal;

import io.petrel.persistence.DailyUsage;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationQuery;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invocation records and log lines for the SQLite engine. Callers hand items over without waiting; a drain
 * task on the database thread writes whatever has queued up, up to {@link #BATCH} items a transaction, so
 * under load many invocations share one commit.
 */
public final class SqliteInvocationLog {
  private static final Logger log = LoggerFactory.getLogger(SqliteInvocationLog.class);
  private static final int BATCH = 1000;

  private final SqliteDatabase db;
  private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger buffered = new java.util.concurrent.atomic.AtomicInteger();

  public SqliteInvocationLog(SqliteDatabase db) {
    this.db = db;
  }

  public int buffered() {
    return buffered.get();
  }

  public void record(InvocationRecord record) {
    buffered.incrementAndGet();
    pending.add(record);
    scheduleDrain();
  }

  public void appendLogs(List<LogLine> lines) {
    buffered.addAndGet(lines.size());
    pending.addAll(lines);
    scheduleDrain();
  }

  /** Completes after everything queued before this call has been committed. */
  public CompletionStage<Void> flush() {
    // Items queued before this call are at the head of the queue, at most `queued` of them; one batch may not
    // hold them all.
    int queued = pending.size();
    return db.transaction(c -> {
      int written = 0;
      while (written < queued && !pending.isEmpty()) {
        written += writeBatch(c);
        c.commit(); // batches already taken off the queue must not roll back with a later one
      }
      return null;
    });
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      db.transaction(c -> {
        drainScheduled.set(false);
        drain(c);
        return null;
      }).whenComplete((ignored, error) -> {
        if (error != null) {
          log.error("writing invocation records failed; they stay queued and are retried", error);
        }
      });
    }
  }

  private void drain(Connection c) throws SQLException {
    writeBatch(c);
    if (!pending.isEmpty()) {
      drainScheduled.set(false);
      scheduleDrain();
    }
  }

  /** Writes up to {@link #BATCH} items from the head of the queue and returns how many. */
  private int writeBatch(Connection c) throws SQLException {
    try (PreparedStatement records = c.prepareStatement("INSERT OR REPLACE INTO invocations (account, name,"
        + " start_ms, request_id, qualifier, executed_version, duration_ms, billed_duration_ms, memory_size_mb,"
        + " max_memory_used_mb, init_duration_ms, outcome, error_type) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement lines = c.prepareStatement(
            "INSERT INTO log_lines (account, name, request_id, ts_ms, message) VALUES (?,?,?,?,?)")) {
      // Only this thread removes items, so the first `taken` items are still at the head after the batch
      // executed; they leave the queue only once written, and a failed batch is retried whole.
      int taken = 0;
      for (var it = pending.iterator(); taken < BATCH && it.hasNext(); taken++) {
        Object item = it.next();
        if (item instanceof InvocationRecord r) {
          bindRecord(records, r);
          records.addBatch();
        } else if (item instanceof LogLine l) {
          lines.setString(1, l.function().account());
          lines.setString(2, l.function().name());
          lines.setString(3, l.requestId());
          lines.setLong(4, l.timestamp().toEpochMilli());
          lines.setString(5, l.message());
          lines.addBatch();
        }
      }
      records.executeBatch();
      lines.executeBatch();
      for (int i = 0; i < taken; i++) {
        pending.poll();
      }
      buffered.addAndGet(-taken);
      return taken;
    }
  }

  private static void bindRecord(PreparedStatement st, InvocationRecord r) throws SQLException {
    st.setString(1, r.function().account());
    st.setString(2, r.function().name());
    st.setLong(3, r.start().toEpochMilli());
    st.setString(4, r.requestId());
    st.setString(5, r.qualifier());
    st.setString(6, r.executedVersion());
    st.setDouble(7, r.durationMs());
    st.setLong(8, r.billedDurationMs());
    st.setInt(9, r.memorySizeMb());
    st.setInt(10, r.maxMemoryUsedMb());
    if (r.initDurationMs().isPresent()) {
      st.setDouble(11, r.initDurationMs().get());
    } else {
      st.setNull(11, Types.REAL);
    }
    st.setString(12, r.outcome());
    st.setString(13, r.errorType().orElse(null));
  }

  public CompletionStage<List<InvocationRecord>> findInvocations(FunctionId function, InvocationQuery query) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT request_id, qualifier, executed_version, start_ms,"
          + " duration_ms, billed_duration_ms, memory_size_mb, max_memory_used_mb, init_duration_ms, outcome,"
          + " error_type FROM invocations WHERE account = ?1 AND name = ?2 AND start_ms >= ?3 AND start_ms < ?4"
          + " AND (?5 IS NULL OR outcome = ?5) AND (?6 IS NULL OR request_id = ?6)"
          + " ORDER BY start_ms, request_id LIMIT ?7")) {
        st.setString(1, function.account());
        st.setString(2, function.name());
        st.setLong(3, query.from().toEpochMilli());
        st.setLong(4, query.to().toEpochMilli());
        st.setString(5, query.outcome().orElse(null));
        st.setString(6, query.requestId().orElse(null));
        st.setInt(7, query.limit());
        List<InvocationRecord> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            double init = rs.getDouble(9);
            Optional<Double> initDuration = rs.wasNull() ? Optional.empty() : Optional.of(init);
            out.add(new InvocationRecord(rs.getString(1), function, rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), rs.getDouble(5), rs.getLong(6), rs.getInt(7), rs.getInt(8),
                initDuration, rs.getString(10), Optional.ofNullable(rs.getString(11))));
          }
        }
        return out;
      }
    });
  }

  public CompletionStage<List<LogLine>> logsBetween(FunctionId function, Instant from, Instant to, int limit) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT request_id, ts_ms, message FROM log_lines"
          + " WHERE account = ? AND name = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, seq LIMIT ?")) {
        st.setString(1, function.account());
        st.setString(2, function.name());
        st.setLong(3, from.toEpochMilli());
        st.setLong(4, to.toEpochMilli());
        st.setInt(5, limit);
        List<LogLine> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(new LogLine(function, rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)));
          }
        }
        return out;
      }
    });
  }

  public CompletionStage<List<LogLine>> logsOf(FunctionId function, String requestId) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT ts_ms, message FROM log_lines"
          + " WHERE account = ? AND name = ? AND request_id = ? ORDER BY seq")) {
        st.setString(1, function.account());
        st.setString(2, function.name());
        st.setString(3, requestId);
        List<LogLine> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(new LogLine(function, requestId, Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2)));
          }
        }
        return out;
      }
    });
  }

  public CompletionStage<List<DailyUsage>> usage(String account, LocalDate from, LocalDate to) {
    long dayMs = 86_400_000L;
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT start_ms / " + dayMs + " AS day, name, COUNT(*),"
          + " SUM(memory_size_mb * billed_duration_ms) FROM invocations"
          + " WHERE account = ? AND start_ms >= ? AND start_ms < ? GROUP BY day, name ORDER BY day, name")) {
        st.setString(1, account);
        st.setLong(2, from.toEpochDay() * dayMs);
        st.setLong(3, (to.toEpochDay() + 1) * dayMs);
        List<DailyUsage> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(new DailyUsage(new FunctionId(account, rs.getString(2)), LocalDate.ofEpochDay(rs.getLong(1)),
                rs.getLong(3), rs.getLong(4)));
          }
        }
        return out;
      }
    });
  }
}
