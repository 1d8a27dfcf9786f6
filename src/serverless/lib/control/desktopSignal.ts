/**
 * A desktop signal applied to the agent's calls (POST /desktop-event answers it:
 * endpoints/desktopEvent.ts): the agent's live call found while the configuration is read, the
 * trigger's change applied through the holds ledger to that call and to the agent's other live
 * calls, a moved or ended call followed. What came of it is returned as data, for the endpoint to
 * answer; nothing here knows HTTP.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DesktopEventBody } from '../../../core/desktopEventRequest';
import { applyDesktopTrigger, DesktopEventsConfig, holdsOfTrigger, onlyStarts, type SignalVia } from '../../../core/desktopEvents';
import { hasPausePolicies, pausePolicyOf } from '../../../core/pausePolicy';
import type { AppliedChange, CallRecord } from '../base/callRecord';
import type { LiveCall } from '../base/recordingBackend';
import { signalKey, type SignalIdentity } from '../base/replays';
import type { Settings } from '../base/settings';
import type { AgentCalls } from './agentCalls';
import type { CallControl, ChangeResult } from './callControl';

export interface DesktopSignalDeps {
  settings: Pick<Settings, 'nextFieldWindowMs'>;
  calls: AgentCalls;
  control: CallControl;
}

/**
 * The configuration in force, as the endpoint checked it for the trigger: `refusal` is whatever it
 * answers when the configuration is invalid or no event uses the trigger (handed back untouched).
 */
export type ConfigForTrigger<Refusal> = { ok: true; config: DesktopEventsConfig } | { ok: false; refusal: Refusal };

/** An admitted signal and the configuration it acts by. */
export interface DesktopSignal<Refusal> {
  event: DesktopEventBody;
  via: SignalVia;
  identity: SignalIdentity;
  /** When the signal came in: its exposure runs from here when the relay gives no occurredAt. */
  receivedAtMs: number;
  /** The configuration in force; while this container reads it again, awaited alongside the call lookup. */
  inForce: Promise<ConfigForTrigger<Refusal>>;
  /**
   * This container's older copy while the newer is read (valid, and it knows the trigger): a
   * trigger that only starts or only stops holds acts by it at once, and the newer must say the
   * same of it (see signalChange).
   */
  onHand?: DesktopEventsConfig;
}

/** A call the signal reached, and what its change came to there: applied, or a repeat. */
export interface Reached {
  call: LiveCall;
  result: Extract<ChangeResult, { kind: 'applied' } | { kind: 'duplicate' }>;
}

/**
 * What came of the signal. `applied`: its change on the agent's call, and on their other calls it
 * reached. `duplicate`: the call's ledger had this signal already (its first answer), or the id with
 * another body (`conflict`). `no_call`: the agent has no live call (or not the one named).
 * `not_allowed`: a queue that must be recorded in full refused a start before anything was paused.
 * `unconfigured`: the configuration in force refused the trigger. `failed`: Twilio or Sync did not
 * confirm (the call must be treated as NOT paused).
 */
export type DesktopSignalOutcome<Refusal> =
  | { kind: 'applied'; call: LiveCall; result: Extract<ChangeResult, { kind: 'applied' }>; others: Reached[] }
  | ({ call: LiveCall } & Extract<ChangeResult, { kind: 'duplicate' }>)
  | { kind: 'no_call' }
  | NotAllowed
  | { kind: 'unconfigured'; refusal: Refusal }
  | { kind: 'failed'; error: unknown };

type NotAllowed = { kind: 'not_allowed' };
type Refused = { kind: 'refused' };
/** What stops the signal on any call it reaches: a refused pause, or an older copy of the configuration the newer does not confirm. */
type Stopped = NotAllowed | Refused;
/** The signal's change of one call. */
type CallChange = (call: LiveCall, heldBy: string | undefined) => Promise<ChangeResult | NotAllowed>;

const stopped = (result: { kind: string }): result is Stopped => result.kind === 'not_allowed' || result.kind === 'refused';

/**
 * The signal applied: the agent's call looked up at once, while the configuration in force is read
 * (when this container's copy is old), so neither waits for the other. A trigger the older copy
 * lets act at once (only starts, or opens nothing) acts by it; when the newer does not confirm it,
 * what it did was put back and the signal acts by the newer.
 */
