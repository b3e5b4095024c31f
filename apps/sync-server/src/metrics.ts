import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the metrics read from the running server when scraped. */
export interface MetricsSources {
  connections: () => number;
  documentsLoaded: () => number;
  /** Loaded documents whose stored content is applied in memory (the others are held as their stored row). */
  documentsApplied: () => number;
  /** Work a document's owner does once (counted per node: on a cluster only the owner's count moves). */
  compactions: () => number;
  titlesStored: () => number;
  autoVersions: () => number;
  /** Search index writes from rooms (none when the store keeps no index). */
  searchTextsWritten: () => number;
}

/**
 * The server's own view of itself, in Prometheus format at `GET /metrics`:
 * traffic, acknowledgement latency, SQLite commit time, event-loop lag, memory.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Updates received from clients (applied or not). */
  readonly updatesIn = new Counter({
    name: 'tandem_updates_in_total',
    help: 'Yjs updates received from clients',
    registers: [this.registry],
  });
  /** Update messages sent to clients (one per recipient). */
  readonly updatesOut = new Counter({
    name: 'tandem_updates_out_total',
    help: 'Yjs update messages delivered to clients',
    registers: [this.registry],
  });
  /** Updates refused (malformed, forbidden, schema…), by error code. */
  readonly refused = new Counter({
    name: 'tandem_updates_refused_total',
    help: 'Updates refused, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  /** From receiving an update to acknowledging it as stored. */
  readonly ackSeconds = new Histogram({
    name: 'tandem_ack_latency_seconds',
    help: 'Time from receiving an update to acknowledging it as durably stored',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  /** One group-commit transaction. */
  readonly commitSeconds = new Histogram({
    name: 'tandem_sqlite_commit_seconds',
    help: 'Duration of one group-commit transaction',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  /** Writes refused because another node claimed their document (PostgreSQL; each closes the room here). */
  readonly fencedWrites = new Counter({
    name: 'tandem_fenced_writes_total',
    help: 'Writes refused by the ownership fence: another node had claimed the document',
    registers: [this.registry],
  });
  /** Updates per group commit. */
  readonly commitBatch = new Histogram({
    name: 'tandem_commit_batch_updates',
    help: 'Updates written per group-commit transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 500],
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
    counterReading(
      this.registry,
      'tandem_compactions_total',
      'Update logs replaced by their compacted state',
      sources.compactions,
    );
    counterReading(
      this.registry,
      'tandem_titles_stored_total',
      'Document titles stored for the list',
      sources.titlesStored,
    );
    counterReading(this.registry, 'tandem_auto_versions_total', 'Automatic versions stored', sources.autoVersions);
    counterReading(
      this.registry,
      'tandem_search_texts_written_total',
      'Document texts written to the search index from rooms',
      sources.searchTextsWritten,
    );
    new Gauge({
      name: 'tandem_connections',
      help: 'Open Socket.IO connections',
      registers: [this.registry],
      collect() {
        this.set(sources.connections());
      },
    });
    new Gauge({
      name: 'tandem_documents_loaded',
      help: 'Documents held in memory',
      registers: [this.registry],
      collect() {
        this.set(sources.documentsLoaded());
      },
    });
    new Gauge({
      name: 'tandem_documents_applied',
      help: 'Loaded documents whose content is applied in memory (others are served from their stored row)',
      registers: [this.registry],
      collect() {
        this.set(sources.documentsApplied());
      },
    });
  }
}

/** Adds to `registry` a counter that reads its running total from `read` when scraped. */
export function counterReading(registry: Registry, name: string, help: string, read: () => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      this.inc(now - reported);
      reported = now;
    },
  });
}
