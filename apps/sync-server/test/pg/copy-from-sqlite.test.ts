import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgStore } from '../../src/storage/postgres/PgStore.js';
import { copySqliteToPostgres, TargetNotEmpty } from '../../src/storage/postgres/copyFromSqlite.js';
import { openPool } from '../../src/storage/postgres/pgPool.js';
import { SqliteStore } from '../../src/storage/SqliteStore.js';
import { startTestServer, tempDataDir, type TestServer } from '../helpers.js';
import { addParagraph, listVersions, nameVersion, person, textOf } from '../historyHelpers.js';
import { databaseFor } from './testDatabases.js';

let ts: TestServer | null = null;

afterEach(async () => {
  await ts?.stop({ wipe: true });
  ts = null;
});

describe('copying a SQLite database into PostgreSQL', () => {
  it('brings every document, its log, versions, authors and tombstones, and refuses a second copy', async () => {
    const dataDir = tempDataDir();
    ts = await startTestServer(
      { compactRows: 4 },
      { dataDir, store: new SqliteStore(path.join(dataDir, 'tandem.db')) },
    );
    const alice = await person(ts, 'plans', 'Alice');
    addParagraph(alice.doc, 'first plan');
    await alice.session.whenSaved();
    const named = await nameVersion(ts, 'plans', 'Draft one');
    for (let i = 0; i < 6; i++) {
      addParagraph(alice.doc, `line ${i}`);
      await alice.session.whenSaved();
    }
    const gone = await person(ts, 'gone', 'Bob');
    addParagraph(gone.doc, 'soon deleted');
    await gone.session.whenSaved();
    gone.session.destroy();
    expect((await fetch(`${ts.url}/api/docs/gone`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${ts.url}/api/trash/gone`, { method: 'DELETE' })).status).toBe(204);
    await fetch(`${ts.url}/api/docs`, { method: 'POST', body: JSON.stringify({ id: 'binned' }) });
    expect((await fetch(`${ts.url}/api/docs/binned`, { method: 'DELETE' })).status).toBe(200);
    const before = textOf(alice.doc);
    await ts.stop();
    ts = null;

    const sqlite = new SqliteStore(path.join(dataDir, 'tandem.db'));
    const storedVersions = (await sqlite.versions.listVersions('plans')).length;
    await sqlite.close();
    const url = await databaseFor(`copy ${randomUUID()}`);
    const pool = openPool(url, { max: 1 });
    try {
      const report = await copySqliteToPostgres(path.join(dataDir, 'tandem.db'), pool);
      expect(report).toMatchObject({ documents: 2, versions: storedVersions, tombstones: 1 });
      expect(report.authors).toBeGreaterThanOrEqual(1);
      await expect(copySqliteToPostgres(path.join(dataDir, 'tandem.db'), pool)).rejects.toBeInstanceOf(TargetNotEmpty);
    } finally {
      await pool.end();
    }

    ts = await startTestServer({}, { store: await PgStore.open(url, { nodeId: 'copied', poolSize: 2 }) });
    const reader = await person(ts, 'plans', 'Reader');
    expect(textOf(reader.doc)).toBe(before);
    const versions = await listVersions(ts, 'plans');
    expect(versions).toHaveLength(storedVersions);
    expect(versions.map((v) => v.name)).toContain(named.name);
    expect(await ts.server.store.get('gone')).toBeNull();
    expect(await ts.server.store.deletedAt('gone')).not.toBeNull();
    // A document in Trash stays there, restorable.
    expect(await ts.server.store.get('binned')).toBeNull();
    expect(await ts.server.store.trash.entry('binned')).not.toBeNull();
    expect(await ts.server.store.trash.restore('binned')).toMatchObject({ id: 'binned' });
    // The copied log goes on growing from where it ends, without gaps.
    addParagraph(reader.doc, 'after the move');
    await reader.session.whenSaved();
    const { rows } = await (ts.server.store as PgStore).pool.query<{ seq: number }>(
      'SELECT seq FROM updates WHERE doc_id = $1 ORDER BY seq',
      ['plans'],
    );
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  });
});
