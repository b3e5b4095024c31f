import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeDirectory } from '../../src/cluster/NodeDirectory.js';
import { OwnedElsewhere } from '../../src/storage/ownership.js';
import { PgStore } from '../../src/storage/postgres/PgStore.js';
import { databaseFor } from './testDatabases.js';

const log = pino({ level: 'silent' });
const stores: PgStore[] = [];
const directories: NodeDirectory[] = [];

afterEach(async () => {
  await Promise.all(directories.splice(0).map((d) => d.leave()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** A node of a cluster on `url`, without a server: its store (claiming as one of several) and its directory entry. */
async function node(url: string, id: string, leaseMs = 60_000): Promise<{ store: PgStore; directory: NodeDirectory }> {
  const store = await PgStore.open(url, { nodeId: id, poolSize: 2, shared: true });
  stores.push(store);
  const directory = await NodeDirectory.join(store.pool, url, { id, address: `http://${id}.invalid`, leaseMs }, log);
  directories.push(directory);
  return { store, directory };
}

describe('claims among several nodes', () => {
  it('take a document only from no one or from a node that is gone, and say who owns it otherwise', async () => {
    const url = await databaseFor(`directory ${randomUUID()}`);
    const a = await node(url, 'a');
    const b = await node(url, 'b');
    await a.store.ensure('doc', Date.now());
    expect(await a.store.load('doc', 'own')).not.toBeNull();

    // B asks while A is alive: not B's to take. B is told where it runs.
    const refused = await b.store.load('doc', 'own').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OwnedElsewhere);
    expect((refused as OwnedElsewhere).owner).toBe('a');
    expect(await b.directory.ownerOf('doc')).toEqual({ id: 'a', address: 'http://a.invalid' });
    expect(await a.directory.ownerOf('doc')).toBeNull();

    // A's process goes (its liveness lock with it): B may take over at once, without waiting for the lease.
    await a.directory.leave();
    expect(await b.directory.ownerOf('doc')).toBeNull();
    expect(await b.store.load('doc', 'own')).not.toBeNull();
    expect(await b.directory.ownerOf('doc')).toBeNull();
    expect(await a.directory.ownerOf('doc')).toEqual({ id: 'b', address: 'http://b.invalid' });
  });

  it('count a node whose lease ran out as gone even while its process holds the lock', async () => {
    const url = await databaseFor(`directory ${randomUUID()}`);
    const a = await node(url, 'a', 600);
    const b = await node(url, 'b');
    await a.store.ensure('doc', Date.now());
    await a.store.load('doc', 'own');
    expect(await b.directory.ownerOf('doc')).not.toBeNull();
    // A stops renewing (as a paused process would) but keeps its session and lock.
    (a.directory as unknown as { stopped: boolean }).stopped = true;
    await new Promise((r) => setTimeout(r, 900));
    expect(await b.directory.ownerOf('doc')).toBeNull();
    await expect(b.store.load('doc', 'own')).resolves.not.toBeNull();
  });
});
