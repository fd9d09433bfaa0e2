package io.petrel.gateway.internal;

/**
 * A failure of an EventBridge operation, answered in the AWS JSON 1.1 shape: HTTP status, the error name that
 * goes into {@code __type} and the x-amzn-ErrorType header (SDKs turn it into their exception class or error
 * code) and a message naming the field and the limit. Each name has one status, fixed here: 500 for
 * InternalException, 400 for the rest, as EventBridge answers them.
 */
public final class EventsError extends RuntimeException {
  private final int status;
  private final String type;

  private EventsError(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public static EventsError validation(String message) {
    return new EventsError(400, "ValidationException", message);
  }

  /** A rule of the default event bus that does not exist, in EventBridge's words. */
  public static EventsError ruleNotFound(String rule) {
    return new EventsError(400, "ResourceNotFoundException", "Rule " + rule + " does not exist on EventBus default.");
  }

  public static EventsError notFound(String message) {
    return new EventsError(400, "ResourceNotFoundException", message);
  }

  public static EventsError alreadyExists(String message) {
    return new EventsError(400, "ResourceAlreadyExistsException", message);
  }

  public static EventsError limitExceeded(String message) {
    return new EventsError(400, "LimitExceededException", message);
  }

  public static EventsError unknownOperation(String message) {
    return new EventsError(400, "UnknownOperationException", message);
  }

  public static EventsError internal(String message) {
    return new EventsError(500, "InternalException", message);
  }
}
