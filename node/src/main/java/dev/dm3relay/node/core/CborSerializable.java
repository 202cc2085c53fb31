package dev.dm3relay.node.core;

/**
 * Marker for every command, reply, event and state that Pekko may serialize (between cluster
 * nodes, into the journal, into snapshots). Bound to Jackson CBOR in serialization.conf, so one
 * interface decides the wire format for the whole relay.
 */
public interface CborSerializable {}