export async function applyDesktopSignal<Refusal>(deps: DesktopSignalDeps, signal: DesktopSignal<Refusal>): Promise<DesktopSignalOutcome<Refusal>> {
  const { event, onHand } = signal;
  // A call this container acted on for the agent is acted on at once (its ledger confirms it is still the agent's).
  const found = liveCallOf(deps.calls, deps.control, event);
  found.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const byConfig = (config: DesktopEventsConfig, stillSo?: Promise<boolean>) => applySignal(deps, event, found, signalChange(deps, signal, config, stillSo));
  if (onHand && (onlyStarts(onHand, event.trigger) || holdsOfTrigger(onHand, event.trigger).opens.length === 0)) {
    const stillSo = signal.inForce.then((check) => check.ok && sameForTrigger(check.config, onHand, event.trigger));
    stillSo.catch(() => undefined);
    const speculated = await byConfig(onHand, stillSo);
    if (speculated.kind !== 'refused') return speculated;
  }
  const inForce = await signal.inForce;
  if (!inForce.ok) return { kind: 'unconfigured', refusal: inForce.refusal };
  const outcome = await byConfig(inForce.config);
  // Only a change by an older copy is ever refused: the configuration in force is the newest.
  if (outcome.kind === 'refused') throw new Error('a change by the configuration in force was refused');
  return outcome;
}

/** Whatever the configuration says of the trigger (its events and the queues' policies) is the same in both. */
function sameForTrigger(a: DesktopEventsConfig, b: DesktopEventsConfig, trigger: string): boolean {
  const of = (config: DesktopEventsConfig) =>
    JSON.stringify({
      events: config.events.filter((event) => event.startTrigger === trigger || event.stopTrigger === trigger),
      queuePolicies: config.queuePolicies,
    });
  return of(a) === of(b);
}

