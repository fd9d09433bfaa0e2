package io.petrel.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** How replies read on a terminal: pure functions from the gateway's JSON to lines of text. */
public final class Formats {
  private Formats() {}

  /** Decimal units, one decimal from a kilobyte on: 312 B, 1.5 kB, 3.4 MB. */
  public static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = n;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  public static String progress(String label, long sent, long total) {
    long percent = total <= 0 ? 100 : Math.min(100, sent * 100 / total);
    return label + ": " + bytes(sent) + " / " + bytes(total) + " (" + percent + "%)";
  }

  /** US dollars: cents from one cent on, smaller amounts to ten decimals so that they do not read as zero. */
  public static String usd(BigDecimal amount) {
    if (amount.abs().compareTo(new BigDecimal("0.01")) >= 0 || amount.signum() == 0) {
      return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
    BigDecimal small = amount.setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
    return small.signum() == 0 ? "0.00" : small.toPlainString();
  }

  /** A decimal without noise: 12.5, 0.000125, 3; at most six decimals. */
  public static String decimal(double value) {
    BigDecimal d = BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  /** {@code Timestamp RequestId Message}, a dash for a line outside any request, without the trailing newline. */
  public static String logLine(JsonNode event) {
    String message = text(event, "Message", "").replaceAll("\\r?\\n$", "");
    return text(event, "Timestamp", "-") + " " + text(event, "RequestId", "-") + " " + message;
  }

  public static String functions(List<JsonNode> functions) {
    Table table = Table.of("NAME", "RUNTIME", "MEMORY>", "LAST MODIFIED");
    for (JsonNode f : functions) {
      table.row(text(f, "FunctionName", "?"), text(f, "Runtime", "-"),
          f.hasNonNull("MemorySize") ? f.get("MemorySize").asInt() + " MB" : "-", text(f, "LastModified", "-"));
    }
    return table.render();
  }

  public static String invocations(JsonNode reply) {
    Table table = Table.of("START", "REQUEST ID", "VERSION", "OUTCOME", "DURATION>", "BILLED>", "MEMORY>", "INIT>",
        "ERROR");
    for (JsonNode i : reply.path("Invocations")) {
      String version = text(i, "ExecutedVersion", "-");
      String qualifier = text(i, "Qualifier", "");
      if (!qualifier.isEmpty() && !qualifier.equals(version)) {
        version += " (" + qualifier + ")";
      }
      String memory = (i.hasNonNull("MaxMemoryUsedMB") ? i.get("MaxMemoryUsedMB").asText() : "-") + "/"
          + (i.hasNonNull("MemorySizeMB") ? i.get("MemorySizeMB").asText() : "-") + " MB";
      table.row(text(i, "StartTime", "-"), text(i, "RequestId", "-"), version, text(i, "Outcome", "-"),
          millis(i.get("DurationMs")), millis(i.get("BilledDurationMs")), memory, millis(i.get("InitDurationMs")),
          text(i, "ErrorType", ""));
    }
    return table.render();
  }

  /** A table of the month's usage per function, then the account's totals, free tier and cost. */
  public static String usage(JsonNode reply) {
    StringBuilder text = new StringBuilder("Usage of account " + text(reply, "Account", "?") + " from "
        + text(reply, "From", "?") + " to " + text(reply, "To", "?") + " (UTC)\n\n");
    Table functions = Table.of("FUNCTION", "REQUESTS>", "GB-SECONDS>", "COST (USD)>");
    for (JsonNode f : reply.path("Functions")) {
      functions.row(text(f, "FunctionName", "?"), f.path("Requests").asText("0"),
          decimal(f.path("GbSeconds").asDouble()), usd(f.path("Cost").decimalValue()));
    }
    text.append(functions.isEmpty() ? "No invocations in this period.\n" : functions.render()).append('\n');
    JsonNode total = reply.path("Total");
    text.append(Table.of("", "REQUESTS>", "GB-SECONDS>")
        .row("Total", total.path("Requests").asText("0"), decimal(total.path("GbSeconds").asDouble()))
        .row("Free tier", total.path("FreeTierRequests").asText("0"),
            decimal(total.path("FreeTierGbSeconds").asDouble()))
        .row("Billable", total.path("BillableRequests").asText("0"),
            decimal(total.path("BillableGbSeconds").asDouble()))
        .render());
    text.append("Cost (USD): requests ").append(usd(total.path("RequestCost").decimalValue()))
        .append(" + compute ").append(usd(total.path("ComputeCost").decimalValue()))
        .append(" = ").append(usd(total.path("Cost").decimalValue())).append('\n');
    if (!functions.isEmpty()) {
      text.append("(per-function cost at list price; the free tier comes off the total)\n");
    }
    return text.toString();
  }

  /** The line after a deploy, e.g. {@code created hello: version 1, alias live, code 1.2 kB, sha256 q1w2=}. */
  public static String deployed(boolean created, JsonNode configuration, String alias) {
    return (created ? "created " : "updated ") + text(configuration, "FunctionName", "?")
        + ": version " + text(configuration, "Version", "$LATEST")
        + (alias == null ? "" : ", alias " + alias)
        + ", code " + bytes(configuration.path("CodeSize").asLong())
        + ", sha256 " + text(configuration, "CodeSha256", "?");
  }

  private static String millis(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "-";
    }
    return decimal(Math.round(value.asDouble() * 100) / 100.0) + " ms";
  }

  private static String text(JsonNode node, String field, String absent) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? absent : value.asText();
  }
}
