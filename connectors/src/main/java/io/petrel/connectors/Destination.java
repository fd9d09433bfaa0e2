package io.petrel.connectors;

import io.petrel.persistence.FunctionId;

/**
 * Where a result goes: another function (invoked asynchronously with the record as its event) or a Kafka topic.
 * Written as a Lambda function ARN or {@code kafka://<topic>}.
 */
sealed interface Destination {

  record Function(FunctionId function, String qualifier) implements Destination {}

  record KafkaTopic(String topic) implements Destination {}

  /** Parses a destination as stored; {@link IllegalArgumentException} naming the problem otherwise. */
  static Destination parse(String destination) {
    if (destination.startsWith("kafka://")) {
      String topic = destination.substring("kafka://".length());
      if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new IllegalArgumentException("'" + destination + "' does not name a Kafka topic");
      }
      return new KafkaTopic(topic);
    }
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    String[] parts = destination.split(":", -1);
    if (parts.length < 7 || parts.length > 8 || !parts[0].equals("arn") || !parts[2].equals("lambda")
        || !parts[5].equals("function") || parts[6].isEmpty() || parts[3].isEmpty() || parts[4].isEmpty()
        || (parts.length == 8 && parts[7].isEmpty())) {
      throw new IllegalArgumentException("'" + destination + "' is neither a function ARN nor kafka://<topic>");
    }
    String qualifier = parts.length == 8 ? parts[7] : "$LATEST";
    return new Function(new FunctionId(parts[4], parts[6]), qualifier);
  }
}
