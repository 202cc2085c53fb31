#!/usr/bin/env node
// Generates a dm3 delivery-service identity: the four keys the relay reads, in libsodium's base64
// (standard alphabet, padded), as KEY=value lines for `kubectl create secret --from-env-file`.
// Needs only Node 18+ (its built-in crypto); nothing is sent anywhere.
//
//   node generate-identity.mjs > identity.env
//   kubectl create secret generic dm3-relay-identity --from-env-file=identity.env
//   shred -u identity.env    # or keep it somewhere safe: losing the keys changes your ENS record
//
// libsodium's layouts: an Ed25519 secret key is seed (32 B) followed by the public key (32 B);
// X25519 keys are the raw 32-byte scalar and point. Node's JWK export gives exactly those raw parts.
import { generateKeyPairSync } from "node:crypto";

const raw = (b64url) => Buffer.from(b64url, "base64url");

const signing = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
const encryption = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });

const lines = {
  SIGNING_PUBLIC_KEY: raw(signing.x),
  SIGNING_PRIVATE_KEY: Buffer.concat([raw(signing.d), raw(signing.x)]),
  ENCRYPTION_PUBLIC_KEY: raw(encryption.x),
  ENCRYPTION_PRIVATE_KEY: raw(encryption.d),
};
for (const [name, bytes] of Object.entries(lines)) {
  process.stdout.write(`${name}=${bytes.toString("base64")}\n`);
}
