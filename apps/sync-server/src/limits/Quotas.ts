import { RateLimiter, perHour } from './RateLimiter.js';

/** How often one document may be given a named version or restored, and how many documents one identity may create. */
export interface QuotaSettings {
  namedVersionsPerHour: number;
  namedVersionsBurst: number;
  restoresPerHour: number;
  restoresBurst: number;
  docsPerHour: number;
  docsBurst: number;
  imagesPerHour: number;
  imagesBurst: number;
}

/** Why something was refused, and when trying again makes sense. */
export interface QuotaRefusal {
  retryAfterMs: number;
  /** A sentence for the person: what happened and when to try again. */
  message: string;
}

/** "in 12 seconds", "in 3 minutes", "in about an hour": a wait in words. */
export function waitInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'in about an hour' : `in about ${hours} hours`;
}

/**
 * What one identity or one document may ask of the server per hour, beyond single
 * messages: each check takes one token and, over the limit, says why and when to retry.
 */
export class Quotas {
  private readonly namedVersions: RateLimiter;
  private readonly restores: RateLimiter;
  private readonly documents: RateLimiter;
  private readonly images: RateLimiter;

  constructor(settings: QuotaSettings, now?: () => number) {
    const options = now ? { now } : {};
    this.namedVersions = new RateLimiter(perHour(settings.namedVersionsPerHour, settings.namedVersionsBurst), options);
    this.restores = new RateLimiter(perHour(settings.restoresPerHour, settings.restoresBurst), options);
    this.documents = new RateLimiter(perHour(settings.docsPerHour, settings.docsBurst), options);
    this.images = new RateLimiter(perHour(settings.imagesPerHour, settings.imagesBurst), options);
  }

  /** One more image uploaded by `identity` (see `quotaIdentity`): disk grows by at most this many images an hour; null when allowed. */
  imageUpload(identity: string): QuotaRefusal | null {
    const decision = this.images.take(identity);
    if (decision.ok) return null;
    return {
      retryAfterMs: decision.retryAfterMs,
      message: `You have added many images recently. You can add another ${waitInWords(decision.retryAfterMs)}.`,
    };
  }

  /** One more document created by `identity` (see `quotaIdentity`); null when allowed. */
  documentCreation(identity: string): QuotaRefusal | null {
    const decision = this.documents.take(identity);
    if (decision.ok) return null;
    return {
      retryAfterMs: decision.retryAfterMs,
      message: `You have created too many documents recently. You can create another ${waitInWords(decision.retryAfterMs)}.`,
    };
  }

  /** One more named version of `docId`; null when allowed. */
  namedVersion(docId: string): QuotaRefusal | null {
    const decision = this.namedVersions.take(docId);
    if (decision.ok) return null;
    return {
      retryAfterMs: decision.retryAfterMs,
      message: `This document has been given many named versions recently. You can name another ${waitInWords(decision.retryAfterMs)}.`,
    };
  }

  /** One more restore of `docId`; null when allowed. */
  restore(docId: string): QuotaRefusal | null {
    const decision = this.restores.take(docId);
    if (decision.ok) return null;
    return {
      retryAfterMs: decision.retryAfterMs,
      message: `This document has been restored many times recently. You can restore it again ${waitInWords(decision.retryAfterMs)}.`,
    };
  }
}
