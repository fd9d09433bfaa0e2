package io.petrel.persistence.internal;

import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQLite {@code function_urls} table: one row per function qualifier, keyed by (account, name, qualifier),
 * with a unique index on the URL id. Only statements: the checks around them, and the transaction, are the
 * caller's (SqliteStore), and every method runs on the database thread.
 */
public final class SqliteFunctionUrls {
  private static final String COLUMNS =
      "account, name, qualifier, url_id, auth_type, cors, invoke_mode, created_ms, modified_ms";

  private SqliteFunctionUrls() {}

  public static void insert(Connection c, FunctionUrlConfig url) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO function_urls (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, url.function().account());
      st.setString(2, url.function().name());
      st.setString(3, url.qualifier());
      st.setString(4, url.urlId());
      st.setString(5, url.authType());
      st.setString(6, url.corsJson());
      st.setString(7, url.invokeMode());
      st.setLong(8, url.created().toEpochMilli());
      st.setLong(9, url.modified().toEpochMilli());
      st.executeUpdate();
    }
  }

  /** Replaces what an update may change (auth type, Cors, invoke mode, modified time) of {@code url}'s row. */
  public static void update(Connection c, FunctionUrlConfig url) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE function_urls SET auth_type = ?, cors = ?,"
        + " invoke_mode = ?, modified_ms = ? WHERE account = ? AND name = ? AND qualifier = ?")) {
      st.setString(1, url.authType());
      st.setString(2, url.corsJson());
      st.setString(3, url.invokeMode());
      st.setLong(4, url.modified().toEpochMilli());
      st.setString(5, url.function().account());
      st.setString(6, url.function().name());
      st.setString(7, url.qualifier());
      st.executeUpdate();
    }
  }

  public static Optional<FunctionUrlConfig> get(Connection c, FunctionId id, String qualifier) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM function_urls"
        + " WHERE account = ? AND name = ? AND qualifier = ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setString(3, qualifier);
      return first(st);
    }
  }

  public static Optional<FunctionUrlConfig> find(Connection c, String urlId) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM function_urls WHERE url_id = ?")) {
      st.setString(1, urlId);
      return first(st);
    }
  }

  /** The function's URLs with a qualifier after {@code after}, in qualifier order, {@code limit} at most. */
  public static List<FunctionUrlConfig> list(Connection c, FunctionId id, String after, int limit)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM function_urls"
        + " WHERE account = ? AND name = ? AND qualifier > ? ORDER BY qualifier LIMIT ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setString(3, after);
      st.setInt(4, limit);
      List<FunctionUrlConfig> urls = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          urls.add(read(rs));
        }
      }
      return urls;
    }
  }

  /** Deletes the URL of one qualifier; answers whether there was one. */
  public static boolean delete(Connection c, FunctionId id, String qualifier) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "DELETE FROM function_urls WHERE account = ? AND name = ? AND qualifier = ?")) {
      st.setString(1, id.account());
      st.setString(2, id.name());
      st.setString(3, qualifier);
      return st.executeUpdate() > 0;
    }
  }

  private static Optional<FunctionUrlConfig> first(PreparedStatement st) throws SQLException {
    try (ResultSet rs = st.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  private static FunctionUrlConfig read(ResultSet rs) throws SQLException {
    return new FunctionUrlConfig(new FunctionId(rs.getString(1), rs.getString(2)), rs.getString(3),
        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)),
        Instant.ofEpochMilli(rs.getLong(9)));
  }
}
