package io.petrel.gateway;

import io.petrel.persistence.FunctionId;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateway hands asynchronous invocations (InvocationType Event): a durable queue that runs them later,
 * with retries and destinations. The gateway answers 202 once {@link #submit} completes.
 */
@FunctionalInterface
public interface EventIntake {

  /** One accepted Event invocation: the raw payload and the client context header as given (null when absent). */
  record AsyncRequest(String requestId, FunctionId function, String qualifier, byte[] payload, String clientContext,
      Instant received) {}

  /** Completes once the event is durably queued; fails when it cannot be (the caller answers 5xx). */
  CompletionStage<Void> submit(AsyncRequest request);
}
