// The demo page: three real sockets for the panel to show. Payloads are shown as text only.
import { Socket } from '/vendor/phoenix.mjs';

const $ = (id) => document.getElementById(id);
const line = (id, text) => {
  $(id).textContent += `${new Date().toLocaleTimeString()} ${text}\n`;
  $(id).scrollTop = $(id).scrollHeight;
};
const cfg = await (await fetch('/config.json')).json();
const wsBase = `ws://${location.host}`;

// --- Chat: connect with the token, send, render the streamed tokens, heartbeat every 20 s.
const chat = new WebSocket(`${wsBase}/ws/chat/${cfg.chat.conversation}/?token=${cfg.chat.token}`);
let heartbeat;
chat.onopen = () => {
  $('chat-state').textContent = 'open';
  chat.send(JSON.stringify({ type: 'message', content: 'Hi from the demo page' }));
  heartbeat = setInterval(() => chat.send(JSON.stringify({ type: 'ping', ts: Date.now() })), 20000);
};
chat.onmessage = (e) => {
  const msg = JSON.parse(e.data);
  if (msg.type === 'stream_start') $('chat-reply').textContent = '';
  if (msg.type === 'stream_token') $('chat-reply').textContent += msg.token;
  line('chat-log', e.data);
};
chat.onclose = (e) => {
  clearInterval(heartbeat);
  $('chat-state').textContent = `closed ${e.code}`;
};
$('chat-form').onsubmit = (e) => {
  e.preventDefault();
  chat.send(JSON.stringify({ type: 'message', content: $('chat-input').value }));
};

// --- Phoenix: join (no auth), connect_document with the tenant-signed token, then submit ops.
const socket = new Socket('/socket', {});
socket.connect();
const doc = socket.channel(cfg.phoenix.topic, {});
doc.on('op', (op) => line('doc-log', `op ${JSON.stringify(op)}`));
const push = (event, payload) =>
  doc.push(event, payload)
    .receive('ok', (r) => line('doc-log', `${event} ok ${JSON.stringify(r)}`))
    .receive('error', (r) => line('doc-log', `${event} error ${JSON.stringify(r)}`));
let n = 0;
const submitOp = () => push('submitOp', { type: 'op', contents: [{ insert: `edit ${++n}`, pos: 0 }] });
doc.join().receive('ok', () => {
  $('doc-state').textContent = 'joined';
  push('connect_document', { token: cfg.phoenix.token }).receive('ok', submitOp);
});
$('doc-op').onclick = submitOp;

// --- Expired token: the server accepts the upgrade and then closes with 4001.
const openExpired = () => {
  const ws = new WebSocket(`${wsBase}/ws/chat/${cfg.chat.conversation}/?token=${cfg.chat.expiredToken}`);
  ws.onopen = () => ($('expired-state').textContent = 'open');
  ws.onclose = (e) => {
    $('expired-state').textContent = `closed ${e.code}`;
    line('expired-log', `close code=${e.code} reason=${JSON.stringify(e.reason)} wasClean=${e.wasClean}`);
  };
};
openExpired();
$('expired-retry').onclick = openExpired;
