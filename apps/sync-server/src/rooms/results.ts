import type { DocError } from '@tandem/crdt-bridge/protocol';
import type { DurabilityTicket } from '../storage/WriteQueue.js';

/** Why a client's message was refused; nothing of it was applied. */
export type Refusal = { ok: false; error: DocError };

/** Outcome of applying a client's update: refused, or applied with the ticket its acknowledgement waits on. */
export type ApplyResult = { ok: true; ticket: DurabilityTicket } | Refusal;

/** Outcome of applying a client's presence update (presence is not stored). */
export type PresenceResult = { ok: true } | Refusal;
