package dev.dm3relay.node.core;

import dev.dm3relay.protocol.model.SignedUserProfile;

/**
 * A registered account: its signed profile and what the relay keeps with it.
 *
 * @param address the checksummed address the account's mailbox is keyed by
 * @param spamFilterRulesJson the receiver's {@code spamFilterRules} object (§5.8), or null when none are set
 */
public record Account(String address, SignedUserProfile profile, String spamFilterRulesJson) {}
