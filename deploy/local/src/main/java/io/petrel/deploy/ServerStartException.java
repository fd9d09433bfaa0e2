package io.petrel.deploy;

/**
 * A server did not become ready: its JVM exited, its ports were taken, or the start timeout passed. The message
 * names the server, its data dir and the reason, and ends with the last lines of its log.
 */
public final class ServerStartException extends RuntimeException {
  public ServerStartException(String message) {
    super(message);
  }

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
