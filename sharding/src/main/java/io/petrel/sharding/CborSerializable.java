package io.petrel.sharding;

/** Marks messages that may cross nodes; they are serialized with Jackson CBOR (see reference.conf). */
public interface CborSerializable {}
