// useChat: the hook the guide's frontend/src/hooks/useChat.ts describes. Connects with the JWT in
// ?token=, sends messages, assembles streamed tokens into the reply, answers the server's
// advertised heartbeat interval with pings, and reconnects with exponential backoff.
import { useCallback, useEffect, useRef, useState } from 'react';

// No retry when retrying cannot help: the same token or Origin would be refused again.
const PERMANENT = new Set([4001, 4003]);
const STABLE_MS = 5000;

export function backoffMs(attempt, baseMs, capMs = 10000) {
  return Math.min(capMs, baseMs * 2 ** attempt);
}

export function useChat({ url, token, heartbeat = true, maxRetries = 5, backoffBaseMs = 500 }) {
  const [status, setStatus] = useState('connecting');
  const [messages, setMessages] = useState([]); // {role, id, text, done}
  const [closes, setCloses] = useState([]); // {code, wasClean, at}
  const [attempt, setAttempt] = useState(0); // connection generation: each reconnect bumps it
  // Consecutive short-lived connections. Reset only after a connection stayed up for STABLE_MS,
  // so a server that accepts and then closes at once (4004, idle) still backs off and gives up.
  const failures = useRef(0);
  const wsRef = useRef(null);

  useEffect(() => {
    let stopped = false;
    let retryTimer;
    let pingTimer;
    const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
    wsRef.current = ws;
    setStatus(attempt ? 'reconnecting' : 'connecting');

    let openedAt = 0;
    ws.onopen = () => {
      openedAt = Date.now();
      setStatus('open');
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      switch (msg.type) {
        case 'connection_established':
          if (heartbeat) pingTimer = setInterval(() => ws.send(JSON.stringify({ type: 'ping', ts: Date.now() })), msg.heartbeat_interval * 1000);
          break;
        case 'stream_start':
          setMessages((m) => [...m, { role: 'assistant', id: msg.message_id, text: '', done: false }]);
          break;
        case 'stream_token':
          setMessages((m) => m.map((x) => (x.id === msg.message_id ? { ...x, text: x.text + msg.token } : x)));
          break;
        case 'stream_end':
          setMessages((m) => m.map((x) => (x.id === msg.message_id ? { ...x, text: msg.content, done: true } : x)));
          break;
        default:
          break;
      }
    };
    ws.onclose = (e) => {
      clearInterval(pingTimer);
      setCloses((c) => [...c, { code: e.code, wasClean: e.wasClean, at: Date.now() }]);
      if (stopped) return;
      if (openedAt && Date.now() - openedAt > STABLE_MS) failures.current = 0;
      if (e.code === 1000 && e.wasClean) return setStatus('closed');
      if (PERMANENT.has(e.code) || failures.current >= maxRetries) return setStatus(`failed ${e.code}`);
      const delay = backoffMs(failures.current++, backoffBaseMs);
      setStatus(`retrying in ${delay} ms`);
      retryTimer = setTimeout(() => setAttempt((a) => a + 1), delay);
    };
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      ws.close();
    };
  }, [url, token, heartbeat, maxRetries, backoffBaseMs, attempt]);

  const send = useCallback((content) => {
    setMessages((m) => [...m, { role: 'user', id: `u${Date.now()}`, text: content, done: true }]);
    wsRef.current?.send(JSON.stringify({ type: 'message', content }));
  }, []);
  const sendRaw = useCallback((text) => wsRef.current?.send(text), []);

  return { status, messages, closes, attempt, send, sendRaw };
}
