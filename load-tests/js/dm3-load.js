#!/usr/bin/env node
// Drives a dm3 delivery service with the published dm3 client libraries (npm 1.7.1), the way a
// messenger does: every account signed up with a wallet (keys from the wallet's signature, a
// signed profile, POST /profile), every envelope built by dm3-lib-messaging's buildEnvelop for its
// receiver and encrypted for the delivery service's key, posted as dm3_submitMessage on keep-alive
// connections. Closed loop: each sender has one request in flight and builds its next envelope
// when the answer is in, so the offered rate is what relay and generator manage together.
//
// Bounded and local by design: loopback targets only (a public relay is not a load-test target),
// at most 256 senders, a fixed run time. Prints one line per round and writes a JSON summary.
//
//   node dm3-load.js --url http://127.0.0.1:18080 --senders 32 --receivers 32 --warmup 20 --duration 60 [--prebuild 120000]
'use strict';

const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const os = require('os');
const { ethers } = require('ethers');
const crypto = require('@dm3-org/dm3-lib-crypto');
const profileLib = require('@dm3-org/dm3-lib-profile');
const messaging = require('@dm3-org/dm3-lib-messaging');
const { stringify } = require('@dm3-org/dm3-lib-shared');
const fs = require('fs');
const http = require('http');
const path = require('path');

function options(argv) {
  const o = { url: 'http://127.0.0.1:18080', senders: 32, receivers: 32, warmup: 20, duration: 60, round: 10, chars: 1750, out: '', prebuild: 0, builders: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o)) throw new Error('unknown option ' + argv[i]);
    o[key] = typeof o[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  const host = new URL(o.url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error('loopback targets only: ' + o.url);
  if (!(o.senders >= 1 && o.senders <= 256)) throw new Error('--senders is 1..256');
  if (!(o.receivers >= 1 && o.receivers <= 10000)) throw new Error('--receivers is 1..10000');
  if (!(o.duration > 0 && o.duration <= 3600) || !(o.warmup >= 0 && o.warmup <= 600)) throw new Error('--duration 1..3600, --warmup 0..600');
  if (!(o.prebuild >= 0 && o.prebuild <= 500000)) throw new Error('--prebuild is 0..500000 envelopes');
  o.builders = o.builders || Math.max(1, os.cpus().length);
  return o;
}

const opts = isMainThread ? options(process.argv.slice(2)) : workerData.opts;
const target = new URL(opts.url);
// keep-alive, one socket per sender: what a messenger's fetch does against one relay
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.senders });

