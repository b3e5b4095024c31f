import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from './helpers.js';
import { addParagraph, listVersions, person, versionsWhen } from './historyHelpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Stores a snapshot of `docId` as if it had been taken `ageMs` ago. */
async function oldSnapshot(
  docId: string,
  ageMs: number,
  extra: { kind?: 'auto' | 'named' | 'restore-point'; name?: string } = {},
): Promise<number> {
  const doc = new Y.Doc();
  doc.getXmlFragment('prosemirror').push([new Y.XmlElement('paragraph')]);
  const version = await ts.server.store.versions!.addVersion({
    docId,
    kind: extra.kind ?? 'auto',
    name: extra.name ?? null,
    createdAt: Date.now() - ageMs,
    authors: ['Someone'],
    state: Y.encodeStateAsUpdate(doc),
  });
  return version.id;
}

describe('retention of automatic snapshots', () => {
  it('thins old ones by age when a new one is taken, keeping named versions and restored ones', async () => {
    ts = await startTestServer({ historyQuietMs: 50 });
    // Nobody edits until the old snapshots are in place: an edit's snapshot would thin them early.
    const alice = await person(ts, 'aged', 'Alice');

    // Kept: the last 24 h in full.
    const recent = [await oldSnapshot('aged', 2 * HOUR), await oldSnapshot('aged', 2 * HOUR + 60_000)];
    // Three days ago, within one hour: only the newest stays.
    const hourBase = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
    const inHour: number[] = [];
    for (const minute of [5, 15, 25]) inHour.push(await oldSnapshot('aged', Date.now() - (hourBase + minute * 60_000)));
    // Twenty days ago, within one day: only the newest stays.
    const dayBase = Math.floor((Date.now() - 20 * DAY) / DAY) * DAY;
    const inDay: number[] = [];
    for (const hour of [1, 5, 9]) inDay.push(await oldSnapshot('aged', Date.now() - (dayBase + hour * HOUR)));
    const named = await oldSnapshot('aged', 60 * DAY, { kind: 'named', name: 'Old but named' });
    const point = await oldSnapshot('aged', 61 * DAY, { kind: 'restore-point' });
    // Fifty days ago: the oldest of its day, so only being restored from keeps it.
    const day50 = Math.floor((Date.now() - 50 * DAY) / DAY) * DAY;
    const restored = await oldSnapshot('aged', Date.now() - (day50 + HOUR));
    const sameDay = await oldSnapshot('aged', Date.now() - (day50 + 3 * HOUR));
    const newestOfDay = await oldSnapshot('aged', Date.now() - (day50 + 5 * HOUR));
    // A restore pins the version it came from (and takes a restore point of its own).
    const res = await fetch(`${ts.url}/api/docs/aged/versions/${restored}/restore`, { method: 'POST' });
    expect(res.status).toBe(200);

    // New edits, then a quiet moment: a new snapshot, and retention runs.
    addParagraph(alice.doc, 'more');
    await alice.session.whenSaved();
    const versions = await versionsWhen(ts, 'aged', (list) => !list.some((v) => v.id === inHour[0]), 'thinning');
    const ids = new Set(versions.map((v) => v.id));
    for (const id of [...recent, inHour[2]!, inDay[2]!, named, point, restored, newestOfDay])
      expect(ids.has(id), `kept ${id}`).toBe(true);
    for (const id of [inHour[0]!, inHour[1]!, inDay[0]!, inDay[1]!, sameDay])
      expect(ids.has(id), `dropped ${id}`).toBe(false);
    expect(versions.find((v) => v.id === restored)?.pinned).toBe(true);
  });

  it('follows the configured windows', async () => {
    ts = await startTestServer({
      historyQuietMs: 50,
      historyKeepAllHours: 1,
      historyHourlyDays: 0,
      historyDailyDays: 2,
    });
    const alice = await person(ts, 'short', 'Alice');
    const young = await oldSnapshot('short', 30 * 60_000);
    const dayOld = await oldSnapshot('short', DAY);
    const tooOld = await oldSnapshot('short', 3 * DAY);
    addParagraph(alice.doc, 'edit');
    await alice.session.whenSaved();
    const versions = await versionsWhen(ts, 'short', (list) => !list.some((v) => v.id === tooOld), 'thinning');
    const ids = versions.map((v) => v.id);
    expect(ids).toContain(young);
    expect(ids).toContain(dayOld);
    expect((await listVersions(ts, 'short')).filter((v) => v.kind === 'auto')).toHaveLength(3);
  });
});
