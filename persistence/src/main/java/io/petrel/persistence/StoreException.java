package io.petrel.persistence;

/**
 * The expected ways a store call fails; a returned stage completes exceptionally with one of these. Anything
 * else is an engine failure (I/O, corruption) and surfaces as itself.
 */
public abstract sealed class StoreException extends RuntimeException {
  private StoreException(String message) {
    super(message, null, false, false);
  }

  /** The function, version or alias named does not exist. */
  public static final class NotFound extends StoreException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The thing to create exists already. */
  public static final class AlreadyExists extends StoreException {
    public AlreadyExists(String message) {
      super(message);
    }
  }

  /** A RevisionId given by the caller is no longer the current one. */
  public static final class PreconditionFailed extends StoreException {
    public PreconditionFailed(String message) {
      super(message);
    }
  }

  /** The thing to delete is still used (a version an alias points at). */
  public static final class InUse extends StoreException {
    public InUse(String message) {
      super(message);
    }
  }

  /**
   * The store cannot be reached or did not answer in time. For a write, nothing of it was applied, or (when
   * the message says the outcome is unknown) it was applied whole or not at all; it may be retried.
   */
  public static final class Unavailable extends StoreException {
    public Unavailable(String message) {
      super(message);
    }
  }
}
