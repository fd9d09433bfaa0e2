package io.petrel.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's meters in Prometheus' text exposition format (version 0.0.4), as
 * {@code scrape} renders them. Anything else is left to the routes after it.
 */
public final class MetricsRoute extends AllDirectives {
  /** Prometheus' text format, spelled as Prometheus itself does ({@code charset=utf-8}). */
  public static final ContentType TEXT_FORMAT = ContentTypes.create(
      MediaTypes.customWithOpenCharset("text", "plain", Map.of("version", "0.0.4"), false),
      HttpCharsets.custom("utf-8"));

  private final Supplier<String> scrape;

  public MetricsRoute(Supplier<String> scrape) {
    this.scrape = scrape;
  }

  /**
   * The meters one account may see: samples of other accounts' functions (those with another {@code account}
   * label) are left out; the node's own meters, which carry no account, stay.
   */
  public static Supplier<String> ofAccount(Supplier<String> scrape, String account) {
    String own = "account=\"" + account + "\"";
    return () -> {
      StringBuilder out = new StringBuilder();
      for (String line : scrape.get().split("\n")) {
        if (line.startsWith("#") || !line.contains("account=\"") || line.contains(own)) {
          out.append(line).append('\n');
        }
      }
      return out.toString();
    };
  }

  public Route route() {
    return path("metrics", () -> get(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(TEXT_FORMAT, scrape.get().getBytes(StandardCharsets.UTF_8))))));
  }
}
