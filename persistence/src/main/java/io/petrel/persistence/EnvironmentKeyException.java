package io.petrel.persistence;

/**
 * An environment key cannot be used: a configured key is malformed, or stored environment variables do not
 * decrypt with the keys this node has. The message names the key id and where the node's key was configured, so
 * that an operator can tell which setting is wrong.
 */
public final class EnvironmentKeyException extends RuntimeException {
  public EnvironmentKeyException(String message) {
    super(message);
  }

  public EnvironmentKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
