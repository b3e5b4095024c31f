import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('limit settings', () => {
  it('default to values a team does not reach', () => {
    expect(loadConfig({})).toMatchObject({
      namedVersionsPerHour: 60,
      namedVersionsBurst: 20,
      restoresPerHour: 60,
      restoresBurst: 20,
      docsPerHour: 100,
      docsBurst: 50,
      maxConnections: 10_000,
      maxConcurrentBodies: 32,
      bodyTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
    });
  });

  it('are read from the variables the README names', () => {
    const config = loadConfig({
      NAMED_VERSIONS_PER_HOUR: '1',
      NAMED_VERSIONS_BURST: '2',
      RESTORES_PER_HOUR: '3',
      RESTORES_BURST: '4',
      DOCS_PER_HOUR: '5',
      DOCS_BURST: '6',
      MAX_CONNECTIONS: '7',
      MAX_CONCURRENT_BODIES: '8',
      BODY_TIMEOUT_MS: '900',
      HEADERS_TIMEOUT_MS: '1000',
    });
    expect(config).toMatchObject({
      namedVersionsPerHour: 1,
      namedVersionsBurst: 2,
      restoresPerHour: 3,
      restoresBurst: 4,
      docsPerHour: 5,
      docsBurst: 6,
      maxConnections: 7,
      maxConcurrentBodies: 8,
      bodyTimeoutMs: 900,
      headersTimeoutMs: 1000,
    });
  });

  it('refuse a value that would switch the limit off, naming the variable', () => {
    expect(() => loadConfig({ DOCS_PER_HOUR: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_CONNECTIONS: 'lots' })).toThrow(/MAX_CONNECTIONS must be a whole number/);
  });
});
