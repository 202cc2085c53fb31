// A web push service for the relay's tests (dev.dm3relay.node.notification.WebPushTest), built on
// published code, not on the relay's own idea of the RFCs: it makes a browser-like subscription
// (P-256 key pair and auth secret from node:crypto), checks each request's VAPID token (RFC 8292:
// ES256 over the token with the key in `k`, aud = this origin, exp within 24 h, sub present) and
// decrypts the body with the `http_ece` package (RFC 8188/8291, what the `web-push` npm package
// uses). Paths ending in /gone answer 410, as a push service does for an expired subscription.
//
// stdout, one JSON line each: {"type":"ready","port","subscription"} then for every request
// {"type":"push","path","status","payload"?,"error"?}
import { createServer } from 'node:http';
import crypto from 'node:crypto';
import ece from 'http_ece';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const ecdh = crypto.createECDH('prime256v1');
ecdh.generateKeys();
const authSecret = crypto.randomBytes(16);

function report(o) {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function checkVapid(header, origin) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) throw new Error('no vapid authorization');
  const [h, p, s] = m[1].split('.');
  const head = JSON.parse(Buffer.from(h, 'base64url'));
  if (head.alg !== 'ES256') throw new Error('alg ' + head.alg);
  const raw = Buffer.from(m[2], 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed point');
  const key = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33)) },
    format: 'jwk',
  });
  const ok = crypto.verify('sha256', Buffer.from(h + '.' + p), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('bad VAPID signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  if (claims.aud !== origin) throw new Error('aud ' + claims.aud + ' is not ' + origin);
  const now = Math.floor(Date.now() / 1000);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error('exp out of range');
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Error('sub ' + claims.sub);
  return m[2];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const origin = 'http://127.0.0.1:' + server.address().port;
    const path = req.url;
    try {
      checkVapid(req.headers.authorization, origin);
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('content-encoding ' + req.headers['content-encoding']);
      if (!req.headers.ttl) throw new Error('no TTL header');
      const payload = ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: ecdh, authSecret });
      const status = path.endsWith('/gone') ? 410 : 201;
      report({ type: 'push', path, status, payload: payload.toString('utf8') });
      res.writeHead(status).end();
    } catch (e) {
      report({ type: 'push', path, status: 400, error: String(e.message ?? e) });
      res.writeHead(400).end();
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  report({
    type: 'ready',
    port: server.address().port,
    keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(authSecret) },
  });
});
