package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import io.petrel.persistence.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** Small helpers over the Cassandra driver's asynchronous API. */
public final class Cql {
  private Cql() {}

  /** Every row of a query, following the driver's pages. */
  public static CompletionStage<List<Row>> all(CqlSession session, Statement<?> statement) {
    List<Row> rows = new ArrayList<>();
    return session.executeAsync(statement).thenCompose(first -> collect(first, rows));
  }

  private static CompletionStage<List<Row>> collect(AsyncResultSet page, List<Row> rows) {
    for (Row row : page.currentPage()) {
      rows.add(row);
    }
    return page.hasMorePages()
        ? page.fetchNextPage().thenCompose(next -> collect(next, rows))
        : CompletableFuture.completedFuture(rows);
  }

  /**
   * Hands rows of a query to {@code each}, page by page, until it answers false or the rows end; pages after
   * that are not fetched.
   */
  public static CompletionStage<Void> scan(CqlSession session, Statement<?> statement,
      java.util.function.Predicate<Row> each) {
    return session.executeAsync(statement).thenCompose(first -> scanPage(first, each));
  }

  private static CompletionStage<Void> scanPage(AsyncResultSet page, java.util.function.Predicate<Row> each) {
    for (Row row : page.currentPage()) {
      if (!each.test(row)) {
        return CompletableFuture.completedFuture(null);
      }
    }
    return page.hasMorePages()
        ? page.fetchNextPage().thenCompose(next -> scanPage(next, each))
        : CompletableFuture.completedFuture(null);
  }

  /** The first row of a query, or null. */
  public static CompletionStage<Row> one(CqlSession session, Statement<?> statement) {
    return session.executeAsync(statement).thenApply(AsyncResultSet::one);
  }

  /** The failure behind completion and execution wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** True when the failure means Cassandra could not be reached or did not answer in time. */
  public static boolean isUnavailable(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof AllNodesFailedException
        || cause instanceof DriverTimeoutException
        || cause instanceof UnavailableException
        || cause instanceof QueryConsistencyException
        || cause instanceof OverloadedException
        || cause instanceof BusyConnectionException
        || cause instanceof ClosedConnectionException
        || cause instanceof IllegalStateException && String.valueOf(cause.getMessage()).contains("closed");
  }

  /**
   * The store's view of a failure: {@link StoreException.Unavailable} when Cassandra could not be reached,
   * the failure itself otherwise.
   */
  public static Throwable translate(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof StoreException) {
      return cause;
    }
    if (isUnavailable(cause)) {
      return new StoreException.Unavailable("The function store (Cassandra) is unavailable: " + brief(cause));
    }
    return cause;
  }

  /** One line about a driver failure, without the per-node detail the driver appends. */
  public static String brief(Throwable error) {
    Throwable cause = unwrap(error);
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    int newline = message.indexOf('\n');
    if (newline > 0) {
      message = message.substring(0, newline);
    }
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }

  /** Completes with {@link #translate translated} failures. */
  public static <T> CompletionStage<T> translated(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      if (error != null) {
        out.completeExceptionally(translate(error));
      } else {
        out.complete(value);
      }
    });
    return out;
  }
}
