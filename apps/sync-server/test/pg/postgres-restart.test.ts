import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@tandem/crdt-bridge';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/cli/privatePostgres.js';
import { PgStore } from '../../src/storage/postgres/PgStore.js';
import { startTestServer, text, waitFor, type TestServer } from '../helpers.js';
import { storedInPostgres } from './testDatabases.js';

let ts: TestServer | null = null;
let postgres: PrivatePostgres | null = null;

afterEach(async () => {
  await ts?.stop({ wipe: true });
  await postgres?.stop();
  ts = null;
  postgres = null;
});

/** The document as PostgreSQL holds it, over a connection of its own. */
async function committedText(url: string, docId: string): Promise<string> {
  return (await storedInPostgres(url, docId)).doc.getText('t').toString();
}

describe('when PostgreSQL restarts under load', () => {
  it('acknowledges nothing while it is down, says so, and stores everything once it is back', async () => {
    // A server of this test's own, since it is stopped and started again.
    postgres = await startPrivatePostgres();
    const url = await postgres.createDatabase('tandem');
    ts = await startTestServer({}, { store: await PgStore.open(url, { nodeId: 'restart', poolSize: 4 }) });

    const writers = ['a', 'b'].map((name) => ({ name, session: ts!.client().open('busy') }));
    await Promise.all(writers.map((w) => w.session.whenSynced()));
    let typing = true;
    const typed = writers.map(async ({ name, session }) => {
      for (let i = 0; typing; i++) {
        session.doc.getText('t').insert(session.doc.getText('t').length, `${name}${i % 10}`);
        await new Promise((r) => setTimeout(r, 15));
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(writers.map((w) => w.session.whenSaved()));
    const savedBefore = text(writers[0]!.session);

    await postgres.stop({ keep: true });
    await waitFor(
      () => writers.every((w) => w.session.status.error?.code === ErrorCode.StorageUnavailable),
      'both editors are told the server cannot save',
      10_000,
    );
    // While it is down, typing goes on and nothing of it is acknowledged.
    await new Promise((r) => setTimeout(r, 500));
    expect(writers.every((w) => w.session.status.save === 'saving')).toBe(true);

    postgres = await startPrivatePostgres({ dir: postgres.socketDir });
    typing = false;
    await Promise.all(typed);
    await Promise.all(writers.map((w) => w.session.whenSaved()));
    await waitFor(() => text(writers[0]!.session) === text(writers[1]!.session), 'the writers converge');
    const final = text(writers[0]!.session);
    expect(final.length).toBeGreaterThan(savedBefore.length);
    expect(await committedText(url, 'busy')).toBe(final);
  });
});
