package io.petrel.persistence;

import java.util.Objects;

/**
 * One target of a rule: a function ARN, and the constant JSON {@code input} it gets instead of the event (null: the
 * event).
 */
public record ScheduleTarget(String account, String rule, String id, String arn, String input) {

  public ScheduleTarget {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(arn, "arn");
  }
}
