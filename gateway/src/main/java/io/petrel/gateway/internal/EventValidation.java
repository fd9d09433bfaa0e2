package io.petrel.gateway.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The limits on asynchronous-invocation settings and Kafka event-source mappings, checked before anything is
 * stored. Each rejection is an InvalidParameterValueException naming the field (as a path such as
 * {@code DestinationConfig.OnFailure.Destination}) and the limit.
 *
 * <p>A destination is where Petrel can deliver a record itself: a Lambda function
 * ({@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]}) or a Kafka topic of the cluster's own
 * brokers ({@code kafka://<topic>}). SQS, SNS, EventBridge and S3 destinations are refused.
 */
public final class EventValidation {
  public static final int MIN_INVOKE_RETRIES = 0;
  public static final int MAX_INVOKE_RETRIES = 2;
  public static final int MIN_EVENT_AGE = 60;
  public static final int MAX_EVENT_AGE = 21_600;
  public static final int MIN_BATCH_SIZE = 1;
  public static final int MAX_BATCH_SIZE = 10_000;
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int MAX_BATCHING_WINDOW = 300;
  public static final int MIN_MAPPING_RETRIES = -1;
  public static final int MAX_MAPPING_RETRIES = 10_000;
  public static final int MAX_BOOTSTRAP_SERVERS = 10;

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern CONSUMER_GROUP = Pattern.compile("[a-zA-Z0-9\\-/*:_+=.@]{1,200}");
  private static final Pattern FUNCTION_ARN = Pattern.compile(
      "arn:aws:lambda:[a-z0-9-]+:\\d{12}:function:[a-zA-Z0-9_-]{1,64}(:(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?");
  private static final Pattern HOST =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9._-]{0,251}[a-zA-Z0-9])?|\\[[0-9a-fA-F:.]{2,45}\\]");
  private static final String KAFKA = "kafka://";

  private EventValidation() {}

  /** {@code value} when it is from {@code min} to {@code max}. */
  public static int range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw LambdaError.invalidParameter(field + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /**
   * A destination as stored: a function ARN or {@code kafka://<topic>}; null for an empty one (none configured).
   */
  public static String destination(String field, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.startsWith(KAFKA)) {
      String topic = value.substring(KAFKA.length());
      if (!TOPIC.matcher(topic).matches()) {
        throw LambdaError.invalidParameter(field + " '" + abbreviate(value) + "' is not valid: the topic of a"
            + " kafka:// destination is 1 to 249 letters, digits, '.', '_' or '-'");
      }
      return value;
    }
    if (FUNCTION_ARN.matcher(value).matches()) {
      return value;
    }
    throw LambdaError.invalidParameter(field + " '" + abbreviate(value) + "' is not supported: give a Lambda"
        + " function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]) or kafka://<topic>");
  }

  /** Refuses a function destination of another account than {@code account}: nobody invokes another's functions. */
  public static String ownedBy(String field, String destination, String account) {
    if (destination != null && FUNCTION_ARN.matcher(destination).matches()) {
      String arnAccount = destination.split(":")[4];
      if (!arnAccount.equals(account)) {
        throw LambdaError.invalidParameter(field + " '" + abbreviate(destination) + "' is a function of account "
            + arnAccount + ": a destination must be a function of your own account " + account);
      }
    }
    return destination;
  }

  /** Kafka's topic name rule. */
  public static String topic(String field, String topic) {
    if (!TOPIC.matcher(topic).matches()) {
      throw LambdaError.invalidParameter(field + " '" + abbreviate(topic) + "' is not a valid Kafka topic: 1 to 249"
          + " letters, digits, '.', '_' or '-'");
    }
    return topic;
  }

  /** Exactly one topic. */
  public static List<String> topics(List<String> topics) {
    if (topics.size() != 1) {
      throw LambdaError.invalidParameter("Topics must hold exactly 1 topic, got " + topics.size());
    }
    return List.of(topic("Topics", topics.get(0)));
  }

  /** 1 to 10 brokers, each {@code host:port} with a port from 1 to 65535. */
  public static List<String> bootstrapServers(List<String> servers) {
    String field = "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS";
    if (servers.isEmpty() || servers.size() > MAX_BOOTSTRAP_SERVERS) {
      throw LambdaError.invalidParameter(field + " must hold 1 to " + MAX_BOOTSTRAP_SERVERS + " brokers, got "
          + servers.size());
    }
    for (String server : servers) {
      int colon = server.lastIndexOf(':');
      String host = colon < 0 ? server : server.substring(0, colon);
      String port = colon < 0 ? "" : server.substring(colon + 1);
      if (colon < 0 || !HOST.matcher(host).matches() || !port.matches("[0-9]{1,5}")
          || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
        throw LambdaError.invalidParameter(field + " entry '" + abbreviate(server) + "' is not valid: give"
            + " host:port with a port from 1 to 65535");
      }
    }
    return List.copyOf(servers);
  }

  public static String consumerGroupId(String id) {
    if (!CONSUMER_GROUP.matcher(id).matches()) {
      throw LambdaError.invalidParameter("SelfManagedKafkaEventSourceConfig.ConsumerGroupId '" + abbreviate(id)
          + "' is not valid: 1 to 200 letters, digits or any of - / * : _ + = . @");
    }
    return id;
  }

  public static String startingPosition(String position) {
    return switch (position) {
      case "TRIM_HORIZON", "LATEST" -> position;
      default -> throw LambdaError.invalidParameter("StartingPosition '" + abbreviate(position) + "' is not valid"
          + " for a Kafka event source: TRIM_HORIZON or LATEST");
    };
  }

  /** True for ["ReportBatchItemFailures"], false for none. */
  public static boolean reportBatchItemFailures(List<String> types) {
    if (types.isEmpty()) {
      return false;
    }
    if (types.equals(List.of("ReportBatchItemFailures"))) {
      return true;
    }
    throw LambdaError.invalidParameter("FunctionResponseTypes " + types + " is not valid: give none or"
        + " [ReportBatchItemFailures]");
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