function request(method, route, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      {
        host: target.hostname, port: target.port, method, path: route, agent, timeout: 30000,
        headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// A messenger's sign-up: wallet → keys from the wallet's signature → signed profile → POST /profile.
async function signUp(dsName) {
  const wallet = ethers.Wallet.createRandom();
  const creation = crypto.getStorageKeyCreationMessage(profileLib.DEFAULT_NONCE, wallet.address);
  const storageKey = await crypto.createStorageKey(await wallet.signMessage(creation));
  const keys = await profileLib.createProfileKeys(storageKey, profileLib.DEFAULT_NONCE);
  const profile = {
    publicEncryptionKey: keys.encryptionKeyPair.publicKey,
    publicSigningKey: keys.signingKeyPair.publicKey,
    deliveryServices: [dsName],
  };
  const signature = await wallet.signMessage(profileLib.getProfileCreationMessage(stringify(profile), wallet.address));
  const ensName = profileLib.normalizeEnsName(wallet.address + '.addr.dm3.eth');
  const res = await request('POST', '/profile/' + ensName, { profile, signature });
  if (res.status !== 200) throw new Error('sign-up answered ' + res.status + ': ' + res.text);
  return { ensName, keys, profile };
}

let counter = 0;
function text() {
  // unique per envelope (the relay deduplicates by hash), about --chars long
  const head = `load ${process.pid} ${Date.now()} ${counter++} `;
  return head + 'x'.repeat(Math.max(0, opts.chars - head.length));
}

async function envelope(from, to, ds) {
  const message = await messaging.createMessage(to.ensName, from.ensName, text(), from.keys.signingKeyPair.privateKey);
  const { encryptedEnvelop } = await messaging.buildEnvelop(message, crypto.encryptAsymmetric, {
    from: { ensName: from.ensName, profile: from.profile },
    to: { ensName: to.ensName, profile: to.profile },
    deliverServiceProfile: ds,
    keys: from.keys,
  });
  return JSON.stringify(messaging.createJsonRpcCallSubmitMessage(encryptedEnvelop));
}

// Latencies in ms, kept per phase (a run holds at most a few hundred thousand numbers).
function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// --prebuild N: N envelopes built before the load starts, by --builders worker threads (default:
// one per core), each with the same libraries; the run then spends its CPU on sending, as the
// Gatling generator does. Envelopes run out → built on the fly again.
async function prebuild(senders, receivers, ds) {
  if (!opts.prebuild) return [];
  const began = Date.now();
  const share = Math.ceil(opts.prebuild / opts.builders);
  const parts = await Promise.all(
    Array.from({ length: opts.builders }, (_, w) => new Promise((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: { opts, senders, receivers, ds, first: w * share, count: Math.min(share, opts.prebuild - w * share) } });
      worker.on('message', resolve);
      worker.on('error', reject);
    })));
  const bodies = [].concat(...parts);
  console.log(`[dm3-load] ${bodies.length} envelopes prebuilt by ${opts.builders} workers in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return bodies;
}

async function buildInWorker() {
  const { senders, receivers, ds, first, count } = workerData;
  const bodies = [];
  for (let i = first; i < first + count; i++) {
    // every sender writes to every receiver in turn: a pair of its own would fill that sender's
    // share of the receiver's mailbox (10 % by default) and be refused
    const to = receivers[i % receivers.length];
    const from = senders[Math.floor(i / receivers.length) % senders.length];
    bodies.push(await envelope(from, to, ds));
  }
  parentPort.postMessage(bodies);
}

async function main() {
  const dsInfo = await request('GET', '/delivery-service-profile');
  if (dsInfo.status !== 200) throw new Error('GET /delivery-service-profile answered ' + dsInfo.status);
  const ds = JSON.parse(dsInfo.text).profile;
  const dsName = 'ds.dm3.eth';
  const setupStart = Date.now();
  const receivers = [];
  for (let i = 0; i < opts.receivers; i++) receivers.push(await signUp(dsName));
  const senders = [];
  for (let i = 0; i < opts.senders; i++) senders.push(await signUp(dsName));
  console.log(`[dm3-load] ${opts.receivers} receivers + ${opts.senders} senders signed up in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);
  const ready = await prebuild(senders, receivers, ds);

  const started = Date.now();
  const measureFrom = started + opts.warmup * 1000;
  const end = measureFrom + opts.duration * 1000;
  const cpu0 = { at: 0, usage: null };
  const measured = { ok: [], failed: 0, statuses: {} };
  let round = { ok: 0, failed: 0, latencies: [] };
  let roundStart = started;
  console.log('[dm3-load] load started');

  const timer = setInterval(() => {
    const now = Date.now();
    const lat = round.latencies.sort((a, b) => a - b);
    const phase = now <= measureFrom + 500 ? 'warm-up' : 'measured';
    console.log(
      `[dm3-load] ${phase} ${((now - started) / 1000).toFixed(0)} s: ${(round.ok / ((now - roundStart) / 1000)).toFixed(0)} accepted/s, ` +
        `${round.failed} failed, p50/p99 ${percentile(lat, 50)}/${percentile(lat, 99)} ms`);
    round = { ok: 0, failed: 0, latencies: [] };
    roundStart = now;
  }, opts.round * 1000);
  setTimeout(() => { cpu0.usage = process.cpuUsage(); cpu0.at = Date.now(); }, opts.warmup * 1000);

  let next = 0;
  async function sender(from) {
    while (Date.now() < end) {
      const to = receivers[next++ % receivers.length];
      const body = ready.length ? ready.pop() : await envelope(from, to, ds);
      const sent = Date.now();
      let status;
      try {
        status = (await request('POST', '/rpc', body)).status;
      } catch (e) {
        status = 'error';
      }
      const latency = Date.now() - sent;
      const inMeasure = sent >= measureFrom && sent < end;
      if (status === 200) {
        round.ok++; round.latencies.push(latency);
        if (inMeasure) measured.ok.push(latency);
      } else {
        round.failed++;
        if (inMeasure) { measured.failed++; measured.statuses[status] = (measured.statuses[status] || 0) + 1; }
      }
    }
  }
  await Promise.all(senders.map(sender));
  clearInterval(timer);
  const cpu = cpu0.usage ? process.cpuUsage(cpu0.usage) : null;
  const lat = measured.ok.sort((a, b) => a - b);
  const summary = {
    generator: 'load-tests/js/dm3-load.js',
    libraries: Object.fromEntries(['@dm3-org/dm3-lib-messaging', '@dm3-org/dm3-lib-crypto', '@dm3-org/dm3-lib-profile'].map(
      (p) => [p, JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', p, 'package.json'), 'utf8')).version])),
    senders: opts.senders, receivers: opts.receivers, prebuilt: opts.prebuild, warmupSeconds: opts.warmup, durationSeconds: opts.duration,
    accepted: lat.length, failed: measured.failed, statuses: measured.statuses,
    acceptedPerSecond: lat.length / opts.duration,
    p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), max: lat.length ? lat[lat.length - 1] : null,
    generatorCpuPercent: cpu ? (100 * (cpu.user + cpu.system) / 1000) / (Date.now() - cpu0.at) : null,
  };
  console.log('[dm3-load] summary ' + JSON.stringify(summary));
  if (opts.out) {
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, JSON.stringify(summary, null, 2) + '\n');
  }
  agent.destroy();
}

if (isMainThread) {
  main().catch((e) => { console.error('[dm3-load] ' + (e && e.stack || e)); process.exit(2); });
} else {
  buildInWorker().catch((e) => { console.error('[dm3-load] builder: ' + (e && e.stack || e)); process.exit(2); });
}
