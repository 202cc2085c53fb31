// Writes EthersVectors.java: what ethers 5.7.2 itself answers, so the Java tests compare against
// ethers and not against our own output. Needs ethers 5.7.2 installed somewhere outside the repo:
//   cd /tmp/x && npm install ethers@5.7.2
//   NODE_PATH=/tmp/x/node_modules node ethers_oracle.js > ../EthersVectors.java
// Records the Node/ICU/Unicode version it ran on; nameprep's NFKC step uses the platform's Unicode.
'use strict';
const crypto = require('crypto');
const { nameprep } = require('@ethersproject/strings');
const idna = require('@ethersproject/strings/lib/idna');
const { namehash, dnsEncode } = require('@ethersproject/hash');
const { ens_normalize } = require('@ethersproject/hash/lib/ens-normalize/lib');
const ethersVersion = require('ethers/package.json').version;

function outcome(input) {
  try {
    return { ok: nameprep(input) };
  } catch (e) {
    const m = e.message;
    if (m === 'STRINGPREP_CONTAINS_PROHIBITED') return { err: 'PROHIBITED' };
    if (m === 'STRINGPREP_CONTAINS_UNASSIGNED') return { err: 'UNASSIGNED' };
    if (m === 'invalid hyphen') return { err: 'HYPHEN' };
    if (m.startsWith('invalid utf-8 string') || m.startsWith('invalid codepoint')) return { err: 'MALFORMED' };
    throw e;
  }
}

// Java string literal that survives javac's early \\u processing: only code units >= 0x100 use \\u.
function lit(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c < 0x100) out += '\\' + c.toString(8).padStart(3, '0');
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

