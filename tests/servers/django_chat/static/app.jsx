// The chat page. Query: token, conversation (default "c1"), route ("chat" or "legacy-chat"),
// send (a message to send once open), heartbeat=0 (no pings), retries, backoff (base ms).
// State is mirrored on window.chat for tests; everything renders as text (React escapes it).
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from './useChat.js';

const q = new URLSearchParams(location.search);
const route = q.get('route') || 'chat';
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/${route}/${q.get('conversation') || 'c1'}/`;

function App() {
  const chat = useChat({
    url,
    token: q.get('token') || '',
    heartbeat: q.get('heartbeat') !== '0',
    maxRetries: Number(q.get('retries') ?? 5),
    backoffBaseMs: Number(q.get('backoff') ?? 500),
  });
  const [draft, setDraft] = useState('hello');
  const sentFirst = useRef(false);
  useEffect(() => {
    window.chat = { status: chat.status, messages: chat.messages, closes: chat.closes, attempt: chat.attempt, send: chat.send, sendRaw: chat.sendRaw };
    if (chat.status === 'open' && q.get('send') && !sentFirst.current) {
      sentFirst.current = true;
      chat.send(q.get('send'));
    }
  });
  return (
    <main>
      <h1>Chat {url}</h1>
      <p>Status: <span className="status" id="status">{chat.status}</span> (attempt {chat.attempt})</p>
      <form onSubmit={(e) => { e.preventDefault(); chat.send(draft); }}>
        <input id="draft" value={draft} onChange={(e) => setDraft(e.target.value)} size="40" /> <button>Send</button>
      </form>
      <div id="messages">
        {chat.messages.map((m) => (
          <p key={m.id} className={`msg ${m.role}`}>{m.role}: {m.text}{m.done ? '' : ' …'}</p>
        ))}
      </div>
      <pre id="closes">{chat.closes.map((c) => `closed code=${c.code} wasClean=${c.wasClean}`).join('\n')}</pre>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
