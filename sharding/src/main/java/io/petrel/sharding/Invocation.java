package io.petrel.sharding;

/**
 * One synchronous invocation as it travels from the gateway to a worker: the raw payload (never parsed), the
 * client context header as given (base64 JSON) and whether the caller wants the log tail.
 */
public record Invocation(String requestId, byte[] payload, String clientContext, boolean tailLogs)
    implements CborSerializable {}
