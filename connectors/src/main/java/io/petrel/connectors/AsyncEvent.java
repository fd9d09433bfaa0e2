package io.petrel.connectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.petrel.persistence.FunctionId;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One asynchronous invocation as it waits in a queue: for whom, the raw payload (base64 in the queued JSON), the
 * client context header as given (null when absent) and when it was accepted (epoch milliseconds), which bounds
 * its age.
 */
public record AsyncEvent(String requestId, String account, String function, String qualifier, byte[] payload,
    String clientContext, long acceptedAtMillis) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public FunctionId functionId() {
    return new FunctionId(account, function);
  }

  /** The queue's partitioning key: all events of one function qualifier land in one partition. */
  public String queueKey() {
    return account + "/" + function + ":" + qualifier;
  }

  public byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link IllegalArgumentException} when the bytes are not a queued event. */
  public static AsyncEvent decode(byte[] bytes) {
    try {
      AsyncEvent event = JSON.readValue(bytes, AsyncEvent.class);
      if (event == null || event.requestId == null || event.account == null || event.function == null || event.qualifier == null
          || event.payload == null) {
        throw new IllegalArgumentException("a queued event lacks a field");
      }
      return event;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a queued event: " + e.getMessage(), e);
    }
  }
}
