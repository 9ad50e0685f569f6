// The Levee DocumentChannel from shared/context/phoenix-channel-debugging.txt, on top of
// phoenix-protocol.mjs. What it mirrors, and so what the tests and the panel can reproduce:
//   - topic "document:<tenant>:<document>"; join validates the shape but does not authenticate;
//   - connect_document {token}: HS256 with the tenant's own secret; errors invalid_signature,
//     token_expired, missing_claims; scope doc:read; ok reply {clientId};
//   - submitOp: not_authenticated before connect_document; scope doc:write; ops broadcast as
//     "op" to everyone joined on the topic (the sender too, as Levee's sequenced ops are);
//   - "session not found" when the document has no session (not registered, or stopped);
//   - any other event has no handle_in clause: the channel crashes and the client gets phx_error.
import { verify } from './jwt.mjs';

export const REQUIRED_CLAIMS = ['tenantId', 'documentId', 'scopes', 'user'];

/**
 * @param {object} opts
 * @param {Record<string,string>} opts.tenants  tenant id -> HS256 secret (TenantSecrets)
 * @param {string[]} opts.documents  "tenant:document" pairs that have a running Session
 */
export function documentChannel({ tenants, documents }) {
  const sessions = new Map(documents.map((key) => [key, { seq: 0, clients: 0 }]));
  let nextClient = 1;

  const channel = {
    pattern: 'document:*',

    join(topic, _payload, ctx) {
      const [, tenantId, documentId, ...rest] = topic.split(':');
      if (!tenantId || !documentId || rest.length) return { error: { reason: 'invalid_topic' } };
      ctx.assigns = { tenantId, documentId, authenticated: false };
      return { ok: {} };
    },

    handleIn(event, payload, ctx) {
      const a = ctx.assigns;
      const session = () => sessions.get(`${a.tenantId}:${a.documentId}`);
      switch (event) {
        case 'connect_document': {
          const secret = tenants[a.tenantId];
          // An unknown tenant has no secret, so no signature can verify (Levee answers the same).
          const res = secret ? verify(payload?.token, secret, { required: REQUIRED_CLAIMS }) : { ok: false, reason: 'invalid_signature' };
          if (!res.ok) return { reply: ['error', { reason: res.reason === 'malformed' ? 'invalid_signature' : res.reason }] };
          const scopes = res.claims.scopes;
          if (!Array.isArray(scopes) || !scopes.includes('doc:read')) {
            return { reply: ['error', { reason: 'missing scope doc:read', required_scope: 'doc:read', scopes }] };
          }
          const s = session();
          if (!s) return { reply: ['error', { reason: 'session not found' }] };
          s.clients += 1;
          Object.assign(a, { authenticated: true, scopes, user: res.claims.user, clientId: `client-${nextClient++}` });
          return { reply: ['ok', { clientId: a.clientId }] };
        }
        case 'submitOp': {
          if (!a.authenticated) return { reply: ['error', { reason: 'not_authenticated' }] };
          if (!a.scopes.includes('doc:write')) {
            return { reply: ['error', { reason: 'missing scope doc:write', required_scope: 'doc:write', scopes: a.scopes }] };
          }
          const s = session();
          if (!s) return { reply: ['error', { reason: 'session not found' }] };
          if (!payload || typeof payload !== 'object' || !('contents' in payload)) {
            return { reply: ['error', { reason: 'invalid_op' }] };
          }
          s.seq += 1;
          ctx.broadcast('op', { clientId: a.clientId, sequenceNumber: s.seq, type: payload.type ?? 'op', contents: payload.contents });
          return { reply: ['ok', { sequenceNumber: s.seq }] };
        }
        case 'submitSignal': {
          if (!a.authenticated) return { reply: ['error', { reason: 'not_authenticated' }] };
          ctx.broadcastFrom('signal', { clientId: a.clientId, content: payload?.content ?? null });
          return { reply: ['ok', {}] };
        }
        default:
          // Elixir: no matching handle_in/3 clause -> FunctionClauseError -> the channel dies.
          throw new Error(`no handle_in clause for ${event}`);
      }
    },
  };

  return {
    channel,
    /** Stops a document's Session (the GenServer crashed or timed out), so later ops get "session not found". */
    stopSession: (tenantId, documentId) => sessions.delete(`${tenantId}:${documentId}`),
    startSession: (tenantId, documentId) => sessions.set(`${tenantId}:${documentId}`, { seq: 0, clients: 0 }),
  };
}
