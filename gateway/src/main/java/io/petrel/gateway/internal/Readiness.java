package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a node should get traffic, from what was observed of it: ready only when its own cluster member status
 * is Up (WeaklyUp is not enough: sharding does not run there), its store answered, and it is not shutting down.
 * Each failed check is one reason in plain words, in that order. For example a node still joining whose store is
 * closed answers 503 with
 * {@code {"ready":false,"member":"Joining","store":"the store is closed","reasons":["cluster member status is
 * Joining, not Up","store: the store is closed"]}}.
 *
 * @param member the node's own member status as Pekko spells it ("Up", "Joining", ...)
 * @param storeError why the store did not answer, or empty when it did
 * @param shuttingDown whether coordinated shutdown has begun
 */
public record Readiness(String member, Optional<String> storeError, boolean shuttingDown) {
  public static final String UP = "Up";

  public List<String> reasons() {
    List<String> reasons = new ArrayList<>();
    if (!UP.equals(member)) {
      reasons.add("cluster member status is " + member + ", not " + UP);
    }
    storeError.ifPresent(error -> reasons.add("store: " + error));
    if (shuttingDown) {
      reasons.add("shutting down");
    }
    return reasons;
  }

  public boolean ready() {
    return reasons().isEmpty();
  }

  /** 200 when ready, else 503, with the body above. */
  public ApiReply reply() {
    List<String> reasons = reasons();
    ObjectNode body = Json.object();
    body.put("ready", reasons.isEmpty());
    body.put("member", member);
    body.put("store", storeError.orElse("ok"));
    var listed = body.putArray("reasons");
    reasons.forEach(listed::add);
    return ApiReply.json(reasons.isEmpty() ? 200 : 503, body);
  }
}
