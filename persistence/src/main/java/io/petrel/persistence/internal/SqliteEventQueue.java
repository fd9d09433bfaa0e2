package io.petrel.persistence.internal;

import io.petrel.persistence.QueuedEvents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The SQLite queue of asynchronous invocations ({@code queued_events}). Enqueues share commits: each one hands
 * its event over and schedules a write on the database thread; the first write to run takes every event waiting
 * (up to {@link #BATCH}) into one transaction and completes their stages once it has committed, and the writes
 * scheduled by the events it took find nothing left to do. A lone enqueue is committed at once; under load, many
 * ride on one commit.
 *
 * <p>Example: threads A, B and C enqueue at once, and their writes wA, wB and wC queue up on the database thread
 * behind a read. wA runs, inserts A, B and C (numbers 7, 8 and 9) and commits; A, B and C complete. wB and wC
 * find no event waiting and commit nothing.
 *
 * <p>Every event is handed over before its write is scheduled and every write takes at least one waiting event,
 * so no event is left waiting. One thread gives the numbers, in commit order: an event committed later always
 * has a larger number than every event committed before it, so a reader that remembers the largest number it
 * has seen misses nothing. Enqueue times are kept to the millisecond.
 */
public final class SqliteEventQueue implements QueuedEvents {
  private static final int BATCH = 500;

  private record Waiting(byte[] body, Instant enqueued, CompletableFuture<Long> seq) {}

  private final SqliteDatabase db;
  private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();

  public SqliteEventQueue(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public CompletionStage<Long> enqueue(byte[] body, Instant enqueued) {
    Waiting event = new Waiting(body, enqueued, new CompletableFuture<>());
    waiting.add(event);
    List<Waiting> taken = new ArrayList<>();
    db.transaction(c -> insert(c, taken)).whenComplete((numbers, error) -> {
      if (error == null) {
        for (int i = 0; i < taken.size(); i++) {
          taken.get(i).seq().complete(numbers.get(i));
        }
        return;
      }
      taken.forEach(t -> t.seq().completeExceptionally(error));
      // Refused before it ran (the store is closed) or failed before taking it: no write may be left to take it.
      if (waiting.remove(event)) {
        event.seq().completeExceptionally(error);
      }
    });
    return event.seq();
  }

  /** Moves up to {@link #BATCH} waiting events into {@code taken}, inserts them and returns their numbers. */
  private List<Long> insert(Connection c, List<Waiting> taken) throws SQLException {
    for (Waiting next; taken.size() < BATCH && (next = waiting.poll()) != null; ) {
      taken.add(next);
    }
    List<Long> numbers = new ArrayList<>(taken.size());
    if (taken.isEmpty()) {
      return numbers;
    }
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO queued_events (body, enqueued_ms) VALUES (?, ?) RETURNING seq")) {
      for (Waiting event : taken) {
        st.setBytes(1, event.body());
        st.setLong(2, event.enqueued().toEpochMilli());
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          numbers.add(rs.getLong(1));
        }
      }
    }
    return numbers;
  }

  @Override
  public CompletionStage<List<QueuedEvent>> queuedAfter(long afterSeq, int limit) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT seq, body, enqueued_ms FROM queued_events WHERE seq > ? ORDER BY seq LIMIT ?")) {
        st.setLong(1, afterSeq);
        st.setInt(2, limit);
        List<QueuedEvent> events = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            events.add(new QueuedEvent(rs.getLong(1), rs.getBytes(2), Instant.ofEpochMilli(rs.getLong(3))));
          }
        }
        return events;
      }
    });
  }

  @Override
  public CompletionStage<Void> remove(long seq) {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM queued_events WHERE seq = ?")) {
        st.setLong(1, seq);
        st.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Long> queuedCount() {
    return db.read(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM queued_events");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
