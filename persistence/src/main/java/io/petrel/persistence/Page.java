package io.petrel.persistence;

import java.util.List;
import java.util.Optional;

/** One page of a listing; {@code nextMarker} is present when more items follow and is passed back as marker. */
public record Page<T>(List<T> items, Optional<String> nextMarker) {
  public Page {
    items = List.copyOf(items);
    nextMarker = nextMarker == null ? Optional.empty() : nextMarker;
  }
}
