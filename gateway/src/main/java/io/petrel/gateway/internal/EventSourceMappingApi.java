package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.EventSourceMapping;
import io.petrel.persistence.FunctionId;
import io.petrel.persistence.VersionedConfig;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Create/Get/Update/Delete/ListEventSourceMapping(s) for self-managed Kafka, independent of HTTP. Mappings belong
 * to the gateway's account; another account's UUID is answered as not found. The gateway only records what the
 * user wants (and the Creating/Enabling/Disabling state that follows from it, see
 * {@link EventSourceMappingRequests}); the nodes run the consumers and report their state.
 */
public final class EventSourceMappingApi {
  private final ApiContext ctx;
  private final EventRepresentations representations;

  public EventSourceMappingApi(ApiContext ctx) {
    this.ctx = ctx;
    this.representations = new EventRepresentations(ctx.names);
  }

  public CompletionStage<ApiReply> create(byte[] body) {
    EventSourceMapping mapping = EventSourceMappingRequests.create(Json.parseObject(body), ctx.names,
        ctx.settings.account(), UUID.randomUUID().toString(), ctx.now());
    EventValidation.ownedBy("DestinationConfig.OnFailure.Destination", mapping.onFailure(), ctx.settings.account());
    return targetExists(mapping)
        .thenCompose(x -> ctx.store.createMapping(mapping))
        .thenApply(m -> ApiReply.json(202, representations.mapping(m)));
  }

  public CompletionStage<ApiReply> get(String uuid) {
    return mapping(uuid).thenApply(m -> ApiReply.json(200, representations.mapping(m)));
  }

  public CompletionStage<ApiReply> update(String uuid, byte[] body) {
    ObjectNode b = Json.parseObject(body);
    return mapping(uuid).thenCompose(current -> {
      EventSourceMapping updated = EventSourceMappingRequests.update(b, current, ctx.names, ctx.now());
      EventValidation.ownedBy("DestinationConfig.OnFailure.Destination", updated.onFailure(),
          ctx.settings.account());
      return targetExists(updated).thenCompose(x -> ctx.store.updateMapping(updated));
    }).thenApply(m -> ApiReply.json(202, representations.mapping(m)));
  }

  /** Answers the mapping as it was, in state Deleting: its consumers stop once the nodes notice. */
  public CompletionStage<ApiReply> delete(String uuid) {
    return mapping(uuid).thenCompose(m -> ctx.store.deleteMapping(uuid).thenApply(x -> ApiReply.json(202,
        representations.mapping(m.withState(EventSourceMappingRequests.DELETING,
            EventSourceMappingRequests.USER_INITIATED, m.lastProcessingResult())))));
  }

  /**
   * The account's mappings, those of one function when FunctionName is given (and of one of its qualifiers when
   * that names one). No mapping reads an EventSourceArn, so filtering by one finds nothing.
   */
  public CompletionStage<ApiReply> list(Optional<String> functionName, Optional<String> eventSourceArn,
      Optional<String> marker, Optional<String> maxItems) {
    int limit = ApiContext.maxItems(maxItems);
    Optional<FunctionNames.Parsed> target = functionName.map(ctx.names::parse);
    if (eventSourceArn.isPresent()) {
      return CompletableFuture.completedFuture(listReply(List.of(), Optional.empty()));
    }
    FunctionId function = target.map(t -> ctx.id(t.name())).orElse(null);
    Optional<String> qualifier = target.flatMap(FunctionNames.Parsed::qualifier);
    return ctx.store.listMappings(ctx.settings.account(), function, marker.orElse(null), limit)
        .thenApply(page -> listReply(page.items().stream()
            .filter(m -> qualifier.isEmpty() || qualifier.get().equals(m.qualifier())).toList(), page.nextMarker()));
  }

  private ApiReply listReply(List<EventSourceMapping> mappings, Optional<String> nextMarker) {
    ObjectNode n = Json.object();
    ArrayNode items = n.putArray("EventSourceMappings");
    mappings.forEach(m -> items.add(representations.mapping(m)));
    nextMarker.ifPresent(m -> n.put("NextMarker", m));
    return ApiReply.json(200, n);
  }

  /** The account's mapping, or ResourceNotFoundException. */
  private CompletionStage<EventSourceMapping> mapping(String uuid) {
    return ctx.store.getMapping(uuid).thenApply(m -> m
        .filter(found -> found.function().account().equals(ctx.settings.account()))
        .orElseThrow(() -> LambdaError.notFound("The resource you requested does not exist: no event source"
            + " mapping " + uuid)));
  }

  /** Fails with ResourceNotFoundException when the mapping's function or qualifier does not exist. */
  private CompletionStage<VersionedConfig> targetExists(EventSourceMapping m) {
    Optional<String> qualifier = m.qualifier().equals(VersionedConfig.LATEST) ? Optional.empty()
        : Optional.of(m.qualifier());
    return ctx.resolve(m.function().name(), qualifier);
  }
}
