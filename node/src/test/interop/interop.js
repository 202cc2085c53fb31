// Interop suite: drives a running dm3-relay exactly as dm3 messengers do, with the published dm3
// client libraries (npm 1.7.1) and the stock socket.io-client. Usage: node interop.js <baseUrl>
// Prints one JSON line per case: {"case": name, "ok": bool, "detail": text}; exits 0 always, so
// the JUnit side reports every case by name.
'use strict';
const { ethers } = require('ethers');
const crypto = require('@dm3-org/dm3-lib-crypto');
const profileLib = require('@dm3-org/dm3-lib-profile');
const messaging = require('@dm3-org/dm3-lib-messaging');
const { stringify, sha256 } = require('@dm3-org/dm3-lib-shared');
const { io } = require('socket.io-client');

const base = process.argv[2].replace(/\/$/, '');
const results = [];
// Everything secret this run makes or sees: InteropTest checks that no relay log line holds any.
const secrets = new Set();
function secret(value) {
  if (typeof value === 'string' && value.length >= 16) secrets.add(value);
}
function report(name, ok, detail) {
  const line = { case: name, ok: !!ok, detail: detail === undefined ? '' : String(detail) };
  results.push(line);
  process.stdout.write(JSON.stringify(line) + '\n');
}
async function check(name, fn) {
  try {
    const detail = await fn();
    report(name, true, detail);
  } catch (e) {
    report(name, false, e && e.stack ? e.stack : e);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
async function http(method, path, body, token, raw) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['Authorization'] = 'Bearer ' + token;
  // DM3_TRAILING_SLASH=1: every route with one trailing slash, as Express-era tools send them
  const target = process.env.DM3_TRAILING_SLASH === '1' ? path.replace(/^([^?]*?)\/?(\?.*)?$/, (m, p, q) => p + '/' + (q || '')) : path;
  const res = await fetch(base + target, {
    method,
    headers,
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch (e) { json = undefined; }
  return { status: res.status, text, json, contentType: res.headers.get('content-type') || '' };
}
function expectJsonError(res, status) {
  assert(res.status === status, `status ${res.status} (expected ${status}): ${res.text}`);
  assert(res.contentType.includes('application/json'), `content-type ${res.contentType}`);
  assert(res.json !== undefined, 'error body is not JSON: ' + res.text);
  return res.json;
}

// A messenger's sign-up: wallet → keys (§3.5) → signed profile (§3.6) → POST /profile.
async function newUser(dsName) {
  const wallet = ethers.Wallet.createRandom();
  const address = wallet.address;
  const creation = crypto.getStorageKeyCreationMessage(profileLib.DEFAULT_NONCE, address);
  const storageKey = await crypto.createStorageKey(await wallet.signMessage(creation));
  const keys = await profileLib.createProfileKeys(storageKey, profileLib.DEFAULT_NONCE);
  const profile = {
    publicEncryptionKey: keys.encryptionKeyPair.publicKey,
    publicSigningKey: keys.signingKeyPair.publicKey,
    deliveryServices: [dsName],
  };
  const signature = await wallet.signMessage(profileLib.getProfileCreationMessage(stringify(profile), address));
  const ensName = profileLib.normalizeEnsName(address + '.addr.dm3.eth');
  secret(wallet.privateKey);
  secret(keys.signingKeyPair.privateKey);
  secret(keys.encryptionKeyPair.privateKey);
  secret(storageKey);
  return { wallet, address, keys, profile, signedProfile: { profile, signature }, ensName };
}

async function login(user) {
  const challenge = await http('GET', '/auth/' + user.ensName);
  assert(challenge.status === 200, 'GET /auth: ' + challenge.status + ' ' + challenge.text);
  const signature = await crypto.sign(user.keys.signingKeyPair.privateKey, challenge.json);
  const session = await http('POST', '/auth/' + user.ensName, { signature, challenge: challenge.json });
  assert(session.status === 200, 'POST /auth: ' + session.status + ' ' + session.text);
  secret(session.json);
  secret(challenge.json);
  secret(signature);
  return { token: session.json, challenge: challenge.json, signature };
}

// dm3 HEAD layout (§2.3): metadata.messageHash = sha256(stringify(Message)), signed like the lib does.
async function headEnvelope(lib, message, sender) {
  const metadata = { ...lib.metadata };
  delete metadata.encryptedMessageHash;
  delete metadata.signature;
  metadata.messageHash = sha256(stringify(message));
  metadata.signature = await crypto.sign(sender.keys.signingKeyPair.privateKey, stringify(metadata));
  return { message: lib.message, metadata };
}

async function envelopeFor(from, to, ds, text) {
  const message = await messaging.createMessage(to.ensName, from.ensName, text, from.keys.signingKeyPair.privateKey);
  const { encryptedEnvelop } = await messaging.buildEnvelop(message, crypto.encryptAsymmetric, {
    from: { ensName: from.ensName, profile: from.profile },
    to: { ensName: to.ensName, profile: to.profile },
    deliverServiceProfile: ds,
    keys: from.keys,
  });
  secret(encryptedEnvelop.message);
  secret(encryptedEnvelop.metadata && encryptedEnvelop.metadata.deliveryInformation);
  secret(message.signature);
  secret(text.length >= 16 ? text : undefined);
  return { message, encryptedEnvelop };
}

function submitBody(envelope, token) {
  return messaging.createJsonRpcCallSubmitMessage(envelope, token);
}

function connectSocket(user, token) {
  return new Promise((resolve) => {
    const socket = io(base, { autoConnect: false, transports: ['websocket'], reconnection: false });
    socket.auth = { account: { ensName: user.ensName }, token };
    const received = [];
    socket.on('message', (envelope) => received.push(envelope));
    const done = (state, detail) => resolve({ socket, state, detail, received });
    socket.on('authorized', () => done('authorized'));
    socket.on('unauthorized', () => done('unauthorized'));
    socket.on('connect_error', (e) => done('connect_error', e && e.message));
    socket.connect();
    setTimeout(() => done('timeout'), 5000);
  });
}

async function waitFor(predicate, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return predicate();
}

// What a receiving messenger does with a fetched envelope: decrypt, verify, check the postmark.
async function openAsReceiver(envelope, receiver, sender, dsSigningKey) {
  const opened = await messaging.decryptEnvelop(envelope, receiver.keys.encryptionKeyPair);
  assert(
    await messaging.checkMessageSignature(opened.message, sender.profile.publicSigningKey, sender.ensName),
    'message signature does not verify');
  const postmark = opened.postmark;
  assert(postmark && postmark.incommingTimestamp > 0, 'no postmark: ' + JSON.stringify(postmark));
  assert(postmark.messageHash === ethers.utils.hashMessage(stringify(envelope.message)), 'postmark messageHash');
  const signed = sha256(stringify({ incommingTimestamp: postmark.incommingTimestamp, messageHash: postmark.messageHash }));
  assert(await crypto.checkSignature(dsSigningKey, signed, postmark.signature), 'postmark signature does not verify');
  return opened;
}

(async () => {
  const dsInfo = await http('GET', '/delivery-service-profile');
  const ds = dsInfo.json.profile;
  await check('delivery-service-profile is a valid data URI record', async () => {
    assert(dsInfo.status === 200, dsInfo.text);
    const resolved = await profileLib.getDeliveryServiceProfile !== undefined;
    assert(dsInfo.json.dataUri === 'data:application/json,' + stringify(ds), 'data URI is stringify(profile)');
    assert(resolved, 'lib loaded');
  });
  const alice = await newUser('ds.dm3.eth');
  const bob = await newUser('ds.dm3.eth');

  await check('hello', async () => {
    const res = await http('GET', '/hello');
    assert(res.status === 200 && res.text === 'Hello DM3', res.status + ' ' + res.text);
  });

  let aliceToken, bobToken;
  let aliceReceipt;
  await check('sign-up: POST /profile returns a JWT-shaped receipt for the lower-case address', async () => {
    for (const user of [alice, bob]) {
      const res = await http('POST', '/profile/' + user.ensName, user.signedProfile);
      assert(res.status === 200, res.status + ' ' + res.text);
      const payload = JSON.parse(Buffer.from(res.json.split('.')[1], 'base64url').toString());
      assert(payload.account === user.address.toLowerCase(), 'account claim ' + payload.account);
      assert(Object.keys(payload).sort().join() === 'account,exp,iat,nbf', 'claims ' + Object.keys(payload));
      if (user === alice) aliceReceipt = res.json;
    }
  });
  await check('the sign-up receipt opens nothing (a profile is public): 401, socket refused', async () => {
    for (const name of [alice.address.toLowerCase(), alice.address, alice.ensName]) {
      expectJsonError(await http('GET', '/delivery/messages/incoming/' + name, undefined, aliceReceipt), 401);
      const s = await connectSocket({ ensName: name }, aliceReceipt);
      s.socket.close();
      assert(s.state === 'connect_error', name + ': ' + s.state);
    }
  });
  await check('GET /profile returns the registered SignedUserProfile, verifiable by the lib', async () => {
    const res = await http('GET', '/profile/' + alice.ensName);
    assert(res.status === 200, res.status + ' ' + res.text);
    assert(stringify(res.json) === stringify(alice.signedProfile), 'profile differs');
    assert(profileLib.checkUserProfileWithAddress(res.json, alice.address), 'lib refuses the signature');
  });
  await check('login: challenge signed with the profile key gives a session token', async () => {
    aliceToken = (await login(alice)).token;
    bobToken = (await login(bob)).token;
    const payload = JSON.parse(Buffer.from(aliceToken.split('.')[1], 'base64url').toString());
    assert(payload.account === alice.ensName, 'account claim ' + payload.account);
  });

  const bobSocket = await connectSocket(bob, bobToken);
  await check('socket.io: a valid token is authorized', async () => {
    assert(bobSocket.state === 'authorized', bobSocket.state + ' ' + (bobSocket.detail || ''));
  });

  let libEnvelope, libMessage;
  await check('alice submits an npm-1.7.1 envelope to bob: 200', async () => {
    const built = await envelopeFor(alice, bob, ds, 'Hello Bob, from the npm 1.7.1 libraries');
    libEnvelope = built.encryptedEnvelop;
    libMessage = built.message;
    assert(libEnvelope.metadata.encryptedMessageHash, 'lib layout');
    const res = await http('POST', '/rpc', submitBody(libEnvelope, aliceToken));
    assert(res.status === 200, res.status + ' ' + res.text);
  });
  await check('bob receives it live over socket.io', async () => {
    assert(await waitFor(() => bobSocket.received.length >= 1, 5000), 'no message event');
    const pushed = bobSocket.received[0];
    await openAsReceiver(pushed, bob, alice, ds.publicSigningKey);
  });

  let headMessage, headEnv;
  await check('alice submits a dm3-HEAD (messageHash) envelope to bob: 200', async () => {
    const built = await envelopeFor(alice, bob, ds, 'Hello again, HEAD layout');
    headMessage = built.message;
    headEnv = await headEnvelope(built.encryptedEnvelop, built.message, alice);
    const res = await http('POST', '/rpc', submitBody(headEnv, aliceToken));
    assert(res.status === 200, res.status + ' ' + res.text);
  });
  await check('resubmitting the same envelope is idempotent', async () => {
    const res = await http('POST', '/rpc', submitBody(headEnv, aliceToken));
    assert(res.status === 200, res.status + ' ' + res.text);
  });
  await check('bob submits to alice over the socket (submitMessage ack)', async () => {
    const built = await envelopeFor(bob, alice, ds, 'Hi Alice, over the socket');
    const ack = await new Promise((resolve) =>
      bobSocket.socket.emit('submitMessage', { envelop: built.encryptedEnvelop, token: bobToken }, resolve));
    assert(ack && ack.response === 'success', JSON.stringify(ack));
  });
  await check('socket submitMessage without deliveryInformation: {error:"invalid schema"}', async () => {
    const built = await envelopeFor(bob, alice, ds, 'broken');
    const envelop = JSON.parse(JSON.stringify(built.encryptedEnvelop));
    delete envelop.metadata.deliveryInformation;
    const ack = await new Promise((resolve) => bobSocket.socket.emit('submitMessage', { envelop }, resolve));
    assert(ack && ack.error === 'invalid schema', JSON.stringify(ack));
  });

  let fetched;
  await check('bob fetches, decrypts and verifies both envelopes (signatures and postmarks)', async () => {
    const res = await http('GET', '/delivery/messages/incoming/' + bob.ensName, undefined, bobToken);
    assert(res.status === 200, res.status + ' ' + res.text);
    fetched = res.json;
    assert(Array.isArray(fetched) && fetched.length === 2, 'expected 2 envelopes, got ' + (fetched && fetched.length));
    const texts = [];
    for (const envelope of fetched) {
      assert(typeof envelope.metadata.deliveryInformation === 'object', 'deliveryInformation is opened');
      assert(envelope.metadata.deliveryInformation.from === alice.ensName, 'from');
      const opened = await openAsReceiver(envelope, bob, alice, ds.publicSigningKey);
      texts.push(opened.message.message);
    }
    assert(texts.includes(libMessage.message) && texts.includes(headMessage.message), texts.join('|'));
  });
  await check('the conversation route lists the same envelopes', async () => {
    const res = await http('GET', `/delivery/messages/${bob.ensName}/contact/${alice.ensName}`, undefined, bobToken);
    assert(res.status === 200 && res.json.length === 2, res.status + ' ' + res.text.slice(0, 200));
  });
  await check('bob acknowledges both (both layouts) and finds his inbox empty', async () => {
    const acknowledgements = fetched.map((e) => ({
      contactAddress: profileLib.normalizeEnsName(e.metadata.deliveryInformation.from),
      messageHash: e.metadata.messageHash || e.metadata.encryptedMessageHash,
    }));
    const res = await http('POST', `/delivery/messages/${bob.ensName}/syncAcknowledgements/`, { acknowledgements }, bobToken);
    assert(res.status === 200, res.status + ' ' + res.text);
    const after = await http('GET', '/delivery/messages/incoming/' + bob.ensName, undefined, bobToken);
    assert(after.status === 200 && after.json.length === 0, 'inbox after ack: ' + after.text.slice(0, 200));
  });
  await check('an unknown acknowledgement is harmless (200)', async () => {
    const res = await http('POST', `/delivery/messages/${bob.ensName}/syncAcknowledgements/`,
      { acknowledgements: [{ contactAddress: alice.ensName, messageHash: '0x' + '00'.repeat(32) }] }, bobToken);
    assert(res.status === 200, res.status + ' ' + res.text);
  });
  await check('alice finds bob\'s socket-submitted message and acknowledges it', async () => {
    const res = await http('GET', '/delivery/messages/incoming/' + alice.ensName, undefined, aliceToken);
    assert(res.status === 200 && res.json.length === 1, res.status + ' ' + res.text.slice(0, 200));
    const opened = await openAsReceiver(res.json[0], alice, bob, ds.publicSigningKey);
    assert(opened.message.message === 'Hi Alice, over the socket', opened.message.message);
    const ack = await http('POST', `/delivery/messages/${alice.ensName}/syncAcknowledgements/`,
      { acknowledgements: [{ contactAddress: bob.ensName, messageHash: res.json[0].metadata.encryptedMessageHash }] }, aliceToken);
    assert(ack.status === 200, ack.text);
    const after = await http('GET', '/delivery/messages/incoming/' + alice.ensName, undefined, aliceToken);
    assert(after.json.length === 0, 'alice inbox after ack: ' + after.json.length);
  });

  // ---- negative cases of the reference's own tests (§9) ----
  await check('rpc: unknown method → 405 {"error":"Method not allowed"}', async () => {
    const body = expectJsonError(await http('POST', '/rpc', { jsonrpc: '2.0', method: 'eth_chainId', params: [] }), 405);
    assert(body.error === 'Method not allowed', JSON.stringify(body));
  });
  await check('rpc: no method → 400', async () => {
    expectJsonError(await http('POST', '/rpc', { jsonrpc: '2.0', params: [] }), 400);
  });
  await check('rpc: malformed JSON → 400 with a JSON body', async () => {
    expectJsonError(await http('POST', '/rpc', '{"jsonrpc":', undefined, true), 400);
  });
  await check('rpc: dm3_getDeliveryServiceProperties returns messageTTL, sizeLimit and the channel types only, as a string', async () => {
    const res = await http('POST', '/rpc', { jsonrpc: '2.0', method: 'dm3_getDeliveryServiceProperties', params: [] });
    assert(res.status === 200 && typeof res.json.result === 'string', res.text);
    const properties = JSON.parse(res.json.result);
    assert(Object.keys(properties).sort().join() === 'messageTTL,notificationChannel,sizeLimit', res.json.result);
    assert(properties.notificationChannel.every((c) => Object.keys(c).join() === 'type'), res.json.result);
  });
  await check('rpc: dm3_getProfileExtension for a known user is a string; unknown → 400 {"error":"unknown user"}', async () => {
    const ok = await http('POST', '/rpc', { jsonrpc: '2.0', method: 'dm3_getProfileExtension', params: [bob.ensName] });
    assert(ok.status === 200 && Array.isArray(JSON.parse(ok.json.result).notSupportedMessageTypes), ok.text);
    const stranger = ethers.Wallet.createRandom().address;
    const body = expectJsonError(await http('POST', '/rpc', { jsonrpc: '2.0', method: 'dm3_getProfileExtension', params: [stranger] }), 400);
    assert(body.error === 'unknown user', JSON.stringify(body));
  });
  await check('submit: envelope missing → 400', async () => {
    expectJsonError(await http('POST', '/rpc', { jsonrpc: '2.0', method: 'dm3_submitMessage', params: [] }), 400);
  });
  await check('submit: invalid schema → 400 {"error":"invalid schema"}', async () => {
    const broken = JSON.parse(JSON.stringify(libEnvelope));
    delete broken.metadata.signature;
    const body = expectJsonError(await http('POST', '/rpc', submitBody(broken, aliceToken)), 400);
    assert(body.error === 'invalid schema', JSON.stringify(body));
  });
  await check('submit: unknown receiver account → 400', async () => {
    const stranger = await newUser('ds.dm3.eth');
    const built = await envelopeFor(alice, stranger, ds, 'nobody home');
    expectJsonError(await http('POST', '/rpc', submitBody(built.encryptedEnvelop)), 400);
  });
  await check('submit: too large → 400 (-32011)', async () => {
    const built = await envelopeFor(alice, bob, ds, 'x'.repeat(120000));
    const body = expectJsonError(await http('POST', '/rpc', submitBody(built.encryptedEnvelop)), 400);
    assert(body.error && body.error.code === -32011, JSON.stringify(body));
  });
  await check('submit: deliveryInformation for another delivery service → 400', async () => {
    const other = await crypto.createKeyPair(crypto.getRandomNonce ? ethers.utils.base64.encode(ethers.utils.randomBytes(32)) : '');
    const built = await envelopeFor(alice, bob, { ...ds, publicEncryptionKey: other.publicKey }, 'wrong ds');
    expectJsonError(await http('POST', '/rpc', submitBody(built.encryptedEnvelop)), 400);
  });
  await check('profile: wrong signature → 400; schema error (signature null) → 400', async () => {
    const wrong = { profile: alice.profile, signature: await alice.wallet.signMessage('0x1234') };
    expectJsonError(await http('POST', '/profile/' + alice.ensName, wrong), 400);
    expectJsonError(await http('POST', '/profile/' + alice.ensName, { profile: alice.profile, signature: null }), 400);
  });
  await check('profile: unknown account → 404; unresolvable name → 400', async () => {
    const stranger = ethers.Wallet.createRandom().address.toLowerCase() + '.addr.dm3.eth';
    expectJsonError(await http('GET', '/profile/' + stranger), 404);
    expectJsonError(await http('GET', '/profile/nobody-knows-this-name.eth'), 400);
  });
  await check('auth: wrong signature → 400; replayed challenge → 400', async () => {
    const challenge = await http('GET', '/auth/' + alice.ensName);
    const badSig = await crypto.sign(bob.keys.signingKeyPair.privateKey, challenge.json);
    expectJsonError(await http('POST', '/auth/' + alice.ensName, { signature: badSig, challenge: challenge.json }), 400);
    const first = await login(alice);
    const replay = await http('POST', '/auth/' + alice.ensName, { signature: first.signature, challenge: first.challenge });
    expectJsonError(replay, 400);
    expectJsonError(await http('POST', '/auth/' + alice.ensName, { signature: first.signature }), 400);
  });
  await check('auth: a token opens only its own account (401), and none opens nothing (401)', async () => {
    expectJsonError(await http('GET', '/delivery/messages/incoming/' + bob.ensName, undefined, aliceToken), 401);
    expectJsonError(await http('GET', '/delivery/messages/incoming/' + bob.ensName), 401);
    const challengeToken = (await http('GET', '/auth/' + bob.ensName)).json;
    expectJsonError(await http('GET', '/delivery/messages/incoming/' + bob.ensName, undefined, challengeToken), 401);
  });
  await check('acks: invalid body → 400', async () => {
    expectJsonError(await http('POST', `/delivery/messages/${bob.ensName}/syncAcknowledgements/`, { acks: [] }, bobToken), 400);
    expectJsonError(await http('POST', `/delivery/messages/${bob.ensName}/syncAcknowledgements/`,
      { acknowledgements: [{ contactAddress: alice.ensName }] }, bobToken), 400);
  });
  await check('socket.io: a bad token is unauthorized', async () => {
    const s = await connectSocket(bob, aliceToken);
    s.socket.close();
    assert(s.state === 'unauthorized' || s.state === 'connect_error', s.state);
  });
  await check('key rotation: a new profile needs the account\'s token; the old one cannot come back', async () => {
    const carol = await newUser('ds.dm3.eth');
    assert((await http('POST', '/profile/' + carol.ensName, carol.signedProfile)).status === 200, 'sign-up');
    const { token } = await login(carol);
    // the same wallet, keys from another nonce: what a messenger does when the user rotates keys
    const nonce = '0x' + '11'.repeat(32);
    const storageKey = await crypto.createStorageKey(
      await carol.wallet.signMessage(crypto.getStorageKeyCreationMessage(nonce, carol.address)));
    const keys = await profileLib.createProfileKeys(storageKey, nonce);
    const profile = { publicEncryptionKey: keys.encryptionKeyPair.publicKey, publicSigningKey: keys.signingKeyPair.publicKey, deliveryServices: ['ds.dm3.eth'] };
    const signature = await carol.wallet.signMessage(profileLib.getProfileCreationMessage(stringify(profile), carol.address));
    const rotated = { ...carol, keys, profile, signedProfile: { profile, signature } };
    expectJsonError(await http('POST', '/profile/' + carol.ensName, rotated.signedProfile), 409);
    const replaced = await http('POST', '/profile/' + carol.ensName, rotated.signedProfile, token);
    assert(replaced.status === 200, 'with the token: ' + replaced.status + ' ' + replaced.text);
    const replay = expectJsonError(await http('POST', '/profile/' + carol.ensName, carol.signedProfile), 409);
    assert(replay.message === "Couldn't store profile", JSON.stringify(replay));
    const current = await http('GET', '/profile/' + carol.ensName);
    assert(stringify(current.json) === stringify(rotated.signedProfile), 'the rotated profile is served');
    expectJsonError(await http('GET', '/delivery/messages/incoming/' + carol.ensName, undefined, token), 401);
    const fresh = await login(rotated);
    const inbox = await http('GET', '/delivery/messages/incoming/' + carol.ensName, undefined, fresh.token);
    assert(inbox.status === 200, 'login with the rotated key: ' + inbox.status);
  });
  await check('unknown route → 404 with a JSON body', async () => {
    expectJsonError(await http('GET', '/no/such/route'), 404);
  });

  bobSocket.socket.close();
  process.stdout.write(JSON.stringify({ secrets: [...secrets] }) + '\n');
  setTimeout(() => process.exit(0), 100);
})().catch((e) => {
  report('interop suite crashed', false, e && e.stack ? e.stack : e);
  process.exit(0);
});
