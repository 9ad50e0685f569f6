// Writes the committed seed corpora (core/fuzz/corpus/<target>/) from the captured protocol
// fixtures: `node core/fuzz/make-corpus.mjs`. Inputs follow each target's format (see
// fuzz_targets/common.rs: one flag byte, bit 0 = outgoing, bit 1 = binary, bit 2 = truncated).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "tests", "fixtures", "protocols");
const load = (n) => JSON.parse(readFileSync(join(fixtures, `${n}.json`), "utf8"));
const all = readdirSync(fixtures).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));

const bytesOf = (f) => (f.op === "binary" ? Buffer.from(f.data, "base64") : Buffer.from(f.data, "utf8"));
const flags = (f) => (f.dir === "out" ? 1 : 0) | (f.op === "binary" ? 2 : 0);
const frameInput = (f) => Buffer.concat([Buffer.from([flags(f)]), bytesOf(f)]);

function write(target, inputs) {
  const dir = join(here, "corpus", target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seen = new Set();
  for (const input of inputs) {
    const name = createHash("sha1").update(input).digest("hex");
    if (seen.has(name)) continue;
    seen.add(name);
    writeFileSync(join(dir, name), input);
  }
  console.log(`${target}: ${seen.size} seeds`);
}

const framesOf = (...names) => names.flatMap((n) => load(n).frames.map(frameInput));
write("protocols_phoenix", framesOf("phoenix-v2", "phoenix-v1"));
write("protocols_socketio", framesOf("socketio"));
write("protocols_graphql", framesOf("graphql-ws", "subscriptions-transport-ws"));
write("protocols_actioncable", framesOf("actioncable"));
write("protocols_stomp", framesOf("stomp"));
write("protocols_signalr", framesOf("signalr"));
write("protocols_jsonrpc", framesOf("json-rpc"));
write("protocols_msgpack", [...framesOf("msgpack"), ...load("msgpack").frames.map((f) => Buffer.from(f.data, "base64"))]);
write("protocols_json", [...framesOf("django-channels", "generic-json"), ...framesOf("actioncable").slice(0, 3)]);

// Detection: each fixture as one sequence of [flags][len][bytes] records (frames cut to 255).
write("protocols_detect", all.map((n) => Buffer.concat(load(n).frames.map((f) => {
  const b = bytesOf(f).subarray(0, 255);
  return Buffer.concat([Buffer.from([flags(f), b.length]), b]);
}))));

// Schema batches: each fixture's sockets as the events the hook would send.
function events(fx) {
  const out = [];
  const t0 = 1700000000000;
  fx.sockets.forEach((s, i) => {
    const id = `p:${i + 1}`;
    out.push({ type: "socket", id, t: t0 + i, url: s.url, protocols: s.requested_protocols, stack: "", frame: "" });
    out.push({ type: "state", id, t: t0 + i + 0.5, state: "OPEN", protocol: s.protocol || "" });
    for (const f of fx.frames.filter((f) => f.socket === i)) {
      out.push({ type: "frame", id, t: t0 + f.t, dir: f.dir, op: f.op, size: bytesOf(f).length, data: f.data, truncated: false });
    }
    if (s.close) out.push({ type: "close", id, t: t0 + 10000, code: s.close.code, reason: s.close.reason, was_clean: true, initiator: "server" });
  });
  out.push({ type: "handshake", t: t0, url: fx.sockets[0].url, status: 101 });
  out.push({ type: "dropped", t: t0, frames: 1, bytes: 10 });
  return out.map((e, k) => ({ seq: k + 1, ...e }));
}
write("schema_batch", all.map((n) => Buffer.from(JSON.stringify({ v: 1, page: "p", events: events(load(n)) }))));

write("session_import", all.map((n) => Buffer.from(JSON.stringify({
  format: "socketscope-session", version: 1, schema_version: 1, generator: "seed", exported_at: 0, redacted: false,
  pages: [{ page: "p", tab: 1, events: events(load(n)) }],
}))));

write("har_import", all.map((n) => {
  const fx = load(n);
  return Buffer.from(JSON.stringify({ log: { version: "1.2", creator: { name: "WebInspector", version: "537.36" }, pages: [],
    entries: fx.sockets.map((s, i) => ({
      startedDateTime: new Date(1700000000000 + i).toISOString(), time: 10,
      request: { method: "GET", url: s.url, httpVersion: "HTTP/1.1", headers: s.requested_protocols.length ? [{ name: "Sec-WebSocket-Protocol", value: s.requested_protocols.join(", ") }] : [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
      response: { status: 101, statusText: "Switching Protocols", httpVersion: "HTTP/1.1", headers: s.protocol ? [{ name: "Sec-WebSocket-Protocol", value: s.protocol }] : [], cookies: [], content: { size: 0, mimeType: "x-unknown" }, redirectURL: "", headersSize: -1, bodySize: -1 },
      cache: {}, timings: { send: 0, wait: 1, receive: 0 }, _resourceType: "websocket",
      _webSocketMessages: fx.frames.filter((f) => f.socket === i).map((f) => ({ type: f.dir === "out" ? "send" : "receive", time: (1700000000000 + f.t) / 1000, opcode: f.op === "text" ? 1 : 2, data: f.data })),
      ...(s.close ? { _socketscope: { socket: `p:${i + 1}`, close: { code: s.close.code, reason: s.close.reason, wasClean: true, initiator: "server" } } } : {}),
    })) } }));
}));
