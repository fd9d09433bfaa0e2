package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationQuery;
import io.petrel.persistence.LogLine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Petrel's own queries over a function's invocation records and log lines, independent of HTTP; the contract
 * of {@code petrel invocations} and {@code petrel logs}:
 * <ul>
 *   <li>{@code GET /petrel/v1/functions/{name}/invocations?from&to&outcome&requestId&limit}:
 *       {@code {"Invocations":[...]}}, oldest first, limit 100 by default, at most 10000;</li>
 *   <li>{@code GET /petrel/v1/functions/{name}/logs?from&to&requestId&filter&limit}: {@code {"Events":[...]}}
 *       in time order, limit 1000 by default, at most 10000;</li>
 *   <li>{@code GET /petrel/v1/functions/{name}/logs/tail?filter&since}: server-sent events, one per new line.</li>
 * </ul>
 * Ranges are {@code [from, to)}, by default the last hour up to now + 1 s (see {@link QueryParams}). Only the
 * gateway's account is visible, and a function that does not exist is a ResourceNotFoundException.
 */
public final class QueryApi {
  static final int DEFAULT_INVOCATIONS = 100;
  static final int DEFAULT_LOG_EVENTS = 1000;
  static final int MAX_LIMIT = 10_000;
  /** Lines read per store call while searching with a filter, and the most one search reads. */
  static final int SEARCH_PAGE = 1000;
  static final int MAX_SCANNED_LINES = 100_000;
  /** Set on a logs reply whose filtered search stopped at {@link #MAX_SCANNED_LINES} before the range ended. */
  static final String TRUNCATED_HEADER = "X-Petrel-Search-Truncated";

  private final ApiContext ctx;
  private final LogTail.Settings tail;

  public QueryApi(ApiContext ctx) {
    this(ctx, LogTail.Settings.DEFAULT);
  }

  QueryApi(ApiContext ctx, LogTail.Settings tail) {
    this.ctx = ctx;
    this.tail = tail;
  }

  public CompletionStage<ApiReply> invocations(String functionName, Map<String, String> params) {
    String name = ctx.names.parseUnqualified(functionName);
    QueryParams.TimeRange range = QueryParams.range(params, ctx.now());
    int limit = QueryParams.limit(params, DEFAULT_INVOCATIONS, MAX_LIMIT);
    InvocationQuery query = new InvocationQuery(range.from(), range.to(), QueryParams.string(params, "outcome"),
        QueryParams.string(params, "requestId"), limit);
    return existing(name).thenCompose(id -> ctx.store.findInvocations(id, query)).thenApply(records -> {
      ObjectNode n = Json.object();
      ArrayNode items = n.putArray("Invocations");
      records.forEach(r -> items.add(QueryRepresentations.invocation(r)));
      return ApiReply.json(200, n);
    });
  }

  /**
   * Log events of a range, or of one invocation when {@code requestId} is given (then {@code from} and
   * {@code to} only narrow it when given explicitly).
   */
  public CompletionStage<ApiReply> logs(String functionName, Map<String, String> params) {
    String name = ctx.names.parseUnqualified(functionName);
    int limit = QueryParams.limit(params, DEFAULT_LOG_EVENTS, MAX_LIMIT);
    LogFilter filter = LogFilter.parse(QueryParams.string(params, "filter"));
    Optional<String> requestId = QueryParams.string(params, "requestId");
    if (requestId.isPresent()) {
      Optional<Instant> from = QueryParams.instant(params, "from");
      Optional<Instant> to = QueryParams.instant(params, "to");
      return existing(name).thenCompose(id -> ctx.store.logsOf(id, requestId.get())).thenApply(lines ->
          events(lines.stream()
              .filter(l -> from.map(f -> !l.timestamp().isBefore(f)).orElse(true))
              .filter(l -> to.map(t -> l.timestamp().isBefore(t)).orElse(true))
              .filter(l -> filter.matches(l.message()))
              .limit(limit)
              .toList(), false));
    }
    QueryParams.TimeRange range = QueryParams.range(params, ctx.now());
    return existing(name).thenCompose(id -> new LogSearch(reader(id), SEARCH_PAGE, MAX_SCANNED_LINES)
            .find(range.from(), range.to(), filter, limit))
        .thenApply(result -> events(result.lines(), result.truncated()));
  }

  /** The live tail's event stream, once the function is known to exist. */
  public CompletionStage<Source<ByteString, NotUsed>> tail(String functionName, Map<String, String> params) {
    String name = ctx.names.parseUnqualified(functionName);
    LogFilter filter = LogFilter.parse(QueryParams.string(params, "filter"));
    Instant since = QueryParams.instant(params, "since").orElseGet(ctx::now);
    return existing(name).thenApply(id -> LogTail.events(reader(id), since, filter, ctx::now, tail));
  }

  private CompletionStage<FunctionId> existing(String name) {
    FunctionId id = ctx.id(name);
    return ctx.store.getFunction(id).thenApply(f -> {
      f.orElseThrow(() -> ctx.functionNotFound(name, Optional.empty()));
      return id;
    });
  }

  private LogCursor.Reader reader(FunctionId id) {
    return (from, to, limit) -> ctx.store.logsBetween(id, from, to, limit);
  }

  private static ApiReply events(List<LogLine> lines, boolean truncated) {
    ObjectNode n = Json.object();
    ArrayNode items = n.putArray("Events");
    lines.forEach(l -> items.add(QueryRepresentations.logEvent(l)));
    ApiReply reply = ApiReply.json(200, n);
    return truncated ? reply.withHeader(TRUNCATED_HEADER, "true") : reply;
  }
}
