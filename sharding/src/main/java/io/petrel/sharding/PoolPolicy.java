package io.petrel.sharding;

/**
 * What to do with an invocation. An entity may run {@code limit} invocations at once (starting environments
 * count as running). Below the limit it runs, in an idle environment if there is one, else in a new one (a cold
 * start). At the limit, a function with reserved concurrency is throttled at once (Lambda's
 * ReservedFunctionConcurrentInvocationLimitExceeded); otherwise the call waits in a bounded queue for a free
 * environment and is throttled only when the queue is full. Example: limit 2, two running, queue limit 1: the
 * third call queues, the fourth is throttled.
 */
public final class PoolPolicy {
  private PoolPolicy() {}

  /** RUN: take an idle environment of the version, or start one (cold). */
  public enum Decision { RUN, QUEUE, THROTTLE_RESERVED, THROTTLE_QUEUE_FULL }

  public static Decision decide(int running, int limit, boolean reserved, int queued, int queueLimit) {
    if (running < limit) {
      return Decision.RUN;
    }
    if (reserved) {
      return Decision.THROTTLE_RESERVED;
    }
    return queued < queueLimit ? Decision.QUEUE : Decision.THROTTLE_QUEUE_FULL;
  }
}
