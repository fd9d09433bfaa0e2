package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import io.petrel.persistence.Alias;
import io.petrel.persistence.EnvironmentKey;
import io.petrel.persistence.EventInvokeConfig;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.FunctionDefinition;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.FunctionUrlConfig;
import io.petrel.persistence.VersionedConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One function's partition of the Cassandra {@code functions} table as read: the function (static columns),
 * its published versions, its aliases, its function URLs and its asynchronous invocation settings, and {@code
 * seq}, the number every change of the partition advances and is conditioned on.
 *
 * <p>Rows are told apart by their {@code item} key: {@code v:<19-digit number>} for a version (so that
 * versions sort by number), {@code a:<name>} for an alias, {@code u:<qualifier>} for a function URL and
 * {@code e:<qualifier>} for an event invoke config.
 */
public record FunctionPartition(
    FunctionId id,
    Long seq,
    UUID lastOp,
    Optional<FunctionDefinition> function,
    long nextVersion,
    TreeMap<Long, PublishedVersion> versions,
    TreeMap<String, Alias> aliases,
    TreeMap<String, FunctionUrlConfig> urls,
    TreeMap<String, EventInvokeConfig> eventConfigs) {

  /** The columns of a function URL row, as {@link #url} reads them. */
  public static final String URL_COLUMNS =
      "url_id, url_auth_type, url_cors, url_invoke_mode, url_created_ms, url_modified_ms";

  /** The columns of an event invoke config row, as {@link #eventConfig} reads them. */
  public static final String EVENT_CONFIG_COLUMNS =
      "eic_retries, eic_max_age, eic_on_success, eic_on_failure, eic_modified_ms";

  /** The columns {@link #of} reads, in this order. */
  public static final String COLUMNS = "item, present, seq, op, latest, tags, reserved, next_version, created_ms,"
      + " config, latest_description, alias_version, alias_description, routing_version, routing_weight,"
      + " alias_revision, " + URL_COLUMNS + ", " + EVENT_CONFIG_COLUMNS;

  /** A published version with the description $LATEST had when it was published. */
  public record PublishedVersion(VersionedConfig version, String latestDescription) {
    /** The $LATEST this version was published from. */
    public FunctionConfig publishedFrom() {
      return latestDescription == null ? version.config() : version.config().withDescription(latestDescription);
    }
  }

  public static String versionItem(long number) {
    return String.format("v:%019d", number);
  }

  public static String aliasItem(String name) {
    return "a:" + name;
  }

  public static String urlItem(String qualifier) {
    return "u:" + qualifier;
  }

  public static String eventConfigItem(String qualifier) {
    return "e:" + qualifier;
  }

  /**
   * The partition from the rows of {@code SELECT COLUMNS FROM functions WHERE account = ? AND name = ?}, with
   * environment variables decrypted with {@code key}.
   */
  public static FunctionPartition of(FunctionId id, List<Row> rows, EnvironmentKey key) {
    TreeMap<Long, PublishedVersion> versions = new TreeMap<>();
    TreeMap<String, Alias> aliases = new TreeMap<>();
    TreeMap<String, FunctionUrlConfig> urls = new TreeMap<>();
    TreeMap<String, EventInvokeConfig> eventConfigs = new TreeMap<>();
    if (rows.isEmpty()) {
      return new FunctionPartition(id, null, null, Optional.empty(), 1, versions, aliases, urls, eventConfigs);
    }
    Row first = rows.get(0);
    Long seq = first.isNull("seq") ? null : first.getLong("seq");
    boolean present = !first.isNull("present") && first.getBoolean("present");
    Optional<FunctionDefinition> function = present ? Optional.of(definition(id, first, key)) : Optional.empty();
    long nextVersion = first.isNull("next_version") ? 1 : first.getLong("next_version");
    for (Row row : rows) {
      String item = row.getString("item");
      if (item == null || !present) {
        continue;
      }
      if (item.startsWith("v:")) {
        long number = Long.parseLong(item.substring(2));
        versions.put(number, new PublishedVersion(
            new VersionedConfig(id, Long.toString(number),
                ConfigJson.readConfig(row.getString("config"), key, id, Long.toString(number))),
            row.getString("latest_description")));
      } else if (item.startsWith("a:")) {
        Alias alias = alias(id, item.substring(2), row);
        aliases.put(alias.name(), alias);
      } else if (item.startsWith("u:")) {
        FunctionUrlConfig url = url(id, item.substring(2), row);
        urls.put(url.qualifier(), url);
      } else if (item.startsWith("e:")) {
        EventInvokeConfig config = eventConfig(id, item.substring(2), row);
        eventConfigs.put(config.qualifier(), config);
      }
    }
    return new FunctionPartition(id, seq, first.getUuid("op"), function, nextVersion, versions, aliases, urls,
        eventConfigs);
  }

  /** The function from a row carrying the static columns {@code present, latest, tags, reserved, created_ms}. */
  public static FunctionDefinition definition(FunctionId id, Row row, EnvironmentKey key) {
    OptionalInt reserved = row.isNull("reserved") ? OptionalInt.empty() : OptionalInt.of(row.getInt("reserved"));
    return new FunctionDefinition(id, ConfigJson.readConfig(row.getString("latest"), key, id, VersionedConfig.LATEST),
        ConfigJson.readMap(row.getString("tags")), reserved, Instant.ofEpochMilli(row.getLong("created_ms")));
  }

  /** An alias from a row carrying the alias columns. */
  public static Alias alias(FunctionId id, String name, Row row) {
    String routingVersion = row.getString("routing_version");
    Optional<Alias.Routing> routing = routingVersion == null
        ? Optional.empty()
        : Optional.of(new Alias.Routing(routingVersion, row.getDouble("routing_weight")));
    return new Alias(id, name, row.getString("alias_version"), row.getString("alias_description"), routing,
        row.getString("alias_revision"));
  }

  /** A function URL from a row carrying the {@link #URL_COLUMNS}. */
  public static FunctionUrlConfig url(FunctionId id, String qualifier, Row row) {
    return new FunctionUrlConfig(id, qualifier, row.getString("url_id"), row.getString("url_auth_type"),
        row.getString("url_cors"), row.getString("url_invoke_mode"),
        Instant.ofEpochMilli(row.getLong("url_created_ms")), Instant.ofEpochMilli(row.getLong("url_modified_ms")));
  }

  /** An event invoke config from a row carrying the {@link #EVENT_CONFIG_COLUMNS}. */
  public static EventInvokeConfig eventConfig(FunctionId id, String qualifier, Row row) {
    return new EventInvokeConfig(id, qualifier, row.getInt("eic_retries"), row.getInt("eic_max_age"),
        row.getString("eic_on_success"), row.getString("eic_on_failure"),
        Instant.ofEpochMilli(row.getLong("eic_modified_ms")));
  }
}
