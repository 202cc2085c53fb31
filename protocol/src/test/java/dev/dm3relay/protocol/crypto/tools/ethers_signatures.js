// Writes ../../../../../../../resources/vectors/ethers-signatures.json: what ethers 5.7.2's
// verifyMessage answers for EIP-191 signatures of every shape a client may send (v = 0/1/27/28,
// other v, 64-byte EIP-2098 compact, high s, r or s out of range, bad hex). The Java tests compare
// Ethereum.recoverPersonalSigner against these answers, not against our own idea of them.
// Needs ethers 5.7.2, e.g. the interop suite's:
//   NODE_PATH=node/src/test/interop/node_modules node ethers_signatures.js > protocol/src/test/resources/vectors/ethers-signatures.json
'use strict';
const { Wallet } = require('ethers');
const { verifyMessage } = require('@ethersproject/wallet');
const { arrayify, hexlify, splitSignature } = require('@ethersproject/bytes');
const { BigNumber } = require('@ethersproject/bignumber');
const ethersVersion = require('ethers/package.json').version;

const N = BigNumber.from('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
const P = BigNumber.from('0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f');
const wallet = new Wallet('0x' + '11'.repeat(32));
const message = '{"profile":"a dm3 profile, as the clients sign it"}';

function word(n) {
  return BigNumber.from(n).toHexString().slice(2).padStart(64, '0');
}

function hex65(r, s, v) {
  return '0x' + word(r) + word(s) + v.toString(16).padStart(2, '0');
}

const cases = [];
function add(description, signature) {
  let recovered = null;
  let error = null;
  try {
    recovered = verifyMessage(message, signature);
  } catch (e) {
    error = (e.reason || e.message).split(' (')[0];
  }
  cases.push({ description, signature, recovered, error });
}

(async () => {
  const canonical = await wallet.signMessage(message);
  const sig = splitSignature(canonical);
  const r = BigNumber.from(sig.r);
  const s = BigNumber.from(sig.s);
  const v = sig.v; // 27 or 28
  const other = v === 27 ? 28 : 27;
  const highS = N.sub(s);

  add('canonical: v 27/28, low s, lower-case hex', canonical);
  add('v as a recovery id (0/1)', hex65(r, s, v - 27));
  add('the other v', hex65(r, s, other));
  add('the other recovery id', hex65(r, s, other - 27));
  for (const any of [29, 30, 35, 36, 37, 38, 127, 128, 255]) {
    add('v ' + any + ' (parity from v % 2)', hex65(r, s, any));
  }
  for (const bad of [2, 3, 4, 26]) {
    add('v ' + bad + ' (neither a recovery id nor 27 or more)', hex65(r, s, bad));
  }
  add('EIP-2098 compact (64 bytes)', sig.compact);
  add('EIP-2098 compact with the other parity bit', '0x' + word(r) + word(BigNumber.from(sig._vs).xor(BigNumber.from(1).shl(255))));
  add('high s (n - s) with the flipped v', hex65(r, highS, other));
  add('high s (n - s) with the same v', hex65(r, highS, v));
  const MAX = BigNumber.from(1).shl(256).sub(1);
  if (s.add(N).lte(MAX)) {
    add('s + n (s beyond the order)', hex65(r, s.add(N), v));
  }
  if (r.add(N).lte(MAX)) {
    add('r + n (r beyond the order)', hex65(r.add(N), s, v));
  }
  add('s = 0', hex65(r, 0, v));
  add('s = n', hex65(r, N, v));
  add('s = 2^256 - 1', hex65(r, MAX, v));
  add('r = 0', hex65(0, s, v));
  add('r = n', hex65(N, s, v));
  add('r = 2n - p... r = n + 1', hex65(N.add(1), s, v));
  add('r = p - 1', hex65(P.sub(1), s, v));
  add('r = p', hex65(P, s, v));
  add('r = p + 1', hex65(P.add(1), s, v));
  add('r = 2^256 - 1', hex65(MAX, s, v));
  for (const small of [1, 2, 3, 4, 5, 6, 7, 8]) {
    add('r = ' + small + ', v 27', hex65(small, s, 27));
    add('r = ' + small + ', v 28', hex65(small, s, 28));
  }
  add('compact, high bit of s set by a 0 parity', '0x' + word(r) + word(s.or(BigNumber.from(1).shl(255))));
  add('v 0 with high s', hex65(r, highS, 0));
  add('v 1 with high s', hex65(r, highS, 1));
  add('upper-case hex digits', '0x' + canonical.slice(2).toUpperCase());
  add('upper-case 0X prefix', '0X' + canonical.slice(2));
  add('no 0x prefix', canonical.slice(2));
  add('odd length', canonical.slice(0, -1));
  add('66 bytes', canonical + '00');
  add('63 bytes', canonical.slice(0, 2 + 63 * 2));
  add('empty', '0x');
  add('Arabic-Indic digit in place of 3', canonical.replace(/3/, '\u0663'));
  add('a space inside', canonical.slice(0, 10) + ' ' + canonical.slice(11));

  process.stdout.write(
    JSON.stringify(
      {
        description:
          "ethers " + ethersVersion + " verifyMessage(message, signature) for signatures of every shape: recovered is the address it returns, error what it throws (then null recovered)",
        generatedWith: { ethers: ethersVersion, node: process.version },
        message,
        signer: wallet.address,
        cases,
      },
      null,
      2
    ) + '\n'
  );
})();
