package io.petrel.persistence.internal;

import io.petrel.persistence.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One SQLite database file and the single thread that owns its connection. All JDBC work runs on that thread,
 * never on the caller's, which also serializes writers: a transaction's reads and writes cannot interleave
 * with another's. The file is in WAL mode, so a crash loses no committed transaction.
 */
public final class SqliteDatabase implements AutoCloseable {

  /** A unit of JDBC work on the owned connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Connection connection;
  private final ExecutorService executor;

  private SqliteDatabase(Connection connection, ExecutorService executor) {
    this.connection = connection;
    this.executor = executor;
  }

  public static SqliteDatabase open(Path file) {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "petrel-sqlite");
      t.setDaemon(true);
      return t;
    });
    try {
      Connection connection = executor.submit(() -> connect(file)).get();
      return new SqliteDatabase(connection, executor);
    } catch (Exception e) {
      executor.shutdownNow();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot open the SQLite store at " + file + ": " + cause.getMessage(), cause);
    }
  }

  private static Connection connect(Path file) throws Exception {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("PRAGMA busy_timeout=10000");
    }
    SqliteSchema.migrate(c);
    return c;
  }

  /** Runs work outside a transaction (single statements, reads). */
  public <T> CompletionStage<T> read(Work<T> work) {
    return run(work, false);
  }

  /** Runs work in one transaction: all of it commits, or none of it does. */
  public <T> CompletionStage<T> transaction(Work<T> work) {
    return run(work, true);
  }

  private <T> CompletionStage<T> run(Work<T> work, boolean inTransaction) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          result.complete(inTransaction ? runInTransaction(work) : work.run(connection));
        } catch (StoreException e) {
          result.completeExceptionally(e);
        } catch (RuntimeException e) {
          // thrown by the caller's own code inside the work (a refused change): theirs to interpret
          result.completeExceptionally(e);
        } catch (Exception e) {
          result.completeExceptionally(new IllegalStateException("SQLite store failure: " + e.getMessage(), e));
        }
      });
    } catch (Exception rejected) {
      result.completeExceptionally(new IllegalStateException("the SQLite store is closed", rejected));
    }
    return result;
  }

  private <T> T runInTransaction(Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T value = work.run(connection);
      connection.commit();
      return value;
    } catch (RuntimeException | SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  @Override
  public void close() {
    executor.execute(() -> {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing: nothing left to do with a connection that fails to close
      }
    });
    executor.shutdown();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
