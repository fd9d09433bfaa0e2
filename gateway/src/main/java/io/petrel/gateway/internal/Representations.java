package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.Alias;
import io.petrel.persistence.FunctionConfig;
import io.petrel.persistence.VersionedConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/** The JSON shapes of the Lambda API (FunctionConfiguration, AliasConfiguration, ...), built from stored records. */
public final class Representations {
  private static final DateTimeFormatter LAST_MODIFIED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

  private final FunctionNames names;

  public Representations(FunctionNames names) {
    this.names = names;
  }

  /**
   * A FunctionConfiguration. {@code qualifiedArn} puts the version into FunctionArn, as listings of versions
   * and reads of a qualified function do; $LATEST read plainly has the unqualified ARN.
   */
  public ObjectNode configuration(VersionedConfig v, boolean qualifiedArn) {
    FunctionConfig c = v.config();
    String name = v.function().name();
    ObjectNode n = Json.object();
    n.put("FunctionName", name);
    n.put("FunctionArn", qualifiedArn ? names.arn(name, v.version()) : names.arn(name));
    n.put("Runtime", c.runtime());
    if (!c.role().isEmpty()) {
      n.put("Role", c.role());
    }
    if (!c.handler().isEmpty()) {
      n.put("Handler", c.handler());
    }
    n.put("CodeSize", c.codeSize());
    n.put("Description", c.description());
    n.put("Timeout", c.timeoutSeconds());
    n.put("MemorySize", c.memorySizeMb());
    n.put("LastModified", lastModified(c.lastModified()));
    n.put("CodeSha256", base64Sha(c.codeSha256()));
    n.put("Version", v.version());
    if (!c.environment().isEmpty()) {
      n.putObject("Environment").set("Variables", stringMap(c.environment()));
    }
    n.putObject("TracingConfig").put("Mode", "PassThrough");
    n.put("RevisionId", c.revisionId());
    n.put("State", "Active");
    n.put("LastUpdateStatus", "Successful");
    n.put("PackageType", "Zip");
    c.architectures().forEach(n.putArray("Architectures")::add);
    n.putObject("EphemeralStorage").put("Size", 512);
    return n;
  }

  public ObjectNode alias(Alias a) {
    ObjectNode n = Json.object();
    n.put("AliasArn", names.arn(a.function().name(), a.name()));
    n.put("Name", a.name());
    n.put("FunctionVersion", a.functionVersion());
    n.put("Description", a.description());
    a.routing().ifPresent(r -> n.putObject("RoutingConfig").putObject("AdditionalVersionWeights")
        .put(r.version(), r.weight()));
    n.put("RevisionId", a.revisionId());
    return n;
  }

  public static ObjectNode stringMap(Map<String, String> map) {
    ObjectNode n = Json.object();
    map.forEach(n::put);
    return n;
  }

  public static String lastModified(Instant t) {
    return LAST_MODIFIED.format(t);
  }

  /** Lambda's CodeSha256 is the base64 of the digest; the store keys code by its hex form. */
  public static String base64Sha(String hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }
}
