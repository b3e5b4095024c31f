import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One client's entry in a y-protocols awareness update. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The parsed state; null removes the client. */
  state: unknown;
  /** `state` as JSON, as it goes on the wire (kept so relaying it does not stringify it again). */
  json: string;
}

/** Limits on what one awareness update may carry. */
export interface PresenceLimits {
  /** Entries (client ids) in one message; a tab announces one. */
  maxEntries: number;
  /** Characters of one entry's JSON state. */
  maxStateChars: number;
  /** Nesting depth of one entry's JSON state. */
  maxDepth: number;
}

/** Defaults: generous for cursors, names and flags; far below anything that strains the server. */
export const DEFAULT_PRESENCE_LIMITS: PresenceLimits = { maxEntries: 8, maxStateChars: 16 * 1024, maxDepth: 12 };

/** Raised for an awareness update the server will not relay; the message is for the sender. */
export class PresenceRejected extends Error {
  override readonly name = 'PresenceRejected';
}

function depthOf(value: unknown, limit: number): number {
  // Iterative, so a hostile 100,000-deep array cannot overflow the stack.
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Decodes and checks an awareness update without applying it; throws PresenceRejected. */
export function decodeAwarenessUpdate(
  bytes: Uint8Array,
  limits: PresenceLimits = DEFAULT_PRESENCE_LIMITS,
): AwarenessEntry[] {
  const entries: AwarenessEntry[] = [];
  try {
    const decoder = decoding.createDecoder(bytes);
    const count = decoding.readVarUint(decoder);
    if (count > limits.maxEntries)
      throw new PresenceRejected(`A presence update may carry at most ${limits.maxEntries} clients.`);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      if (json.length > limits.maxStateChars) throw new PresenceRejected('A presence state is too large.');
      let state: unknown;
      try {
        state = JSON.parse(json);
      } catch {
        throw new PresenceRejected('A presence state is not valid JSON.');
      }
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new PresenceRejected('A presence state must be an object or null.');
      }
      if (depthOf(state, limits.maxDepth) > limits.maxDepth)
        throw new PresenceRejected('A presence state is nested too deeply.');
      entries.push({ clientId, clock, state, json });
    }
    if (decoding.hasContent(decoder)) throw new PresenceRejected('A presence update has trailing bytes.');
  } catch (error) {
    if (error instanceof PresenceRejected) throw error;
    throw new PresenceRejected('The presence update could not be decoded.');
  }
  return entries;
}

/** Encodes entries back into a y-protocols awareness update; a state given as `json` is not stringified again. */
export function encodeAwarenessEntries(
  entries: readonly (Pick<AwarenessEntry, 'clientId' | 'clock'> & ({ json: string } | { state: unknown }))[],
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, 'json' in entry ? entry.json : JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}
