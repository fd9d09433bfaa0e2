package io.petrel.persistence;

import java.time.Instant;
import java.util.Objects;

/**
 * A scheduled rule (EventBridge's PutRule with a ScheduleExpression): {@code state} ENABLED or DISABLED,
 * {@code description} null when unset. {@code anchor} is when a rate schedule counts from: when the rule was
 * created or its expression last changed.
 */
public record ScheduleRule(String account, String name, String scheduleExpression, String state,
    String description, Instant anchor, Instant created, Instant modified) {

  public ScheduleRule {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scheduleExpression, "scheduleExpression");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(modified, "modified");
  }

  public boolean enabled() {
    return "ENABLED".equals(state);
  }
}
