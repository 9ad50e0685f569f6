// A Levee client as an app would write it with phoenix.js: join without auth, then
// connect_document with the token, then submit ops. Everything it sees is logged as text
// (payloads are data, never HTML) and kept in window.levee for tests.
import { Socket } from '/vendor/phoenix.mjs';

const q = new URLSearchParams(location.search);
const topic = q.get('topic') || 'document:acme:doc-1';
const token = q.get('token') || '';
const steps = (q.get('steps') || 'connect_document,submitOp').split(',').filter(Boolean);
const socketUrl = q.get('socket') || `ws://${location.host}/socket`;

const log = [];
window.levee = { log, done: false };
const out = document.getElementById('log');
document.getElementById('topic').textContent = topic;
const note = (kind, detail) => {
  log.push({ kind, detail });
  out.textContent += `${kind} ${JSON.stringify(detail)}\n`;
};

const socket = new Socket(socketUrl, { heartbeatIntervalMs: Number(q.get('heartbeat') || 30000) });
socket.onOpen(() => note('socket', 'open'));
socket.onError(() => note('socket', 'error'));
socket.connect();

const channel = socket.channel(topic, {});
channel.on('op', (op) => note('op', op));
channel.on('signal', (s) => note('signal', s));
channel.onError(() => note('channel', 'phx_error'));
channel.onClose(() => note('channel', 'closed'));

// Each push resolves with [status, response] so the steps run in order, like awaited calls.
const push = (event, payload, timeout = 10000) =>
  new Promise((resolve) =>
    channel.push(event, payload, timeout)
      .receive('ok', (r) => resolve(['ok', r]))
      .receive('error', (r) => resolve(['error', r]))
      .receive('timeout', () => resolve(['timeout', null])));

const run = {
  connect_document: () => push('connect_document', { token }),
  submitOp: () => push('submitOp', { type: 'op', contents: [{ insert: q.get('text') || 'hello', pos: 0 }] }),
  submitSignal: () => push('submitSignal', { content: { cursor: 3 } }),
  crash: () => push('unknown_event', {}, 2000), // no reply comes: the channel dies with phx_error
  leave: () => new Promise((resolve) => channel.leave().receive('ok', () => resolve(['ok', {}]))),
};

channel.join()
  .receive('ok', async (r) => {
    note('join', ['ok', r]);
    for (const step of steps) note(step, await (run[step] ?? (() => ['skipped', step]))());
    window.levee.done = true;
  })
  .receive('error', (r) => {
    note('join', ['error', r]);
    channel.leave(); // stop phoenix.js from retrying a join that can never succeed
    window.levee.done = true;
  });