/** The change applied to the agent's live call (and, for a signal that names none, their others). */
async function applySignal(
  deps: DesktopSignalDeps,
  event: DesktopEventBody,
  found: Promise<FoundCall | undefined>,
  change: CallChange,
): Promise<DesktopSignalOutcome<never> | Refused> {
  const { calls } = deps;
  try {
    const first = await found;
    // A signal that names no call may be about any call the agent holds: each live one of theirs gets it.
    const known = event.callSid ? [] : calls.others(event.agent).filter((other) => other.callSid !== first?.call.callSid);
    // Both settle before either's failure is answered: a pause put back must not land after what follows.
    const [own, elsewhere] = await Promise.allSettled([applyToLiveCall(calls, event, first, change), applyToOthers(calls, event, known, change)]);
    if (own.status === 'rejected') throw own.reason;
    if (stopped(own.value)) return own.value;
    if (elsewhere.status === 'rejected') throw elsewhere.reason;
    if (stopped(elsewhere.value)) return elsewhere.value;
    if (own.value.kind === 'no_call') return own.value;
    const [applied, alsoKnown] = [own.value.reached, elsewhere.value.reached];
    // A call the agent took while this one was live, which this container did not know of: its ledger names it.
    const told = event.callSid ? [] : (applied.result.latest?.agentsOtherCalls ?? []);
    const revealed = told.filter((other) => other.callSid !== applied.call.callSid && !known.some((call) => call.callSid === other.callSid));
    const more = await applyToOthers(calls, event, revealed, change);
    if (stopped(more)) return more;
    return outcomeOn(calls, event, applied, [...alsoKnown, ...more.reached]);
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** The signal's own call reached: an applied change there is where the agent's next signal goes first. */
function outcomeOn(calls: AgentCalls, event: DesktopEventBody, { call, result }: Reached, others: Reached[]): DesktopSignalOutcome<never> {
  if (result.kind === 'duplicate') return { ...result, call };
  // The ledger names the call's conference and task: the next signal here starts from them.
  if (!event.callSid) {
    calls.remember(
      event.agent,
      { callSid: call.callSid, ...pick(result.latest.call) },
      others.map((other) => other.call),
    );
  }
  return { kind: 'applied', call, result, others };
}

/**
 * The signal's change of a call's holds: the trigger applied through the ledger, the pause sent first
 * when the trigger only starts holds, and what the evidence counts (exposure is measured from the
 * user's action). A queue that must record everything refuses a start before anything is paused.
 *
 * By an older copy of the configuration (`stillSo`: whether the newer says the same of the trigger),
 * nothing it did stands unless the newer agrees: a start's pause goes out at once, its hold written
 * once the newer agrees (else the pause is put back). A stop is written at once only when the same
 * holds stay open (ends moved, nothing asked of Twilio); if the newer disagrees, the ends are put
 * back and the signal unclaimed. A stop that would close a hold waits for the newer: a resume
 * cannot be taken back. Either way `refused`: the signal then acts by the newer.
 */
function signalChange(
  deps: DesktopSignalDeps,
  { event, via, identity, receivedAtMs }: DesktopSignal<unknown>,
  eventsConfig: DesktopEventsConfig,
  stillSo?: Promise<boolean>,
): CallChange {
  const { calls, control, settings } = deps;
  const holds = holdsOfTrigger(eventsConfig, event.trigger);
  const tally = { ...holds, ...(holds.opens.length > 0 && { exposure: { receivedAtMs, ...(event.occurredAt && { occurredAt: event.occurredAt }) } }) };
  // Not even for the moment a speculative pause lasts.
  const refusesPause = async (call: LiveCall) =>
    holds.opens.length > 0 && hasPausePolicies(eventsConfig) && pausePolicyOf(eventsConfig, await calls.queueOf(call)) === 'never';
  const pauseFirst = onlyStarts(eventsConfig, event.trigger);
  const stopByOlderCopy = stillSo !== undefined && !pauseFirst;
  const apply = (record: CallRecord, at: Date): CallRecord => ({
    ...record,
    ...applyDesktopTrigger(record, eventsConfig, event.trigger, event.agent, at, via, settings.nextFieldWindowMs),
  });
  return async (call, heldBy) => {
    if (await refusesPause(call)) return { kind: 'not_allowed' };
    const result = await control.change(
      { ...call, agent: event.agent },
      {
        pauseFirst,
        nextFieldWindowMs: settings.nextFieldWindowMs,
        tally,
        change: stopByOlderCopy ? (record, at) => sameHoldsOpen(record, apply(record, at)) : apply,
        signal: identity,
        heldBy,
        ...(pauseFirst && { stillSo }),
      },
    );
    if (!stopByOlderCopy || result.kind !== 'applied' || (await stillSo)) return result;
    await control.commit(call.callSid, (current) => putBack(current, result, identity));
    return { kind: 'refused' };
  };
}

/** A stop by an older copy of the configuration: written only when the same holds stay open (see signalChange); else refused. */
function sameHoldsOpen(record: CallRecord, next: CallRecord): CallRecord | undefined {
  const open = (ledger: CallRecord) => ledger.holds.map((hold) => hold.id).join();
  return open(record) === open(next) ? next : undefined;
}

/**
 * The ledger with what `change` wrote put back where nobody changed it since (the holds' ends, the
 * evidence), and the signal no longer claimed, so it can be applied anew.
 */
function putBack(current: CallRecord | null, { before, after }: AppliedChange, signal: SignalIdentity): CallRecord | null {
  if (!current) return null;
  const holds = current.holds.map((hold) => {
    const [was, ours] = [before, after].map((ledger) => ledger.holds.find((kept) => kept.id === hold.id));
    return was && isDeepStrictEqual(hold, ours) ? was : hold;
  });
  const evidence = isDeepStrictEqual(current.evidence, after.evidence) ? before.evidence : current.evidence;
  const key = signalKey(signal.agent, signal.eventId);
  return { ...current, holds, evidence, ...(current.signals && { signals: current.signals.filter((seen) => seen.key !== key) }) };
}

/**
 * The signal applied to the agent's other live calls (each must still be theirs: its ledger names
 * them). One that is over or no longer theirs is forgotten; one Twilio did not confirm fails the
 * signal, as its own call would.
 */
async function applyToOthers(
  calls: AgentCalls,
  event: DesktopEventBody,
  others: LiveCall[],
  change: CallChange,
): Promise<{ kind: 'reached'; reached: Reached[] } | Stopped> {
  const settled = await Promise.allSettled(others.map((call) => change(call, event.agent)));
  const reached: Reached[] = [];
  for (const [index, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') throw outcome.reason;
    const result = outcome.value;
    if (result.kind === 'ended' || result.kind === 'moved') await calls.forget(event.agent, others[index].callSid);
    else if (stopped(result)) return result;
    else reached.push({ call: others[index], result });
  }
  return { kind: 'reached', reached };
}

/**
 * Applies the signal to the agent's live call. A call remembered or named is acted on at once and
 * its ledger must name the agent (a transfer or a new call moves the signal to the agent's current
 * call, from the live index or TaskRouter); a call that turns out to be over is forgotten and
 * TaskRouter asked. `no_call` when the agent has no live call.
 */
async function applyToLiveCall(
  calls: AgentCalls,
  event: DesktopEventBody,
  first: FoundCall | undefined,
  change: CallChange,
): Promise<{ kind: 'reached'; reached: Reached } | Stopped | { kind: 'no_call' }> {
  let next = first;
  for (let attempt = 0; next && attempt < 3; attempt += 1) {
    const { call, held } = next;
    const result = await change(call, held ? event.agent : undefined);
    if (stopped(result)) return result;
    if (result.kind !== 'moved' && result.kind !== 'ended') return { kind: 'reached', reached: { call, result } };
    const followed = await (result.kind === 'moved' ? movedFrom(calls, event, call) : endedFrom(calls, event, call, held));
    next = followed && { call: followed, held: false };
  }
  return { kind: 'no_call' };
}

/** The call's ledger names another agent (or nobody): the agent's current call; the index may still name the moved one, and then TaskRouter decides. */
async function movedFrom(calls: AgentCalls, event: DesktopEventBody, moved: LiveCall): Promise<LiveCall | undefined> {
  const current = await calls.current(event.agent, event.callSid);
  return current?.callSid === moved.callSid ? calls.lookup(event.agent, event.callSid) : current;
}

/**
 * Twilio says the call is over. Memory named it: the index knows the agent's next call once it was
 * accepted. When the index names the ended call too (or found it), it is forgotten and TaskRouter
 * says which call is live.
 */
async function endedFrom(calls: AgentCalls, event: DesktopEventBody, ended: LiveCall, held: boolean): Promise<LiveCall | undefined> {
  const indexed = held ? await calls.current(event.agent, event.callSid) : ended;
  if (indexed && indexed.callSid !== ended.callSid) return indexed;
  await calls.forget(event.agent, ended.callSid);
  const live = await calls.lookup(event.agent, event.callSid);
  return live?.callSid === ended.callSid ? undefined : live;
}

const pick = ({ conferenceSid, conferenceName, taskSid, queue }: LiveCall): Partial<LiveCall> => ({
  ...(conferenceSid && { conferenceSid }),
  ...(conferenceName && { conferenceName }),
  ...(taskSid && { taskSid }),
  ...(queue && { queue }),
});

/** The call to try first; `held`: by memory or its own ledger, so the change checks the agent again and puts a speculative pause back. */
interface FoundCall {
  call: LiveCall;
  held: boolean;
}

/**
 * The agent's call: the one this container acted on for the agent, or holds the ledger of, at once;
 * a named call by its own ledger (read with its index item, so no lookup of the agent); otherwise
 * the agent's entry in the live index, else TaskRouter.
 */
async function liveCallOf(calls: AgentCalls, control: CallControl, event: DesktopEventBody): Promise<FoundCall | undefined> {
  const held = calls.known(event.agent, event.callSid) ?? recalledCall(control, event);
  if (held) return { call: held, held: true };
  if (event.callSid) {
    await control.loadForChange(event.callSid);
    const named = recalledCall(control, event);
    if (named) return { call: named, held: true };
  }
  const current = await calls.current(event.agent, event.callSid);
  return current && { call: current, held: false };
}

/**
 * A named call whose ledger this container wrote or read (its task's events came here) and which
 * names the agent: acted on at once, as a remembered call is (the ledger read alongside confirms it).
 */
function recalledCall(control: CallControl, event: DesktopEventBody): LiveCall | undefined {
  const call = event.callSid ? control.recalled(event.callSid)?.record.call : undefined;
  return call && call.agent === event.agent ? { callSid: call.callSid, ...pick(call) } : undefined;
}
