import type pg from 'pg';
import type { ImageMime } from '../../images/sniff.js';
import type { ImageAttachment, ImageStore, NewImage, StoredImage } from '../ImageStore.js';
import { asBuffer, inTransaction } from './transaction.js';

/** Images in PostgreSQL, so every node of a cluster serves the same ones. */
export class PgImageStore implements ImageStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(docId: string, image: NewImage, now: number): Promise<boolean> {
    const { id, mime, width, height, bytes } = image;
    return inTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        `INSERT INTO images (id, mime, width, height, size, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [id, mime, width, height, bytes.length, asBuffer(bytes), now],
      );
      await client.query(
        `INSERT INTO document_images (doc_id, image_id, attached_at) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id, image_id) DO NOTHING`,
        [docId, id, now],
      );
      return (inserted.rowCount ?? 0) > 0;
    });
  }

  async copyAttachments(from: string, to: string, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO document_images (doc_id, image_id, attached_at)
       SELECT $1, image_id, $2 FROM document_images WHERE doc_id = $3 ON CONFLICT DO NOTHING`,
      [to, now, from],
    );
  }

  async load(docId: string, imageId: string): Promise<StoredImage | null> {
    const { rows } = await this.pool.query<{ mime: ImageMime; width: number; height: number; bytes: Buffer }>(
      `SELECT i.mime, i.width, i.height, i.bytes FROM images i
         JOIN document_images d ON d.image_id = i.id WHERE d.doc_id = $1 AND d.image_id = $2`,
      [docId, imageId],
    );
    const row = rows[0];
    return row ? { mime: row.mime, width: row.width, height: row.height, bytes: new Uint8Array(row.bytes) } : null;
  }

  async attachedBefore(before: number, limit: number): Promise<ImageAttachment[]> {
    const { rows } = await this.pool.query<{ doc_id: string; image_id: string; attached_at: string }>(
      'SELECT * FROM document_images WHERE attached_at < $1 ORDER BY attached_at, doc_id, image_id LIMIT $2',
      [before, limit],
    );
    return rows.map((row) => ({ docId: row.doc_id, imageId: row.image_id, attachedAt: Number(row.attached_at) }));
  }

  async touch(docId: string, imageId: string, now: number): Promise<void> {
    await this.pool.query('UPDATE document_images SET attached_at = $1 WHERE doc_id = $2 AND image_id = $3', [
      now,
      docId,
      imageId,
    ]);
  }

  async detach(docId: string, imageId: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM document_images WHERE doc_id = $1 AND image_id = $2', [docId, imageId]);
      await client.query(
        'DELETE FROM images WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM document_images WHERE image_id = $1)',
        [imageId],
      );
    });
  }

  async deleteOrphans(before: number): Promise<number> {
    const result = await this.pool.query(
      'DELETE FROM images i WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM document_images d WHERE d.image_id = i.id)',
      [before],
    );
    return result.rowCount ?? 0;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM images');
    return Number(rows[0]!.n);
  }
}
