import type { Database } from 'better-sqlite3';
import type { ImageMime } from '../images/sniff.js';
import type { ImageAttachment, ImageStore, NewImage, StoredImage } from './ImageStore.js';

interface ImageRow {
  mime: ImageMime;
  width: number;
  height: number;
  bytes: Buffer;
}

interface AttachmentRow {
  doc_id: string;
  image_id: string;
  attached_at: number;
}

/** Images in the SQLite database, next to the documents they belong to (so backups hold them). */
export class SqliteImageStore implements ImageStore {
  private readonly stmts;
  private readonly putTx;
  private readonly detachTx;

  constructor(db: Database) {
    this.stmts = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO images (id, mime, width, height, size, bytes, created_at)
         VALUES (@id, @mime, @width, @height, @size, @bytes, @now)`,
      ),
      attach: db.prepare('INSERT OR IGNORE INTO document_images (doc_id, image_id, attached_at) VALUES (?, ?, ?)'),
      copy: db.prepare(
        `INSERT OR IGNORE INTO document_images (doc_id, image_id, attached_at)
         SELECT ?, image_id, ? FROM document_images WHERE doc_id = ?`,
      ),
      load: db.prepare<[string, string], ImageRow>(
        `SELECT i.mime, i.width, i.height, i.bytes FROM images i
           JOIN document_images d ON d.image_id = i.id WHERE d.doc_id = ? AND d.image_id = ?`,
      ),
      before: db.prepare<[number, number], AttachmentRow>(
        'SELECT * FROM document_images WHERE attached_at < ? ORDER BY attached_at, doc_id, image_id LIMIT ?',
      ),
      touch: db.prepare('UPDATE document_images SET attached_at = ? WHERE doc_id = ? AND image_id = ?'),
      detach: db.prepare('DELETE FROM document_images WHERE doc_id = ? AND image_id = ?'),
      deleteOrphan: db.prepare(
        'DELETE FROM images WHERE id = ? AND NOT EXISTS (SELECT 1 FROM document_images WHERE image_id = ?)',
      ),
      orphans: db.prepare(
        'DELETE FROM images WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM document_images WHERE image_id = images.id)',
      ),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM images'),
    };
    this.putTx = db.transaction((docId: string, image: NewImage, now: number): boolean => {
      const { id, mime, width, height, bytes } = image;
      const added = this.stmts.insert.run({ id, mime, width, height, size: bytes.length, bytes, now }).changes > 0;
      this.stmts.attach.run(docId, id, now);
      return added;
    });
    this.detachTx = db.transaction((docId: string, imageId: string) => {
      this.stmts.detach.run(docId, imageId);
      this.stmts.deleteOrphan.run(imageId, imageId);
    });
  }

  async put(docId: string, image: NewImage, now: number): Promise<boolean> {
    return this.putTx(docId, image, now);
  }

  async copyAttachments(from: string, to: string, now: number): Promise<void> {
    this.stmts.copy.run(to, now, from);
  }

  async load(docId: string, imageId: string): Promise<StoredImage | null> {
    const row = this.stmts.load.get(docId, imageId);
    if (!row) return null;
    return { mime: row.mime, width: row.width, height: row.height, bytes: new Uint8Array(row.bytes) };
  }

  async attachedBefore(before: number, limit: number): Promise<ImageAttachment[]> {
    return this.stmts.before
      .all(before, limit)
      .map((row) => ({ docId: row.doc_id, imageId: row.image_id, attachedAt: row.attached_at }));
  }

  async touch(docId: string, imageId: string, now: number): Promise<void> {
    this.stmts.touch.run(now, docId, imageId);
  }

  async detach(docId: string, imageId: string): Promise<void> {
    this.detachTx(docId, imageId);
  }

  async deleteOrphans(before: number): Promise<number> {
    return this.stmts.orphans.run(before).changes;
  }

  async count(): Promise<number> {
    return this.stmts.count.get()!.n;
  }
}
