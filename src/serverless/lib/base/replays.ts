/**
 * Every desktop event id applied to a call is kept in the call's own ledger, written in the same
 * request as the change it made — so replay protection costs no request of its own and no object
 * is shared by the whole account. A signal sent again (a relay's retry, a captured signal replayed,
 * to any container) is told apart from a new one: the same agent and id with the same body is a
 * repeat and gets the first answer; with another body it is a conflict. Event ids are the agent's
 * own: another agent's `evt-1` is another signal. A container also remembers the answers it gave
 * (`RecentAnswers`), so a quick repeat costs no request at all. No Twilio here: the one module of
 * replays.
 */
import { createHash } from 'node:crypto';
import { type ChangeOutcome, type Hold, outcomeOf } from '../../../core/holds';
import { canonicalJson, MAX_CLOCK_SKEW_SECONDS } from '../../../core/signature';
import type { RecordingSummary } from '../../../core/wire';
import type { AppliedChange } from './callRecord';
import { summarize } from './recordingBackend';

/** A timestamp may be 300 s ahead or behind: an id must outlive both sides of that window. */
export const SEEN_TTL_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;
/**
 * The ledger is a Sync document (16 KiB, shared with holds and intervals): ids are digests, only
 * the newest answers are kept whole, and the list stays within a budget however busy the call.
 */
const KEPT_SIGNALS = 50;
const KEPT_ANSWERS = 8;
const SIGNALS_BUDGET_BYTES = 7 * 1024;

export type Answer = Record<string, unknown>;

/** A signal applied to the call, as its ledger keeps it. */
export interface SeenSignal {
  /** Digest of agent and event id. */
  key: string;
  /** Digest of the body: the same id with another body is a conflict. */
  body: string;
  at: string;
  /** The answer it was given, once it had one: whole for the newest few, its outcome for the rest. */
  answer?: Answer;
  outcome?: string;
}

/** One agent's signal: whose it is, its id and a digest of everything it asked. */
export interface SignalIdentity {
  agent: string;
  eventId: string;
  body: string;
}

/**
 * `new`: not seen on this call, or applied but never answered (Twilio did not confirm its change),
 * so it is applied again. `repeat`: answered already — with the whole answer for the newest few,
 * else only its outcome. `conflict`: the agent already sent this id with another body.
 */
export type Seen = { kind: 'new' } | { kind: 'repeat'; answer: Answer } | { kind: 'conflict' };

/** A digest of a signal's body, the same whatever the order of its keys. */
export const bodyDigest = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 20);

/** Identities and ids are free text: the pair is kept as a fixed-length digest. */
export const signalKey = (agent: string, eventId: string): string =>
  createHash('sha256')
    .update(JSON.stringify([agent, eventId]))
    .digest('hex')
    .slice(0, 20);

export function seenBefore(signals: SeenSignal[] | undefined, signal: SignalIdentity): Seen {
  const key = signalKey(signal.agent, signal.eventId);
  const known = signals?.find((seen) => seen.key === key);
  if (!known) return { kind: 'new' };
  if (known.body !== signal.body) return { kind: 'conflict' };
  if (known.answer) return { kind: 'repeat', answer: known.answer };
  return known.outcome === undefined ? { kind: 'new' } : { kind: 'repeat', answer: { outcome: known.outcome } };
}

/** The list with this signal in it (and its answer, if given), ids past the signature window dropped. */
export function withSignal(signals: SeenSignal[] | undefined, signal: SignalIdentity, now: Date, answer?: Answer): SeenSignal[] {
  const key = signalKey(signal.agent, signal.eventId);
  const oldest = now.getTime() - SEEN_TTL_SECONDS * 1000;
  const previous = (signals ?? []).find((seen) => seen.key === key);
  const kept = (signals ?? []).filter((seen) => seen.key !== key && Date.parse(seen.at) >= oldest);
  const given = answer ?? previous?.answer;
  const entry: SeenSignal = { key, body: signal.body, at: previous?.at ?? now.toISOString(), ...(given && { answer: given, outcome: String(given.outcome) }) };
  const all = [...kept, entry].slice(-KEPT_SIGNALS);
  const trimmed: SeenSignal[] = all.map(({ answer: whole, ...seen }, index) =>
    index < all.length - KEPT_ANSWERS || !whole ? seen : { ...seen, answer: whole },
  );
  // Each entry is measured once, as it stands in the list's JSON (a comma between entries, brackets around).
  const sizes = trimmed.map(bytesOf);
  let size = sizes.reduce((sum, bytes) => sum + bytes, 1 + trimmed.length);
  // Over budget, whole answers go first (oldest first): the ids themselves are what refuses a replay.
  for (let index = 0; index < trimmed.length - 1 && size > SIGNALS_BUDGET_BYTES; index += 1) {
    if (!trimmed[index].answer) continue;
    const { answer: _whole, ...seen } = trimmed[index];
    trimmed[index] = seen;
    const bytes = bytesOf(seen);
    size += bytes - sizes[index];
    sizes[index] = bytes;
  }
  let first = 0;
  while (trimmed.length - first > 1 && size > SIGNALS_BUDGET_BYTES) {
    size -= sizes[first] + 1;
    first += 1;
  }
  return first ? trimmed.slice(first) : trimmed;
}

const bytesOf = (seen: SeenSignal): number => Buffer.byteLength(JSON.stringify(seen));

/** What a change decided for a signal, as the call's ledger keeps it for a repeat (the endpoint adds the ids to its answer). */
export type SignalOutcome = { outcome: ChangeOutcome; recording: RecordingSummary; holds: Hold[] };

export function signalOutcome({ before, after, latest, recordings }: AppliedChange): SignalOutcome {
  const recording = summarize(recordings);
  return { outcome: outcomeOf(before, after, recording === 'absent'), recording, holds: latest.holds };
}

/** The list with this signal's answer taken back (its change was not confirmed): a repeat is applied again. */
export function withoutAnswer(signals: SeenSignal[] | undefined, signal: SignalIdentity): SeenSignal[] {
  const key = signalKey(signal.agent, signal.eventId);
  return (signals ?? []).map((seen) => (seen.key === key ? { key: seen.key, body: seen.body, at: seen.at } : seen));
}

/** The last answers given, by agent and event id, with the body each came with; the oldest is forgotten first. */
export class RecentAnswers {
  private readonly answers = new Map<string, { body: string; answer: Record<string, unknown> }>();

  constructor(private readonly kept = 1000) {}

  get(signal: SignalIdentity): { conflict: boolean; answer: Record<string, unknown> } | undefined {
    const known = this.answers.get(signalKey(signal.agent, signal.eventId));
    return known && { conflict: known.body !== signal.body, answer: known.answer };
  }

  remember(signal: SignalIdentity, answer: Record<string, unknown>): void {
    this.answers.set(signalKey(signal.agent, signal.eventId), { body: signal.body, answer });
    if (this.answers.size > this.kept) this.answers.delete(this.answers.keys().next().value as string);
  }
}
