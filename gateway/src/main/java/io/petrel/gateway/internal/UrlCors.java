package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Cors settings of a function URL, validated as Lambda validates them, and the CORS headers they answer with.
 *
 * <p>Lists are empty and {@code maxAge} null when not set; an empty config allows no origin, so it adds no header.
 * An allowed origin is echoed back with {@code Vary: Origin}, except that {@code AllowOrigins ["*"]} without
 * credentials answers {@code *}. With credentials allowed, browsers take a {@code *} literally, so a wildcard in
 * AllowMethods or AllowHeaders is then answered with what the preflight asked for. For example AllowOrigins
 * ["https://a.example"], AllowMethods ["GET","POST"], MaxAge 60 answers a preflight from https://a.example for POST
 * with Access-Control-Allow-Origin https://a.example, Access-Control-Allow-Methods GET,POST,
 * Access-Control-Max-Age 60 and Vary Origin; the same preflight for DELETE, or from another origin, gets none.
 */
public record UrlCors(boolean allowCredentials, List<String> allowHeaders, List<String> allowMethods,
    List<String> allowOrigins, List<String> exposeHeaders, Integer maxAge) {

  private static final Set<String> FIELDS =
      Set.of("AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge");
  private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*");
  private static final Pattern ORIGIN = Pattern.compile(
      "[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final int MAX_AGE = 86400;

  public static final UrlCors NONE = new UrlCors(false, List.of(), List.of(), List.of(), List.of(), null);

  public UrlCors {
    allowHeaders = List.copyOf(allowHeaders);
    allowMethods = List.copyOf(allowMethods);
    allowOrigins = List.copyOf(allowOrigins);
    exposeHeaders = List.copyOf(exposeHeaders);
  }

  /** Reads the Cors object of a request or of the store; null, JSON null or missing is no CORS config. */
  public static UrlCors parse(JsonNode corsOrNull) {
    if (corsOrNull == null || corsOrNull.isNull() || corsOrNull.isMissingNode()) {
      return NONE;
    }
    if (!corsOrNull.isObject()) {
      throw LambdaError.invalidParameter("Cors must be an object");
    }
    corsOrNull.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw LambdaError.invalidParameter("Unknown field 'Cors." + f + "': Cors has AllowCredentials,"
            + " AllowHeaders, AllowMethods, AllowOrigins, ExposeHeaders and MaxAge");
      }
    });
    JsonNode credentials = corsOrNull.get("AllowCredentials");
    boolean allowCredentials = false;
    if (credentials != null && !credentials.isNull()) {
      if (!credentials.isBoolean()) {
        throw LambdaError.invalidParameter("Cors.AllowCredentials must be a boolean");
      }
      allowCredentials = credentials.booleanValue();
    }
    List<String> headers = headerNames(corsOrNull, "AllowHeaders");
    List<String> methods = new ArrayList<>();
    for (String m : strings(corsOrNull, "AllowMethods", 6, 0)) {
      methods.add(m.toUpperCase(Locale.ROOT));
      if (!METHODS.contains(m.toUpperCase(Locale.ROOT))) {
        throw LambdaError.invalidParameter("Cors.AllowMethods item '" + m + "' is not valid: each must be one of"
            + " GET, PUT, HEAD, POST, PATCH, DELETE or *");
      }
    }
    List<String> origins = strings(corsOrNull, "AllowOrigins", 100, 253);
    for (String o : origins) {
      if (!o.equals("*") && !ORIGIN.matcher(o).matches()) {
        throw LambdaError.invalidParameter("Cors.AllowOrigins item '" + o + "' is not valid: each must be * or"
            + " an origin such as https://example.com (scheme, host and optional port, no path)");
      }
    }
    List<String> expose = headerNames(corsOrNull, "ExposeHeaders");
    Integer maxAge = null;
    JsonNode age = corsOrNull.get("MaxAge");
    if (age != null && !age.isNull()) {
      if (!age.isIntegralNumber()) {
        throw LambdaError.invalidParameter("Cors.MaxAge must be an integer between 0 and " + MAX_AGE);
      }
      if (!age.canConvertToInt() || age.intValue() < 0 || age.intValue() > MAX_AGE) {
        throw LambdaError.invalidParameter("Cors.MaxAge must be between 0 and " + MAX_AGE + ", got " + age);
      }
      maxAge = age.intValue();
    }
    return new UrlCors(allowCredentials, headers, methods, origins, expose, maxAge);
  }

  /** The Lambda API shape; fields not set (false, empty, null) are left out, so no config is {@code {}}. */
  public JsonNode toJson() {
    ObjectNode n = Json.object();
    if (allowCredentials) {
      n.put("AllowCredentials", true);
    }
    putList(n, "AllowHeaders", allowHeaders);
    putList(n, "AllowMethods", allowMethods);
    putList(n, "AllowOrigins", allowOrigins);
    putList(n, "ExposeHeaders", exposeHeaders);
    if (maxAge != null) {
      n.put("MaxAge", maxAge);
    }
    return n;
  }

  /**
   * The headers answering a preflight (OPTIONS with Origin and Access-Control-Request-Method), or empty when the
   * origin, the method or one of the requested headers (comma-separated, may be null) is not allowed.
   */
  public Optional<List<Map.Entry<String, String>>> preflight(String origin, String requestMethod,
      String requestHeaders) {
    if (origin == null || requestMethod == null || !originAllowed(origin)) {
      return Optional.empty();
    }
    String method = requestMethod.trim();
    if (!allowMethods.contains("*") && !allowMethods.contains(method)) {
      return Optional.empty();
    }
    List<String> requested = requestedHeaders(requestHeaders);
    boolean anyHeader = allowHeaders.contains("*");
    for (String h : requested) {
      if (!anyHeader && allowHeaders.stream().noneMatch(h::equalsIgnoreCase)) {
        return Optional.empty();
      }
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    boolean echo = echoesOrigin();
    out.add(Map.entry("Access-Control-Allow-Origin", echo ? origin : "*"));
    out.add(Map.entry("Access-Control-Allow-Methods",
        allowCredentials && allowMethods.contains("*") ? method : String.join(",", allowMethods)));
    String headers = allowCredentials && anyHeader ? String.join(",", requested) : String.join(",", allowHeaders);
    if (!headers.isEmpty()) {
      out.add(Map.entry("Access-Control-Allow-Headers", headers));
    }
    if (maxAge != null) {
      out.add(Map.entry("Access-Control-Max-Age", Integer.toString(maxAge)));
    }
    if (allowCredentials) {
      out.add(Map.entry("Access-Control-Allow-Credentials", "true"));
    }
    if (echo) {
      out.add(Map.entry("Vary", "Origin"));
    }
    return Optional.of(out);
  }

  /** The CORS headers of an ordinary response to a request from {@code originOrNull}; none if not allowed. */
  public List<Map.Entry<String, String>> responseHeaders(String originOrNull) {
    if (originOrNull == null || !originAllowed(originOrNull)) {
      return List.of();
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    boolean echo = echoesOrigin();
    out.add(Map.entry("Access-Control-Allow-Origin", echo ? originOrNull : "*"));
    if (!exposeHeaders.isEmpty()) {
      out.add(Map.entry("Access-Control-Expose-Headers", String.join(",", exposeHeaders)));
    }
    if (allowCredentials) {
      out.add(Map.entry("Access-Control-Allow-Credentials", "true"));
    }
    if (echo) {
      out.add(Map.entry("Vary", "Origin"));
    }
    return out;
  }

  private boolean originAllowed(String origin) {
    return allowOrigins.contains("*") || allowOrigins.stream().anyMatch(origin.trim()::equalsIgnoreCase);
  }

  /** Whether the request origin is answered rather than "*": browsers refuse "*" with credentials. */
  private boolean echoesOrigin() {
    return allowCredentials || !allowOrigins.contains("*");
  }

  private static List<String> requestedHeaders(String requestHeaders) {
    List<String> out = new ArrayList<>();
    if (requestHeaders != null) {
      for (String h : requestHeaders.split(",")) {
        if (!h.isBlank()) {
          out.add(h.trim());
        }
      }
    }
    return out;
  }

  private static List<String> headerNames(JsonNode cors, String field) {
    List<String> names = strings(cors, field, 100, 1024);
    for (String name : names) {
      if (!TOKEN.matcher(name).matches()) {
        throw LambdaError.invalidParameter("Cors." + field + " item '" + name + "' is not a valid header name:"
            + " letters, digits and !#$%&'*+-.^_`|~ only");
      }
    }
    return names;
  }

  /**
   * A list of at most {@code maxItems} strings, each 1 to {@code maxLength} characters long (0: the caller checks
   * the values itself).
   */
  private static List<String> strings(JsonNode cors, String field, int maxItems, int maxLength) {
    JsonNode v = cors.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw LambdaError.invalidParameter("Cors." + field + " must be an array of strings");
    }
    if (v.size() > maxItems) {
      throw LambdaError.invalidParameter("Cors." + field + " must have at most " + maxItems + " items, got "
          + v.size());
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw LambdaError.invalidParameter("Cors." + field + " must be an array of strings");
      }
      String s = item.textValue();
      if (maxLength > 0 && (s.isEmpty() || s.length() > maxLength)) {
        throw LambdaError.invalidParameter("Cors." + field + " items must be 1 to " + maxLength
            + " characters long, got " + s.length());
      }
      out.add(s);
    }
    return out;
  }

  private static void putList(ObjectNode n, String field, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode array = n.putArray(field);
      values.forEach(array::add);
    }
  }
}
