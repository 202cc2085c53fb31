package dev.dm3relay.node.mailbox;

import dev.dm3relay.protocol.crypto.Ethereum;

/**
 * The mailbox entity id: an Ethereum address in EIP-55 checksummed form, so every name that
 * resolves to the address (alice.eth, alice.gno) reaches one mailbox.
 */
public final class MailboxAddress {

  private MailboxAddress() {}

  /** The EIP-55 form of a {@code 0x}-prefixed 20-byte hex address (all lower, all upper or checksummed). */
  public static String checksummed(String address) {
    if (address == null || !address.startsWith("0x")) {
      throw new IllegalArgumentException("Not an Ethereum address: " + address);
    }
    return Ethereum.checksumAddress(address);
  }
}
