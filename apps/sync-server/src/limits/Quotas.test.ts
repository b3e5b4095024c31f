import { describe, expect, it } from 'vitest';
import { Quotas, waitInWords } from './Quotas.js';

describe('waitInWords', () => {
  it('says a wait the way a person would', () => {
    expect(waitInWords(0)).toBe('in 1 second');
    expect(waitInWords(1_000)).toBe('in 1 second');
    expect(waitInWords(12_400)).toBe('in 13 seconds');
    expect(waitInWords(60_000)).toBe('in 1 minute');
    expect(waitInWords(61_000)).toBe('in 2 minutes');
    expect(waitInWords(59 * 60_000)).toBe('in 59 minutes');
    expect(waitInWords(60 * 60_000)).toBe('in about an hour');
    expect(waitInWords(150 * 60_000)).toBe('in about 3 hours');
  });
});

describe('Quotas', () => {
  it('keeps documents, named versions and restores apart, each with its own keys', () => {
    let now = 0;
    const quotas = new Quotas(
      {
        namedVersionsPerHour: 60,
        namedVersionsBurst: 1,
        restoresPerHour: 60,
        restoresBurst: 1,
        docsPerHour: 60,
        docsBurst: 1,
        imagesPerHour: 60,
        imagesBurst: 1,
      },
      () => now,
    );
    expect(quotas.namedVersion('a')).toBeNull();
    expect(quotas.restore('a')).toBeNull();
    expect(quotas.documentCreation('address:1.2.3.4')).toBeNull();
    expect(quotas.imageUpload('address:1.2.3.4')).toBeNull();
    expect(quotas.imageUpload('address:1.2.3.4')?.message).toBe(
      'You have added many images recently. You can add another in 1 minute.',
    );
    expect(quotas.namedVersion('b')).toBeNull();
    expect(quotas.namedVersion('a')).toEqual({
      retryAfterMs: 60_000,
      message: 'This document has been given many named versions recently. You can name another in 1 minute.',
    });
    expect(quotas.documentCreation('address:1.2.3.4')?.message).toBe(
      'You have created too many documents recently. You can create another in 1 minute.',
    );
    now += 60_000;
    expect(quotas.namedVersion('a')).toBeNull();
  });
});