// ---- curated cases ----
const curated = [
  // digest table §6.1
  'Alice.eth', '\u00c4LICE.eth', '\u00df.eth', '\uff21\uff22\uff23.eth', 'alice\u200b.eth',
  'ab--c.eth', '-a.eth', 'a-.eth', 'a b.eth',
  // wallets in the vectors
  'alice.eth', 'bob.eth', 'ds.dm3.eth', '0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870.addr.dm3.eth',
  '0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870', '0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870.addr.dm3.eth',
  'Bob.ETH', '',
  // fast path without a dot skips the hyphen rule; with a dot it applies
  'ab--c', '-a', 'a-', '-', '--', 'ab--c.eth', 'xn--bcher-kva.eth', 'xn--bcher-kva', 'a.-b', 'a--.eth', 'ab-.eth',
  'ab--', 'abc-', 'ab\u00ad--c.eth', '\uff0da.eth', 'a\uff0d', 'ab\uff0d\uff0dc.eth',
  // maps to nothing: B.1 and variation selectors
  'al\u00adice.eth', 'al\u034fice.eth', 'al\u1806ice.eth', 'al\u180bice.eth', 'al\u200cice.eth', 'al\u200dice.eth',
  'al\u2060ice.eth', 'al\ufeffice.eth', '\u2764\ufe0f.eth', 'a\ufe00b\ufe0fc.eth', '\u200b', '\ufe0f',
  // case folding and NFKC
  'STRASSE.eth', 'Stra\u00dfe.eth', '\u1e9e.eth', '\u0130stanbul.eth', '\u212a.eth', '\u017f.eth', '\u03a3\u03c2.eth',
  '\ufb01.eth', '\u216b.eth', '\u2460.eth', '\u338e.eth', 'e\u0301.eth', '\u00e9.eth', '\u1e9b\u0323.eth',
  '\ufdfa.eth', '\ufefb.eth', '\u3000.eth', 'a\u00a0b.eth', 'a\u3000b.eth', 'a\uff0eeth', 'a\ufe52eth', 'a\u3002eth',
  '\u2474.eth', '\u00bd.eth', '\u01c4.eth', '\u0345.eth', '\u1fb3.eth', '\u0390.eth', '\u1f80.eth',
  '\ud835\udc00.eth', '\u2102.eth', '\u3392.eth', '\u33a1.eth', '\u1d2c.eth', '\u2c65.eth', '\u1d43.eth',
  // right-to-left: RFC 3491 bidi would reject the mixed ones; ethers has no bidi check
  '\u0645\u0631\u062d\u0628\u0627.eth', '\u05e9\u05dc\u05d5\u05dd.eth', 'a\u05e9.eth', '\u05e9a.eth',
  '\u0661\u0662\u0663.eth', '\u05e91.eth', '1\u05e9.eth', '\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  '\u05d0\u05d1\u05d2', 'abc\u05d0', '\u05d0abc\u05d1', '\u0627\u064b.eth', '\u06f1\u06f2.eth',
  '\u200e.eth', '\u200f.eth', 'a\u202eb.eth', 'a\u202ab.eth', 'a\u061cb.eth',
  // emoji: assigned in 3.2 or not
  '\u263a.eth', '\u2764.eth', '\u2603.eth', '\u2600.eth', '\ud83d\ude00.eth', '\ud83d\udc4d.eth',
  '\ud83e\udd84.eth', '\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67.eth', '\u2b50.eth', '\u231a.eth',
  '\ud83c\uddfa\ud83c\uddf8.eth', '\u0031\ufe0f\u20e3.eth', '\u00a9.eth', '\u2122.eth',
  // prohibited and unassigned
  'a\u0080b.eth', 'a\u009fb.eth', '\u06dd.eth', '\u070f.eth', '\u1680.eth', '\u180e.eth', '\u2000.eth', '\u2028.eth',
  '\u2029.eth', '\u202f.eth', '\u205f.eth', '\u2061.eth', '\u206a.eth', '\u2ff0.eth', '\ue000.eth', '\uf8ff.eth',
  '\ufdd0.eth', '\ufffe.eth', '\uffff.eth', '\ufff9.eth', '\ufffc.eth', '\ufffd.eth', '\ud834\udd73.eth',
  '\udb40\udc01.eth', '\udb40\udc20.eth', '\udb80\udc00.eth', '\udbff\udffd.eth', '\ud83f\udffe.eth',
  '\u0221.eth', '\u0234.eth', '\u0378.eth', '\u0860.eth', '\u4db6.eth', '\u9fa6.eth', '\ud840\udc00.eth',
  '\ud87e\ude1e.eth', '\u0340.eth', '\u0341.eth', 'a\u0000b.eth', 'a\u001fb.eth', 'a\u007fb.eth', 'a/b.eth',
  'a_b.eth', 'a@b.eth', 'a\u0221\ue000.eth', '\ue000\u0221.eth',
  // malformed UTF-16
  '\ud800', '\udc00a.eth', 'a\udc00', 'a\ud800b.eth',
  // long non-ASCII names: no length limit in nameprep
  '\u00e4'.repeat(70) + '.eth', 'A'.repeat(100) + '\u00e4.eth',
];

// ---- generated ASCII cases around the fast-path boundary ----
let seed = 12345;
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; }
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-';
const generated = [];
for (const len of [1, 2, 3, 4, 5, 57, 58, 59, 60, 61, 62, 63, 64, 100]) {
  for (let k = 0; k < 14; k++) {
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
    generated.push(s);
    // force the hyphen positions the rule looks at
    const chars = s.split('');
    const which = k % 4;
    if (which === 0 && len >= 1) chars[0] = '-';
    if (which === 1 && len >= 4) { chars[2] = '-'; chars[3] = '-'; }
    if (which === 2 && len >= 1) chars[len - 1] = '-';
    if (which === 3 && len >= 1) chars[0] = chars[0].toUpperCase();
    generated.push(chars.join(''));
    // a dot (or another non-fast-path ASCII char) sends even short strings down the slow path
    generated.push(chars.join('') + '.eth');
    if (len > 2) generated.push(chars.slice(0, len - 1).join('') + '_');
  }
}
for (let len = 55; len <= 66; len++) {
  generated.push('A'.repeat(len), '-'.repeat(len), 'ab--' + 'c'.repeat(len - 4), 'x'.repeat(len - 1) + '-');
}

const all = [...new Set([...curated, ...generated])];
const lines = all.map((input) => {
  const o = outcome(input);
  return '      c(' + lit(input) + ', ' + (o.err ? 'null, "' + o.err + '"' : lit(o.ok) + ', null') + ')';
});

