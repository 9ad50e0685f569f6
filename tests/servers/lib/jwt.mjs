// HS256 JSON Web Tokens with node:crypto only: the demo, the Phoenix-protocol server and the tests
// mint and check tokens here, so a token the tests build is byte-for-byte what a real server checks.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const json64 = (obj) => b64url(JSON.stringify(obj));

/** A fresh random secret (the demo makes one per start, so no secret is ever committed). */
export const newSecret = () => randomBytes(32).toString('base64url');

/** Seconds since the epoch, the unit of `exp`, `iat` and `nbf`. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs `claims` with HS256. `header` extras (e.g. a `kid`) are merged into the JOSE header. */
export function sign(claims, secret, header = {}) {
  const signingInput = `${json64({ alg: 'HS256', typ: 'JWT', ...header })}.${json64(claims)}`;
  const sig = createHmac('sha256', secret).update(signingInput).digest();
  return `${signingInput}.${b64url(sig)}`;
}

/** Decodes without checking anything; null when the token is not three base64url JSON parts. */
export function decodeUnverified(token) {
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      claims: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
    };
  } catch {
    return null;
  }
}

/**
 * Verifies an HS256 token. Returns `{ok: true, claims}` or `{ok: false, reason}` where reason is
 * one of `malformed`, `invalid_signature`, `token_expired`, `missing_claims` (the vocabulary of
 * the Levee guide, which the Django middleware maps onto close code 4001 as well).
 */
export function verify(token, secret, { required = [], now = nowSeconds() } = {}) {
  const decoded = decodeUnverified(token);
  if (!decoded || decoded.header.alg !== 'HS256') return { ok: false, reason: 'malformed' };
  const [h, p, s] = token.split('.');
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid_signature' };
  }
  const { claims } = decoded;
  if (typeof claims.exp === 'number' && claims.exp <= now) return { ok: false, reason: 'token_expired', claims };
  if (required.some((k) => claims[k] === undefined)) return { ok: false, reason: 'missing_claims', claims };
  return { ok: true, claims };
}
