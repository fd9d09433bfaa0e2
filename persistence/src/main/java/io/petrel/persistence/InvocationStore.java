package io.petrel.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Invocation records and log lines. Writes are buffered and written in batches; {@link #flush()} completes
 * once everything handed over before it is durable.
 */
public interface InvocationStore {

  /** Hands a record over for writing; never blocks the caller. */
  void record(InvocationRecord record);

  /** Hands log lines over for writing, in order; never blocks the caller. */
  void appendLogs(List<LogLine> lines);

  CompletionStage<Void> flush();

  /** A function's invocations started at or after {@code from}, oldest first. */
  default CompletionStage<List<InvocationRecord>> listInvocations(FunctionId function, Instant from, int limit) {
    return findInvocations(function, InvocationQuery.between(from, Instant.ofEpochMilli(Long.MAX_VALUE), limit));
  }

  /**
   * A function's invocations that started in {@code [from, to)}, oldest first (ties by request id), at most
   * {@code limit}, only those with the given outcome and request id when these are given.
   */
  CompletionStage<List<InvocationRecord>> findInvocations(FunctionId function, InvocationQuery query);

  /**
   * A function's log lines with timestamps in {@code [from, to)}, in time order and, within one millisecond,
   * in written order; at most {@code limit}.
   */
  CompletionStage<List<LogLine>> logsBetween(FunctionId function, Instant from, Instant to, int limit);

  /** The log lines of one invocation in the order they were written. */
  CompletionStage<List<LogLine>> logsOf(FunctionId function, String requestId);

  /**
   * Usage of an account's functions per function and UTC day (by invocation start), for the days {@code from}
   * to {@code to} inclusive, ordered by day then function name. Days without invocations are left out.
   */
  CompletionStage<List<DailyUsage>> usage(String account, LocalDate from, LocalDate to);

  /** Records and log lines handed over and not written yet (they pile up while the store is unreachable). */
  int bufferedItems();

  /** Records and log lines refused because the buffer was full, since the store was opened. */
  long refusedItems();
}
