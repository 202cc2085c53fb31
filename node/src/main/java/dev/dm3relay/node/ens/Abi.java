package dev.dm3relay.node.ens;

import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few Solidity ABI shapes ENS resolution and the spam rules need. Decoding is strict and
 * bounds-checked throughout, because resolver answers and revert data come from contracts and
 * gateways anyone can deploy: a malformed answer raises {@link MalformedAbiException} instead of
 * allocating or reading past the data.
 */
final class Abi {

  static final int WORD = 32;

  /** {@code addr(bytes32)}. */
  static final byte[] ADDR = selector("addr(bytes32)");

  /** {@code text(bytes32,string)}. */
  static final byte[] TEXT = selector("text(bytes32,string)");

  /** ENSIP-10 {@code resolve(bytes,bytes)}; also its ERC-165 interface id. */
  static final byte[] RESOLVE = selector("resolve(bytes,bytes)");

  /** The registry's {@code resolver(bytes32)}. */
  static final byte[] RESOLVER = selector("resolver(bytes32)");

  /** ERC-165 {@code supportsInterface(bytes4)}. */
  static final byte[] SUPPORTS_INTERFACE = selector("supportsInterface(bytes4)");

  /** ERC-20 {@code balanceOf(address)}. */
  static final byte[] BALANCE_OF = selector("balanceOf(address)");

  /** EIP-3668 {@code OffchainLookup(address,string[],bytes,bytes4,bytes)} error selector. */
  static final byte[] OFFCHAIN_LOOKUP =
      selector("OffchainLookup(address,string[],bytes,bytes4,bytes)");

  private Abi() {}

  static byte[] selector(String signature) {
    return Arrays.copyOf(Hashes.keccak256(signature.getBytes(StandardCharsets.US_ASCII)), 4);
  }

  /** One ABI argument: a static 32-byte word or a dynamic {@code bytes}/{@code string}. */
  sealed interface Arg permits Word, Dynamic {}

  record Word(byte[] value) implements Arg {
    Word {
      if (value.length != WORD) {
        throw new IllegalArgumentException("a word is 32 bytes");
      }
    }
  }

  record Dynamic(byte[] value) implements Arg {}

  static Word word(byte[] bytes32) {
    return new Word(bytes32);
  }

  static Word address(String address) {
    byte[] raw = Hex.decode(address);
    if (raw.length != 20) {
      throw new IllegalArgumentException("not a 20-byte address: " + address);
    }
    byte[] word = new byte[WORD];
    System.arraycopy(raw, 0, word, 12, 20);
    return new Word(word);
  }

  /** A {@code bytes4} value: left-aligned, zero-padded. */
  static Word bytes4(byte[] four) {
    byte[] word = new byte[WORD];
    System.arraycopy(four, 0, word, 0, 4);
    return new Word(word);
  }

  static Dynamic bytes(byte[] value) {
    return new Dynamic(value);
  }

  static Dynamic string(String value) {
    return new Dynamic(value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code selector ++ abi.encode(args...)}. */
  static byte[] call(byte[] selector, Arg... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(selector);
    out.writeBytes(encode(args));
    return out.toByteArray();
  }

  static byte[] encode(Arg... args) {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    int headSize = args.length * WORD;
    for (Arg arg : args) {
      if (arg instanceof Word w) {
        head.writeBytes(w.value());
      } else {
        byte[] value = ((Dynamic) arg).value();
        head.writeBytes(uint(headSize + tail.size()));
        tail.writeBytes(uint(value.length));
        tail.writeBytes(value);
        tail.writeBytes(new byte[padding(value.length)]);
      }
    }
    head.writeBytes(tail.toByteArray());
    return head.toByteArray();
  }

  private static int padding(int length) {
    return (WORD - length % WORD) % WORD;
  }

  private static byte[] uint(long value) {
    byte[] word = new byte[WORD];
    for (int i = 0; i < 8; i++) {
      word[WORD - 1 - i] = (byte) (value >>> (8 * i));
    }
    return word;
  }

  static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length
        && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Reads an ABI-encoded tuple; every position is relative to the tuple's start. */
  static final class Reader {
    private final byte[] data;
    private final int start;

    Reader(byte[] data) {
      this(data, 0);
    }

    private Reader(byte[] data, int start) {
      this.data = data;
      this.start = start;
    }

    byte[] word(int index) {
      int at = start + index * WORD;
      require(
          index >= 0 && at >= start && at + WORD <= data.length,
          "word " + index + " is past the end");
      return Arrays.copyOfRange(data, at, at + WORD);
    }

    BigInteger uint(int index) {
      return new BigInteger(1, word(index));
    }

    /** A word that must be a small non-negative number (an offset or a length). */
    int smallUint(int index) {
      BigInteger value = uint(index);
      require(value.bitLength() < 31, "offset or length out of range");
      return value.intValue();
    }

    /** A word holding an address: 12 zero bytes, then 20. */
    String address(int index) {
      byte[] word = word(index);
      for (int i = 0; i < 12; i++) {
        require(word[i] == 0, "address word has junk in its upper bytes");
      }
      return Hex.prefixed(Arrays.copyOfRange(word, 12, WORD));
    }

    /** A {@code bytes4} word: four bytes, then zeros. */
    byte[] bytes4(int index) {
      byte[] word = word(index);
      for (int i = 4; i < WORD; i++) {
        require(word[i] == 0, "bytes4 word has junk after its four bytes");
      }
      return Arrays.copyOf(word, 4);
    }

    /** The {@code bytes} (or {@code string}) whose offset is in head word {@code index}. */
    byte[] bytes(int index) {
      int at = start + smallUint(index);
      Reader here = new Reader(data, at);
      int length = here.smallUint(0);
      long end = (long) at + WORD + length;
      require(end <= data.length, "bytes run past the end");
      return Arrays.copyOfRange(data, at + WORD, (int) end);
    }

    String string(int index) {
      return new String(bytes(index), StandardCharsets.UTF_8);
    }

    /** A {@code string[]} whose offset is in head word {@code index}. */
    List<String> stringArray(int index) {
      int at = start + smallUint(index);
      Reader array = new Reader(data, at);
      int count = array.smallUint(0);
      // Each element needs at least its offset word; anything larger cannot fit the data.
      require((long) at + WORD + (long) count * WORD <= data.length, "array runs past the end");
      Reader elements = new Reader(data, at + WORD);
      List<String> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        out.add(elements.string(i));
      }
      return out;
    }

    private static void require(boolean condition, String problem) {
      if (!condition) {
        throw new MalformedAbiException(problem);
      }
    }
  }

  /** ABI data that does not have the shape it must have. */
  static final class MalformedAbiException extends RuntimeException {
    MalformedAbiException(String message) {
      super(message);
    }
  }
}
