package dev.dm3relay.node.ens;

import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.ens.EnsNames;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;

/** A fresh ENS registry on the test chain, owned by account 0, with helpers to register names. */
final class TestEns {

  final TestChain chain;
  final String registry;
  private final Set<String> owned = new HashSet<>();

  TestEns(TestChain chain) {
    this.chain = chain;
    this.registry = chain.deploy("TestRegistry");
    owned.add("");
  }

  /** Makes account 0 the owner of {@code name} and its parents, and sets the name's resolver. */
  void register(String name, String resolver) {
    own(name);
    chain.send(registry, "setResolver", node(name), new Address(resolver));
  }

  void setAddr(String resolver, String name, String address) {
    chain.send(resolver, "setAddr", node(name), new Address(address));
  }

  void setText(String resolver, String name, String key, String value) {
    chain.send(resolver, "setText", node(name), new Utf8String(key), new Utf8String(value));
  }

  private void own(String name) {
    if (owned.contains(name)) {
      return;
    }
    int dot = name.indexOf('.');
    String label = dot < 0 ? name : name.substring(0, dot);
    String parent = dot < 0 ? "" : name.substring(dot + 1);
    own(parent);
    chain.send(
        registry,
        "setSubnodeOwner",
        node(parent),
        new Bytes32(Hashes.keccak256(label.getBytes(StandardCharsets.UTF_8))),
        new Address(chain.account(0)));
    owned.add(name);
  }

  static Bytes32 node(String name) {
    return new Bytes32(EnsNames.namehash(name));
  }
}
