package dev.dm3relay.node.core;

/**
 * Sender addresses the operator blocked (admin API): their submits are refused on every node. Read
 * on every submit, so implementations answer from memory.
 */
public interface SenderBlocklist {

  /** True when no address is blocked: a submit then needs no lookup of its sender. */
  boolean isEmpty();

  /** @param checksummedAddress an EIP-55 address */
  boolean blocks(String checksummedAddress);

  SenderBlocklist NONE =
      new SenderBlocklist() {
        @Override
        public boolean isEmpty() {
          return true;
        }

        @Override
        public boolean blocks(String checksummedAddress) {
          return false;
        }
      };
}
