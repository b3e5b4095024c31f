import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * SQLite in WAL mode appends committed transactions to `<db>-wal` and copies them into
 * the database file later (a checkpoint). After a crash, a database opened without its
 * WAL opens fine, silently without every transaction not yet checkpointed; a truncated
 * or corrupted WAL loses everything from the first bad frame on. SQLite cannot notice:
 * the first connection to open the database rebuilds the WAL index (`<db>-shm`) from
 * whatever WAL it finds. But until then the index still says what the WAL held when the
 * last process stopped: how many frames belong to committed transactions, the WAL's
 * salts, and the checksum after the last of them. This module compares the two before
 * SQLite opens the database. Formats: https://www.sqlite.org/walformat.html and
 * https://www.sqlite.org/fileformat2.html#walformat.
 */

const WAL_MAGIC = 0x377f0682;
const WAL_VERSION = 3007000;
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** One copy of the wal-index header (WalIndexHdr); the file starts with two, then the checkpoint info. */
const INDEX_HEADER_BYTES = 48;
const INDEX_PREFIX_BYTES = 136;

/** What the wal-index says the WAL must hold. */
interface WalIndexClaim {
  /** Frames of committed transactions in the WAL. */
  mxFrame: number;
  /** Frames already copied into the database file. */
  nBackfill: number;
  pageSize: number;
  /** The WAL header's salts, as stored (8 bytes). */
  salt: Buffer;
  /** The cumulative checksum after frame `mxFrame`. */
  frameChecksum: [number, number];
}

/**
 * SQLite's WAL checksum: 32-bit words (big-endian or little-endian as the WAL says)
 * summed in pairs, continuing from `seed`.
 */
function walChecksum(
  data: Buffer,
  start: number,
  end: number,
  bigEndian: boolean,
  seed: [number, number],
): [number, number] {
  let s0 = seed[0];
  let s1 = seed[1];
  for (let i = start; i < end; i += 8) {
    const a = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const b = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + a + s1) >>> 0;
    s1 = (s1 + b + s0) >>> 0;
  }
  return [s0, s1];
}

function readPrefix(file: string, bytes: number): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(bytes);
    return fs.readSync(fd, buffer, 0, bytes, 0) === bytes ? buffer : null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What the wal-index (`-shm`) claims, or null when it claims nothing we can trust: no
 * file, not initialised, its two header copies differ (a write was cut short) or its
 * checksum fails. The file is in the byte order of the machine that wrote it.
 */
function readIndexClaim(shmFile: string): WalIndexClaim | null {
  const prefix = readPrefix(shmFile, INDEX_PREFIX_BYTES);
  if (prefix === null) return null;
  const header = prefix.subarray(0, INDEX_HEADER_BYTES);
  if (!header.equals(prefix.subarray(INDEX_HEADER_BYTES, 2 * INDEX_HEADER_BYTES))) return null;
  const little = os.endianness() === 'LE';
  const u32 = (offset: number): number => (little ? prefix.readUInt32LE(offset) : prefix.readUInt32BE(offset));
  if (u32(0) !== WAL_VERSION || prefix[12] !== 1) return null;
  const [c0, c1] = walChecksum(header, 0, 40, !little, [0, 0]);
  if (c0 !== u32(40) || c1 !== u32(44)) return null;
  const rawPageSize = little ? prefix.readUInt16LE(14) : prefix.readUInt16BE(14);
  return {
    mxFrame: u32(16),
    nBackfill: u32(2 * INDEX_HEADER_BYTES),
    // 65536 does not fit in 16 bits; SQLite stores it as 1.
    pageSize: (rawPageSize & 0xfe00) + ((rawPageSize & 1) << 16),
    salt: Buffer.from(prefix.subarray(32, 40)),
    frameChecksum: [u32(24), u32(28)],
  };
}

/** Why the WAL does not hold what the index claims (a phrase to follow "but"), or null when it does. */
function walShortfall(walFile: string, claim: WalIndexClaim): string | null {
  const name = path.basename(walFile);
  if (!fs.existsSync(walFile)) return `${name} is missing`;
  const size = fs.statSync(walFile).size;
  const frameBytes = FRAME_HEADER_BYTES + claim.pageSize;
  const needed = WAL_HEADER_BYTES + claim.mxFrame * frameBytes;
  if (size < needed) {
    const frames = Math.max(0, Math.floor((size - WAL_HEADER_BYTES) / frameBytes));
    return `${name} is cut short and holds only ${frames} of them`;
  }
  const fd = fs.openSync(walFile, 'r');
  try {
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    fs.readSync(fd, header, 0, WAL_HEADER_BYTES, 0);
    const magic = header.readUInt32BE(0);
    const bigEndian = (magic & 1) === 1;
    let sum = walChecksum(header, 0, 24, bigEndian, [0, 0]);
    if (
      (magic & ~1) >>> 0 !== WAL_MAGIC ||
      header.readUInt32BE(4) !== WAL_VERSION ||
      sum[0] !== header.readUInt32BE(24) ||
      sum[1] !== header.readUInt32BE(28)
    )
      return `${name} has a damaged header`;
    if (!header.subarray(16, 24).equals(claim.salt) || header.readUInt32BE(8) !== claim.pageSize)
      return `${name} is another log (an older copy, or another database's)`;
    const frame = Buffer.alloc(frameBytes);
    let lastCommit = 0;
    for (let i = 1; i <= claim.mxFrame; i++) {
      fs.readSync(fd, frame, 0, frameBytes, WAL_HEADER_BYTES + (i - 1) * frameBytes);
      sum = walChecksum(frame, 0, 8, bigEndian, sum);
      sum = walChecksum(frame, FRAME_HEADER_BYTES, frameBytes, bigEndian, sum);
      if (
        !frame.subarray(8, 16).equals(claim.salt) ||
        sum[0] !== frame.readUInt32BE(16) ||
        sum[1] !== frame.readUInt32BE(20)
      )
        return `frame ${i} of ${name} is damaged (its checksum fails)`;
      if (frame.readUInt32BE(4) !== 0) lastCommit = i;
    }
    if (lastCommit !== claim.mxFrame || sum[0] !== claim.frameChecksum[0] || sum[1] !== claim.frameChecksum[1])
      return `${name} does not end where its last committed transaction should`;
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks, before SQLite opens `dbFile`, that its write-ahead log holds every committed
 * transaction the wal-index says it holds and the database file does not. Returns what
 * is wrong, as a sentence, or null when nothing is (including when there is nothing to
 * check: a clean shutdown leaves neither file).
 */
export function checkWriteAheadLog(dbFile: string): string | null {
  const claim = readIndexClaim(`${dbFile}-shm`);
  if (claim === null || claim.mxFrame <= claim.nBackfill) return null;
  const shortfall = walShortfall(`${dbFile}-wal`, claim);
  if (shortfall === null) return null;
  const base = path.basename(dbFile);
  const unsaved = claim.mxFrame - claim.nBackfill;
  return (
    `${base}-shm records ${claim.mxFrame} frames of committed changes in ${base}-wal ` +
    `(${unsaved} of them not yet copied into ${base}), but ${shortfall}`
  );
}
