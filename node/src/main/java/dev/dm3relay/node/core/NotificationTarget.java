package dev.dm3relay.node.core;

/**
 * One of a user's notification channels a new-message notification goes to (§4.6).
 *
 * @param type {@code EMAIL} or {@code PUSH}
 * @param recipientValue the e-mail address, or the push subscription's JSON
 */
public record NotificationTarget(String type, String recipientValue) implements CborSerializable {}