// ---- every code point, as "<cp>.eth", hashed; A.1 code points listed separately ----
const hash = crypto.createHash('sha256');
const a1Accepted = [];
let counted = 0;
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const o = outcome(String.fromCodePoint(cp) + '.eth');
  const text = o.err ? '!' + o.err : Array.from(o.ok).map((ch) => ch.codePointAt(0).toString(16)).join(' ');
  if (idna._nameprepTableA1(cp)) {
    if (!o.err) a1Accepted.push(cp.toString(16) + ':' + text);
    else if (o.err !== 'UNASSIGNED') throw new Error('unexpected ' + o.err + ' for A.1 ' + cp.toString(16));
    continue;
  }
  hash.update(cp.toString(16) + ':' + text + '\n');
  counted++;
}

// ---- namehash / dnsEncode for names ENSIP-15 leaves unchanged (ethers 5.7 runs it first) ----
const hashNames = ['', 'eth', 'foo.eth', 'alice.eth', 'bob.eth', 'ds.dm3.eth', 'addr.dm3.eth',
  '0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870.addr.dm3.eth', '\u00e4lice.eth', 'ss.eth', 'vitalik.eth',
  'sub.sub.example.eth', '\u05e9\u05dc\u05d5\u05dd.eth', 'x'.repeat(63) + '.eth', 'x'.repeat(64) + '.eth',
  '\u00e4'.repeat(31) + '.eth', '\u00e4'.repeat(32) + '.eth', '\ud83d\ude00.eth'];
const hashLines = [];
for (const n of hashNames) {
  if (ens_normalize(n) !== n) throw new Error('ENSIP-15 would change ' + n);
  let dns;
  try { dns = lit(dnsEncode(n)); } catch (e) { dns = 'null'; }
  hashLines.push('      h(' + lit(n) + ', ' + lit(namehash(n)) + ', ' + dns + ')');
}

function chunked(items, per) {
  const out = [];
  for (let i = 0; i < items.length; i += per) out.push('"' + items.slice(i, i + per).join(',') + ',"');
  return out.join('\n          + ');
}

process.stdout.write(`package dev.dm3relay.protocol.ens;

import java.util.List;

// GENERATED by tools/ethers_oracle.js with ethers ${ethersVersion} on Node ${process.version}
// (ICU ${process.versions.icu}, Unicode ${process.versions.unicode}) - do not edit by hand.

/** Answers of ethers ${ethersVersion} itself, recorded so the tests compare against ethers. */
final class EthersVectors {
  private EthersVectors() {}

  static final String UNICODE_VERSION = "${process.versions.unicode}";

  /** nameprep(input): {@code expected} when ethers returns, else the InvalidNameException reason. */
  record Case(String input, String expected, String error) {}

  /** namehash and dnsEncode (null when ethers throws) of names ENSIP-15 leaves unchanged. */
  record HashCase(String name, String namehash, String dnsEncoded) {}

  private static Case c(String input, String expected, String error) {
    return new Case(input, expected, error);
  }

  private static HashCase h(String name, String namehash, String dnsEncoded) {
    return new HashCase(name, namehash, dnsEncoded);
  }

  static final List<Case> NAMEPREP = List.of(
${lines.join(',\n')});

  static final List<HashCase> HASHES = List.of(
${hashLines.join(',\n')});

  /**
   * SHA-256 over "<hex cp>:<result code points in hex, space separated | !REASON>\\n" of
   * nameprep(cp + ".eth") for every code point that is neither a surrogate nor in table A.1
   * (${counted} code points), in code point order.
   */
  static final String CODE_POINT_DIGEST = "${hash.digest('hex')}";

  /**
   * Code points of table A.1 (unassigned in Unicode 3.2) that ethers nevertheless accepts in
   * cp + ".eth", because its NFKC (Unicode ${process.versions.unicode}) maps them to assigned text
   * before the A.1 check: "<hex cp>:<result code points>". Every other A.1 code point is rejected
   * as UNASSIGNED.
   */
  static final String A1_ACCEPTED =
      ${chunked(a1Accepted, 6)};
}
`);
