import { quotaIdentity } from '../limits/identity.js';
import type { QuotaRefusal, Quotas } from '../limits/Quotas.js';
import { BadRequest } from './json.js';
import type { RouteContext } from './router.js';

function refuse(refusal: QuotaRefusal | null): void {
  if (refusal) throw new BadRequest(429, 'RATE_LIMITED', refusal.message, refusal.retryAfterMs / 1000);
}

/** Counts a document the asker is about to create; over their hourly quota, throws a 429 saying when to retry. */
export function takeDocumentCreation(quotas: Quotas, ctx: RouteContext): void {
  refuse(quotas.documentCreation(quotaIdentity(ctx.user, ctx.req.socket.remoteAddress)));
}

/** Counts an image the asker uploads; over their hourly quota, throws a 429 saying when to retry. */
export function takeImageUpload(quotas: Quotas, ctx: RouteContext): void {
  refuse(quotas.imageUpload(quotaIdentity(ctx.user, ctx.req.socket.remoteAddress)));
}

/** Counts a named version of `docId`; over the document's hourly limit, throws a 429 saying when to retry. */
export function takeNamedVersion(quotas: Quotas, docId: string): void {
  refuse(quotas.namedVersion(docId));
}

/** Counts a restore of `docId`; over the document's hourly limit, throws a 429 saying when to retry. */
export function takeRestore(quotas: Quotas, docId: string): void {
  refuse(quotas.restore(docId));
}
