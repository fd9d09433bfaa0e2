package io.petrel.gateway.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Function names as Lambda accepts them in paths and bodies: {@code name}, {@code name:qualifier}, a partial
 * ARN {@code account:function:name[:qualifier]} or a full ARN
 * {@code arn:aws:lambda:region:account:function:name[:qualifier]}. An ARN must name this node's region and
 * account. The result is the bare name and the qualifier given with it, if any.
 */
public final class FunctionNames {
  public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[a-zA-Z0-9_-]{1,128}");
  private static final Pattern FULL_ARN =
      Pattern.compile("arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:([^:]+)(?::([^:]+))?");
  private static final Pattern PARTIAL_ARN = Pattern.compile("(\\d{12}):function:([^:]+)(?::([^:]+))?");
  private static final int MAX_LENGTH = 140;

  /** A parsed function name. */
  public record Parsed(String name, Optional<String> qualifier) {}

  private final String region;
  private final String account;

  public FunctionNames(String region, String account) {
    this.region = region;
    this.account = account;
  }

  public Parsed parse(String given) {
    if (given == null || given.isEmpty()) {
      throw LambdaError.invalidParameter("FunctionName is required");
    }
    if (given.length() > MAX_LENGTH) {
      throw LambdaError.invalidParameter("FunctionName '" + abbreviate(given) + "' is longer than " + MAX_LENGTH
          + " characters");
    }
    String name;
    String qualifier;
    Matcher m;
    if ((m = FULL_ARN.matcher(given)).matches()) {
      requireOwn(m.group(1), m.group(2), given);
      name = m.group(3);
      qualifier = m.group(4);
    } else if ((m = PARTIAL_ARN.matcher(given)).matches()) {
      requireOwn(region, m.group(1), given);
      name = m.group(2);
      qualifier = m.group(3);
    } else {
      int colon = given.indexOf(':');
      name = colon < 0 ? given : given.substring(0, colon);
      qualifier = colon < 0 ? null : given.substring(colon + 1);
    }
    if (!NAME.matcher(name).matches()) {
      throw LambdaError.invalidParameter("FunctionName '" + abbreviate(given) + "' is not valid: a name is 1 to 64"
          + " letters, digits, hyphens or underscores, optionally with :qualifier, or a function ARN");
    }
    if (qualifier != null && !QUALIFIER.matcher(qualifier).matches()) {
      throw LambdaError.invalidParameter("Qualifier '" + qualifier + "' in FunctionName is not valid: $LATEST,"
          + " a version number or an alias name of at most 128 characters");
    }
    return new Parsed(name, Optional.ofNullable(qualifier));
  }

  /** Parses a name that may carry no qualifier (CreateFunction, alias and concurrency operations). */
  public String parseUnqualified(String given) {
    Parsed parsed = parse(given);
    if (parsed.qualifier().isPresent()) {
      throw LambdaError.invalidParameter("FunctionName '" + given + "' must not include a qualifier for this"
          + " operation");
    }
    return parsed.name();
  }

  /** Merges the qualifier from the name with the Qualifier parameter; both given, they must agree. */
  public Optional<String> qualifier(Parsed parsed, Optional<String> param) {
    if (param.isPresent() && !QUALIFIER.matcher(param.get()).matches()) {
      throw LambdaError.invalidParameter("Qualifier '" + param.get() + "' is not valid: $LATEST, a version number"
          + " or an alias name of at most 128 characters");
    }
    if (parsed.qualifier().isPresent() && param.isPresent() && !parsed.qualifier().equals(param)) {
      throw LambdaError.invalidParameter("The derived qualifier from the function name does not match the"
          + " specified qualifier.");
    }
    return parsed.qualifier().or(() -> param);
  }

  public String arn(String name) {
    return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
  }

  public String arn(String name, String qualifier) {
    return arn(name) + ":" + qualifier;
  }

  private void requireOwn(String arnRegion, String arnAccount, String given) {
    if (!region.equals(arnRegion) || !account.equals(arnAccount)) {
      throw LambdaError.notFound("Function not found: " + given + " (this node serves region " + region
          + " and account " + account + ")");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
