package io.petrel.gateway.internal;

/**
 * A failure answered to the client as a Lambda error: the HTTP status, the error type that goes into the
 * x-amzn-ErrorType header (SDKs turn it into their exception class) and a message naming the field and limit.
 * Each type has one status, fixed here.
 */
public final class LambdaError extends RuntimeException {
  private final int status;
  private final String type;
  private final String reason;

  private LambdaError(int status, String type, String message) {
    this(status, type, message, null);
  }

  private LambdaError(int status, String type, String message, String reason) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.reason = reason;
  }

  /** The Reason of a throttle (TooManyRequestsException), else null. */
  public String reason() {
    return reason;
  }

  public static LambdaError tooManyRequests(String reason, String message) {
    return new LambdaError(429, "TooManyRequestsException", message, reason);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** A request that is not authenticated as one of the configured keys: 403 with AWS's name for why. */
  public static LambdaError forbidden(String type, String message) {
    return new LambdaError(403, type, message);
  }

  public static LambdaError invalidParameter(String message) {
    return new LambdaError(400, "InvalidParameterValueException", message);
  }

  public static LambdaError invalidRequestContent(String message) {
    return new LambdaError(400, "InvalidRequestContentException", message);
  }

  public static LambdaError notFound(String message) {
    return new LambdaError(404, "ResourceNotFoundException", message);
  }

  public static LambdaError conflict(String message) {
    return new LambdaError(409, "ResourceConflictException", message);
  }

  public static LambdaError preconditionFailed(String message) {
    return new LambdaError(412, "PreconditionFailedException", message);
  }

  public static LambdaError tooLarge(String message) {
    return new LambdaError(413, "RequestEntityTooLargeException", message);
  }

  public static LambdaError unsupportedMediaType(String message) {
    return new LambdaError(415, "UnsupportedMediaTypeException", message);
  }

  public static LambdaError unknownOperation(String message) {
    return new LambdaError(404, "UnknownOperationException", message);
  }

  /** A Lambda operation Petrel does not offer (yet): said plainly instead of pretending. */
  public static LambdaError notSupported(String operation) {
    return new LambdaError(501, "NotSupportedException", operation + " is not supported by this Petrel node");
  }

  /** As {@link #notSupported(String)}, with the reason and what to do instead. */
  public static LambdaError notSupported(String operation, String why) {
    return new LambdaError(501, "NotSupportedException", operation + " is not supported by this Petrel node: " + why);
  }

  /** The store (or another part the call needs) cannot be reached now; the caller may retry. */
  public static LambdaError unavailable(String message) {
    return new LambdaError(503, "ServiceException", message);
  }

  public static LambdaError service(String message) {
    return new LambdaError(500, "ServiceException", message);
  }
}
