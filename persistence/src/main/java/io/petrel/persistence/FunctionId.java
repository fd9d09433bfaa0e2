package io.petrel.persistence;

import java.util.Objects;

/** A function's identity: the account that owns it and its name (unique within the account). */
public record FunctionId(String account, String name) {
  public FunctionId {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return account + "/" + name;
  }
}
