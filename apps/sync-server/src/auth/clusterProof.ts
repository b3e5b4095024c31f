import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a node proves itself to another with, on HTTP requests and socket handshakes it forwards. */
export const CLUSTER_HEADER = 'x-tandem-cluster';

/** How far a proof's time may be from the receiver's clock. */
const MAX_SKEW_MS = 60_000;

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** A proof that the sender is node `nodeId` of the cluster sharing `secret`: `<node>.<time>.<hmac>`. */
export function clusterProof(secret: string, nodeId: string, now = Date.now()): string {
  const payload = `${nodeId}.${now}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** The node id a proof was made by, or null when it was not made with `secret` (or is too old). */
export function verifyClusterProof(secret: string, proof: unknown, now = Date.now()): string | null {
  if (typeof proof !== 'string' || proof.length > 300) return null;
  const last = proof.lastIndexOf('.');
  const payload = proof.slice(0, last);
  const time = Number(payload.slice(payload.lastIndexOf('.') + 1));
  if (last < 0 || !Number.isFinite(time) || Math.abs(now - time) > MAX_SKEW_MS) return null;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(proof.slice(last + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return payload.slice(0, payload.lastIndexOf('.'));
}

/** The node that forwarded `req`, when it carries a valid proof; null for everyone else (and outside a cluster). */
export function forwardingNode(req: IncomingMessage, secret: string | null): string | null {
  return secret === null ? null : verifyClusterProof(secret, req.headers[CLUSTER_HEADER]);
}
