package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.petrel.persistence.FunctionId;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra {@code function_urls} table: which function qualifier a URL id leads to. A row here is only a
 * pointer. The URL itself is the {@code u:<qualifier>} row of the function's partition, and a pointer counts only
 * while that row names the same URL id (CassandraStore checks this on every lookup). So a pointer may be written
 * before its URL is created and may outlive a deleted URL without ever leading a request to the wrong function,
 * as URL ids are random and never given to a second URL.
 */
public final class CassandraUrlIds {
  private static final Logger log = LoggerFactory.getLogger(CassandraUrlIds.class);

  /** Where a URL id leads. */
  public record Target(FunctionId function, String qualifier) {}

  private final CqlSession session;
  private final PreparedStatement write;
  private final PreparedStatement read;
  private final PreparedStatement delete;

  public CassandraUrlIds(CqlSession session, String keyspace) {
    this.session = session;
    String table = keyspace + ".function_urls";
    write = session.prepare("INSERT INTO " + table + " (url_id, account, name, qualifier) VALUES (?, ?, ?, ?)");
    read = session.prepare("SELECT account, name, qualifier FROM " + table + " WHERE url_id = ?");
    delete = session.prepare("DELETE FROM " + table + " WHERE url_id = ?");
  }

  public CompletionStage<Void> put(String urlId, FunctionId function, String qualifier) {
    return session.executeAsync(write.bind(urlId, function.account(), function.name(), qualifier))
        .thenApply(rs -> null);
  }

  public CompletionStage<Optional<Target>> lookup(String urlId) {
    return Cql.one(session, read.bind(urlId)).thenApply(row -> row == null
        ? Optional.empty()
        : Optional.of(new Target(new FunctionId(row.getString("account"), row.getString("name")),
            row.getString("qualifier"))));
  }

  /**
   * Removes the pointers of URLs that no longer exist. Completes normally even when Cassandra refuses: a pointer
   * left behind leads nowhere and only takes space, so it is said once in the log and not failed upon.
   */
  public CompletionStage<Void> removeAll(Collection<String> urlIds) {
    CompletableFuture<?>[] removals = urlIds.stream()
        .map(id -> session.executeAsync(delete.bind(id)).toCompletableFuture()
            .handle((rs, error) -> {
              if (error != null) {
                log.warn("the pointer of deleted function URL {} was not removed ({}); it leads nowhere",
                    id, Cql.brief(error));
              }
              return null;
            }))
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(removals);
  }
}
