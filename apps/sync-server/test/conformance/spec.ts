/**
 * Reads the parts of PROTOCOL.md the conformance test holds the server to: the error
 * table (codes and the channels each arrives on) and the byte-by-byte session.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel } from './client.js';

/** Where the spec lives, from this file. */
const PROTOCOL_MD = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../packages/crdt-bridge/PROTOCOL.md',
);

/** The spec's text. */
export function readSpec(): string {
  return fs.readFileSync(PROTOCOL_MD, 'utf8');
}

/** The body of the `## <title>` section (up to the next `## `). */
function section(spec: string, title: string): string {
  const start = spec.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`PROTOCOL.md has no "## ${title}" section`);
  const end = spec.indexOf('\n## ', start + 1);
  return spec.slice(start, end < 0 ? undefined : end);
}

const CHANNELS: readonly Channel[] = ['`join` ack', '`sync` ack', '`doc-error`', '`connect_error`'];

/** The error table of "## Errors": each code with the channels its "arrives as" column names. */
export function errorTable(spec: string): Map<string, Set<Channel>> {
  const table = new Map<string, Set<Channel>>();
  for (const line of section(spec, 'Errors').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | `CODE` | channels | when | what to do |
    const code = /^`([A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code === undefined) continue;
    const channels = new Set<Channel>();
    for (const name of (cells[2] ?? '').split(',').map((c) => c.trim())) {
      const channel = CHANNELS.find((c) => c === name);
      if (!channel) throw new Error(`PROTOCOL.md: "${name}" (for ${code}) is not one of ${CHANNELS.join(', ')}`);
      channels.add(channel);
    }
    if (table.has(code)) throw new Error(`PROTOCOL.md lists ${code} twice`);
    table.set(code, channels);
  }
  return table;
}

/** One frame of the spec's session: sent by the client (`C>`) or expected from the server (`S<`). */
export type Frame =
  | { from: 'client'; kind: 'text'; text: string; line: number }
  | { from: 'client'; kind: 'bin'; bytes: string[]; line: number }
  | { from: 'server'; kind: 'text'; text: string; line: number }
  | { from: 'server'; kind: 'bin'; bytes: string[]; line: number }
  | { from: 'server'; kind: 'packet'; packet: unknown; line: number };

/** The frames of the ```wire block of "## A session, byte by byte". */
export function sessionFrames(spec: string): Frame[] {
  const lines = spec.split('\n');
  const open = lines.findIndex((line) => line.trim() === '```wire');
  if (open < 0) throw new Error('PROTOCOL.md has no ```wire block');
  const frames: Frame[] = [];
  for (let i = open + 1; i < lines.length && lines[i]!.trim() !== '```'; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) continue;
    const head = /^(C>|S<) (text|bin|packet) +(.*)$/.exec(raw);
    if (!head) {
      // A continuation: more bytes of the frame above.
      const last = frames.at(-1);
      if (!last || last.kind !== 'bin' || !/^[0-9a-f.]{2}( [0-9a-f.]{2})*$/.test(content))
        throw new Error(`PROTOCOL.md line ${line}: cannot read "${content}"`);
      last.bytes.push(...content.split(' '));
      continue;
    }
    const from = head[1] === 'C>' ? 'client' : 'server';
    const kind = head[2] as 'text' | 'bin' | 'packet';
    const rest = head[3]!;
    if (kind === 'text') frames.push({ from, kind, text: rest, line });
    else if (kind === 'bin') frames.push({ from, kind, bytes: rest.trim().split(/ +/), line });
    else if (from === 'server') frames.push({ from, kind, packet: JSON.parse(rest), line });
    else throw new Error(`PROTOCOL.md line ${line}: a client frame is given as bytes, not as a packet`);
  }
  return frames;
}
