// Client side of the relay's Socket.IO tests (dev.dm3relay.node.live.SocketIoRouteTest).
//
// Reads one JSON command per line on stdin and writes one JSON observation per line on stdout, so
// the Java test decides what happens and asserts on what the stock socket.io-client saw. Sockets
// are named by the test ("id"); every observation carries the id it belongs to.
//
// Commands:
//   {"op":"connect","id","url","auth"?,"path"?}       stock socket.io-client, websocket transport
//   {"op":"emit","id","event","args":[...],"ack":bool,"seq","timeoutMs"?}
//   {"op":"close","id"}
//   {"op":"raw","id","url","autoPong"?}               plain WebSocket (package ws); no protocol
//                                                     unless autoPong: then it answers pings
//   {"op":"rawSend","id","data"} | {"op":"rawSendBinary","id","hex"} | {"op":"rawPause","id"}
//   {"op":"rawClose","id"}
//   {"op":"exit"}
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const sockets = new Map();

function report(observation) {
  process.stdout.write(JSON.stringify(observation) + '\n');
}

function connect({ id, url, auth, path }) {
  const options = {
    transports: ['websocket'], // as dm3 messengers connect
    reconnection: false, // a test wants to see each refusal or close, not a retry
    forceNew: true, // one engine per socket, like separate tabs or devices
  };
  if (auth !== undefined) options.auth = auth;
  if (path !== undefined) options.path = path;
  const socket = io(url, options);
  sockets.set(id, socket);
  socket.on('connect', () => report({ id, type: 'connect', sid: socket.id }));
  socket.on('connect_error', (err) =>
    report({ id, type: 'connect_error', message: err.message }),
  );
  socket.on('disconnect', (reason) => report({ id, type: 'disconnect', reason }));
  socket.onAny((event, ...args) => report({ id, type: 'event', event, args }));
  socket.io.on('ping', () => report({ id, type: 'ping' }));
}

function emit({ id, event, args, ack, seq, timeoutMs }) {
  const socket = sockets.get(id);
  if (!ack) {
    socket.emit(event, ...args);
    return;
  }
  socket.timeout(timeoutMs ?? 5000).emit(event, ...args, (err, ...reply) => {
    report({ id, type: 'ack', seq, error: err ? err.message : null, args: reply });
  });
}

function raw({ id, url, autoPong }) {
  const ws = new WebSocket(url);
  sockets.set(id, ws);
  ws.on('open', () => report({ id, type: 'wsopen' }));
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString('utf8');
    report({ id, type: 'frame', data: text });
    if (autoPong && text === '2') ws.send('3');
  });
  ws.on('close', (code) => report({ id, type: 'wsclose', code }));
  ws.on('error', (err) => report({ id, type: 'wserror', message: err.message }));
}

function handle(command) {
  switch (command.op) {
    case 'connect':
      return connect(command);
    case 'emit':
      return emit(command);
    case 'close':
      sockets.get(command.id).disconnect();
      return report({ id: command.id, type: 'closed' });
    case 'raw':
      return raw(command);
    case 'rawSend':
      return sockets.get(command.id).send(command.data);
    case 'rawSendBinary':
      return sockets.get(command.id).send(Buffer.from(command.hex, 'hex'));
    case 'rawPause':
      // Stops reading the TCP socket: the server sees a client that does not take its frames.
      sockets.get(command.id).pause();
      return report({ id: command.id, type: 'paused' });
    case 'rawClose':
      return sockets.get(command.id).close();
    case 'exit':
      for (const s of sockets.values()) {
        if (typeof s.disconnect === 'function') s.disconnect();
        else s.terminate();
      }
      return process.exit(0);
    default:
      throw new Error('unknown op ' + command.op);
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  try {
    handle(JSON.parse(line));
  } catch (err) {
    report({ type: 'driver_error', message: String(err && err.stack ? err.stack : err) });
  }
});
lines.on('close', () => process.exit(0));
report({ type: 'ready' });
