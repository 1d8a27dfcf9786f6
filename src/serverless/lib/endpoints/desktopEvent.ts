/**
 * POST /desktop-event (docs/api.md): a signed signal from the desktop relay, checked, matched to
 * the agent's live call and applied through the holds ledger. Every answer is a contract code.
 */
import { isDeepStrictEqual } from 'node:util';
import { DesktopEventBody, MAX_BODY_BYTES, parseDesktopEventBody } from '../../../core/desktopEventRequest';
import { applyDesktopTrigger, ConfigCheck, DesktopEventsConfig, holdsOfTrigger, isKnownTrigger, onlyStarts, type SignalVia } from '../../../core/desktopEvents';
import { hasPausePolicies, pausePolicyOf } from '../../../core/pausePolicy';
import { outcomeOf } from '../../../core/holds';
import { overLimit } from '../../../core/jsonLimits';
import { verifySignature } from '../../../core/signature';
import { CallControl, CallMovedError, AppliedChange, ChangeResult, SpeculationRefused } from '../control/callControl';
import { errorResult, FunctionRequest, headerList, HttpResult, mediaType, singleHeader } from '../base/http';
import type { CallRecord } from '../base/callRecord';
import type { AgentCalls } from '../control/agentCalls';
import { CallEndedError, LiveCall, RecordingUpdateError, summarize } from '../base/recordingBackend';
import { bodyDigest, RecentAnswers, signalKey } from '../base/replays';
import type { SignalIdentity } from '../base/replays';
import type { Authenticator } from './auth';
import { admitTokenSignal, isTokenSignal, notTheTokensAgent } from './desktopEventToken';
import type { Settings } from '../base/settings';

export interface DesktopEventDeps {
  settings: Settings;
  /** The desktop item events in force; while this container reads them again, a promise (awaited alongside the call lookup). */
  config: ConfigCheck | Promise<ConfigCheck>;
  /**
   * This container's older copy, while `config` is read again: a trigger that only starts or only
   * stops holds acts by it at once, and the newer copy must say the same of it (see signalChange).
   */
  configOnHand?: ConfigCheck;
  calls: AgentCalls | undefined;
  control: CallControl;
  /** Answers already given by this container, so a quick repeat costs no Twilio request. */
  answers: RecentAnswers;
  /** Checks the Flex token of a signal relayed from inside Flex (docs/api.md). */
  auth?: Authenticator;
  now: () => Date;
  log?: (line: string) => void;
}

/**
 * The request as `readEvent` hands it over (http.ts, with DESKTOP_EVENT_LIMITS): an object, no
 * array the runtime flattened, measured (not nested, at most 4 KiB) before anything here walks it.
 */
export type DesktopEventRequest = FunctionRequest;

type Admitted = { ok: true; event: DesktopEventBody; via: SignalVia } | { ok: false; result: HttpResult };

/** Transport, authentication and body: everything checked before the signal's call is looked for. */
async function admitSignal(deps: DesktopEventDeps, { headers, body }: DesktopEventRequest): Promise<Admitted> {
  const refuse = (status: number, code: string, message: string): Admitted => ({ ok: false, result: errorResult(status, code, message) });
  // Form bodies and bodies of other types are parsed differently, or not at all: only JSON is signed.
  if (mediaType(headers) !== 'application/json') return refuse(400, 'invalid_event', 'send the body as JSON, with Content-Type: application/json');
  const declaredLength = singleHeader(headers, 'content-length');
  if (declaredLength.repeated || Number(declaredLength.value ?? 0) > MAX_BODY_BYTES)
    return refuse(400, 'invalid_event', overLimit('too_large', MAX_BODY_BYTES));
  // From inside Flex: the agent's Flex token stands in for the signature (desktopEventToken.ts).
  const admitted = isTokenSignal(headers, body) ? await admitTokenSignal(deps.auth, { headers, body }) : undefined;
  if (admitted && !admitted.ok) return admitted;
  if (!admitted) {
    const timestamp = singleHeader(headers, 'x-desktop-timestamp');
    if (timestamp.repeated) return refuse(401, 'invalid_signature', 'send one X-Desktop-Timestamp header');
    const signature = verifySignature({
      secrets: deps.settings.desktopSecrets,
      timestampHeader: timestamp.value,
      // Copies of the header are one comma-separated list.
      signatureHeader: headerList(headers, 'x-desktop-signature'),
      body,
      nowSeconds: Math.floor(deps.now().getTime() / 1000),
    });
    if (signature === 'stale_timestamp') return refuse(401, 'stale_timestamp', 'X-Desktop-Timestamp is more than 300 s from the server clock');
    if (signature !== 'valid') return refuse(401, 'invalid_signature', 'X-Desktop-Signature does not match the body');
  }
  const checked = parseDesktopEventBody(admitted ? admitted.body : body);
  if (!checked.ok) return refuse(400, 'invalid_event', checked.problems.join('; '));
  if (admitted && checked.body.agent !== admitted.identity) return { ok: false, result: notTheTokensAgent() };
  return { ok: true, event: checked.body, via: admitted ? 'token' : 'relay' };
}

const eventIdConflict = (): HttpResult =>
  errorResult(409, 'event_id_conflict', 'this agent already sent this eventId with a different body: send a new eventId for a new signal');

/**
 * The signal's steps, each named below: the functions are configured; transport, authentication
 * and body (`admitSignal`); a repeat this container answered; the configuration knows the trigger;
 * the agent's live call, found while the configuration is read (`liveCallOf`), with a moved or ended
 * call followed (`applyToLiveCall`); the change (`signalChange`); the answer (`answerTo`, `failureOf`).
 */
export async function handleDesktopEvent(deps: DesktopEventDeps, request: DesktopEventRequest): Promise<HttpResult> {
  // The start of this signal's exposure when the relay gives no occurredAt, on the clock its end (Twilio's confirmation) is read from.
  const receivedAtMs = deps.now().getTime();
  const configReady = Promise.resolve(deps.config);
  const unconfigured = notConfigured(deps, request);
  if (unconfigured || !deps.calls) return unconfigured ?? errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  const calls = deps.calls;

  const admitted = await admitSignal(deps, request);
  if (!admitted.ok) return admitted.result;
  const { event, via } = admitted;
  // Ids are the agent's own; the body's digest tells a repeat from a reuse of the id.
  const signal: SignalIdentity = { agent: event.agent, eventId: event.eventId, body: bodyDigest(event) };
  // A repeat this container answered is answered again at no cost.
  const repeated = deps.answers.get(signal);
  if (repeated) return repeated.conflict ? eventIdConflict() : { status: 200, body: { ...repeated.answer, duplicate: true } };

  // A call this container acted on for the agent is acted on at once (its ledger confirms it is
  // still the agent's); otherwise the agent's call is looked up while the configuration is read
  // (when this container's copy is old), so neither waits for the other.
  const found = liveCallOf(calls, deps.control, event);
  found.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const apply = (config: DesktopEventsConfig, stillSo?: Promise<boolean>) =>
    applySignal(deps, calls, event, via, signal, found, signalChange(deps, calls, event, via, config, signal, receivedAtMs, stillSo));
  const onHand = deps.configOnHand && configForTrigger(deps.configOnHand, event.trigger);
  if (onHand?.ok && (onlyStarts(onHand.config, event.trigger) || holdsOfTrigger(onHand.config, event.trigger).opens.length === 0)) {
    const stillSo = configReady.then((check) => check.ok && sameForTrigger(check.config, onHand.config, event.trigger));
    stillSo.catch(() => undefined);
    const speculated = await apply(onHand.config, stillSo).catch((error: unknown) => {
      if (error instanceof SpeculationRefused) return undefined;
      throw error;
    });
    if (speculated) return speculated;
  }
  const config = configForTrigger(await configReady, event.trigger);
  if (!config.ok) return config.result;
  return apply(config.config);
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

/** The change applied to the agent's live call (and, for a signal that names none, their others); the answer. */
async function applySignal(
  deps: DesktopEventDeps,
  calls: AgentCalls,
  event: DesktopEventBody,
  via: SignalVia,
  signal: SignalIdentity,
  found: Promise<FoundCall | undefined>,
  change: (call: LiveCall, heldBy: string | undefined) => Promise<ChangeResult>,
): Promise<HttpResult> {
  try {
    const first = await found;
    // A signal that names no call may be about any call the agent holds: each live one of theirs gets it.
    const known = event.callSid ? [] : calls.others(event.agent).filter((other) => other.callSid !== first?.call.callSid);
    // Both settle before either's failure is answered: a pause put back must not land after what follows.
    const [own, elsewhere] = await Promise.allSettled([applyToLiveCall(calls, event, first, change), applyToOthers(calls, event, known, change)]);
    if (own.status === 'rejected') throw own.reason;
    if (elsewhere.status === 'rejected') throw elsewhere.reason;
    const [applied, alsoKnown] = [own.value, elsewhere.value];
    if (!applied) return noActiveCall(event.callSid);
    // A call the agent took while this one was live, which this container did not know of: its ledger names it.
    const told = event.callSid ? [] : (applied.result.latest?.agentsOtherCalls ?? []);
    const revealed = told.filter((other) => other.callSid !== applied.call.callSid && !known.some((call) => call.callSid === other.callSid));
    const others = [...alsoKnown, ...(await applyToOthers(calls, event, revealed, change))];
    return answerTo(deps, calls, event, signal, applied, others);
  } catch (error) {
    if (error instanceof SpeculationRefused) throw error;
    return failureOf(deps, event, error);
  }
}

/** What the functions need before a signal can be read at all. */
function notConfigured(deps: DesktopEventDeps, request: DesktopEventRequest): HttpResult | undefined {
  if (deps.settings.desktopSecrets.length === 0 && !isTokenSignal(request.headers, request.body)) {
    return errorResult(500, 'not_configured', 'DESKTOP_EVENT_SECRET is not set');
  }
  return undefined;
}

/** The configuration in force, if it is valid and some event uses the trigger. */
function configForTrigger(check: ConfigCheck, trigger: string): { ok: true; config: DesktopEventsConfig } | { ok: false; result: HttpResult } {
  if (!check.ok) {
    return { ok: false, result: errorResult(500, 'not_configured', `the desktop item events configuration is invalid: ${check.problems.join('; ')}`) };
  }
  // The trigger is not echoed: whatever a relay sent is not repeated back or logged.
  if (!isKnownTrigger(check.config, trigger))
    return { ok: false, result: errorResult(422, 'unknown_trigger', 'no configured desktop item event uses this trigger') };
  return { ok: true, config: check.config };
}

/** What a change decided, as the call's ledger keeps it for a repeat (the ids come from the request and its call). */
function decided(outcome: AppliedChange): Record<string, unknown> {
  const recording = summarize(outcome.recordings);
  return { outcome: outcomeOf(outcome.before, outcome.after, recording === 'absent'), recording, holds: outcome.latest.holds };
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
 * cannot be taken back. Either way, SpeculationRefused: the signal then acts by the newer.
 */
function signalChange(
  deps: DesktopEventDeps,
  calls: AgentCalls,
  event: DesktopEventBody,
  via: SignalVia,
  eventsConfig: DesktopEventsConfig,
  signal: SignalIdentity,
  receivedAtMs: number,
  stillSo?: Promise<boolean>,
): (call: LiveCall, heldBy: string | undefined) => Promise<ChangeResult> {
  const holds = holdsOfTrigger(eventsConfig, event.trigger);
  const tally = { ...holds, ...(holds.opens.length > 0 && { exposure: { receivedAtMs, ...(event.occurredAt && { occurredAt: event.occurredAt }) } }) };
  // Not even for the moment a speculative pause lasts.
  const refusesPause = async (call: LiveCall) =>
    holds.opens.length > 0 && hasPausePolicies(eventsConfig) && pausePolicyOf(eventsConfig, await calls.queueOf(call)) === 'never';
  const pauseFirst = onlyStarts(eventsConfig, event.trigger);
  const stopByOlderCopy = stillSo !== undefined && !pauseFirst;
  const apply = (record: CallRecord, at: Date): CallRecord => ({
    ...record,
    ...applyDesktopTrigger(record, eventsConfig, event.trigger, event.agent, at, via, deps.settings.nextFieldWindowMs),
  });
  return async (call, heldBy) => {
    if (await refusesPause(call)) throw new PauseNotAllowedError();
    const result = await deps.control.change(
      { ...call, agent: event.agent },
      {
        pauseFirst,
        nextFieldWindowMs: deps.settings.nextFieldWindowMs,
        tally,
        change: stopByOlderCopy ? (record, at) => sameHoldsOpen(record, apply(record, at)) : apply,
        signal: { identity: signal, answer: decided },
        heldBy,
        ...(pauseFirst && { stillSo }),
      },
    );
    if (!stopByOlderCopy || result.duplicate || (await stillSo)) return result;
    await deps.control.commit(call.callSid, (current) => putBack(current, result, signal));
    throw new SpeculationRefused();
  };
}

/** A stop by an older copy of the configuration: written only when the same holds stay open (see signalChange). */
function sameHoldsOpen(record: CallRecord, next: CallRecord): CallRecord {
  const open = (ledger: CallRecord) => ledger.holds.map((hold) => hold.id).join();
  if (open(record) !== open(next)) throw new SpeculationRefused();
  return next;
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

/** The answer to an applied signal; a repeat gets the first answer (an older one its outcome, and what holds now). */
function answerTo(
  deps: DesktopEventDeps,
  calls: AgentCalls,
  event: DesktopEventBody,
  signal: SignalIdentity,
  { call, result }: Applied,
  others: Applied[] = [],
): HttpResult {
  if (result.duplicate && result.conflict) return eventIdConflict();
  // The ledger names the call's conference and task: the next signal here starts from them.
  if (!result.duplicate && !event.callSid) {
    calls.remember(
      event.agent,
      { callSid: call.callSid, ...pick(result.latest.call) },
      others.map((other) => other.call),
    );
  }
  const answer: Record<string, unknown> = result.duplicate
    ? {
        eventId: event.eventId,
        outcome: 'unchanged',
        callSid: call.callSid,
        recording: result.latest?.recording ?? 'absent',
        holds: result.latest?.holds ?? [],
        ...result.answer,
      }
    : { eventId: event.eventId, duplicate: false, callSid: call.callSid, ...withOthers(decided(result), others) };
  const body = result.duplicate ? { ...answer, duplicate: true } : answer;
  deps.answers.remember(signal, answer);
  deps.log?.(
    `desktop-event ${event.eventId} trigger=${event.trigger} outcome=${String(body.outcome)} recording=${String(body.recording)}` +
      (result.duplicate ? ' duplicate' : '') +
      (event.occurredAt ? ` sinceUserActionMs=${deps.now().getTime() - Date.parse(event.occurredAt)}` : ''),
  );
  return { status: 200, body };
}

type Applied = { call: LiveCall; result: ChangeResult };

/** The call's own answer, its `recording` that of every call the signal reached: "paused" only when none of them records. */
function withOthers(own: Record<string, unknown>, others: Applied[]): Record<string, unknown> {
  if (others.length === 0) return own;
  const states = [own.recording, ...others.map(({ result }) => (result.duplicate ? result.latest?.recording : summarize(result.recordings)))];
  return { ...own, recording: states.includes('in-progress') ? 'in-progress' : states.includes('paused') ? 'paused' : 'absent' };
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
  apply: (call: LiveCall, heldBy: string | undefined) => Promise<ChangeResult>,
): Promise<Applied[]> {
  const settled = await Promise.allSettled(others.map(async (call) => ({ call, result: await apply(call, event.agent) })));
  const applied: Applied[] = [];
  for (const [index, outcome] of settled.entries()) {
    if (outcome.status === 'fulfilled') applied.push(outcome.value);
    else if (outcome.reason instanceof CallEndedError || outcome.reason instanceof CallMovedError) await calls.forget(event.agent, others[index].callSid);
    else throw outcome.reason;
  }
  return applied;
}

/** A signal that could not be applied: an ended call, a refused queue, or Twilio not confirming (the relay must treat it as NOT paused). */
function failureOf(deps: DesktopEventDeps, event: DesktopEventBody, error: unknown): HttpResult {
  if (error instanceof CallEndedError) return noActiveCall(event.callSid);
  if (error instanceof PauseNotAllowedError) return pauseNotAllowed();
  deps.log?.(
    `desktop-event ${event.eventId} failed: ${error instanceof RecordingUpdateError ? error.message : `Twilio request failed (${error instanceof Error ? error.message.slice(0, 80) : 'error'})`}`,
  );
  return errorResult(502, 'recording_update_failed', 'Twilio did not confirm the recording change: treat the call as NOT paused');
}

/**
 * Applies the signal to the agent's live call. A call remembered or named is acted on at once and
 * its ledger must name the agent (a transfer or a new call moves the signal to the agent's current
 * call, from the live index or TaskRouter); a call that turns out to be over is forgotten and
 * TaskRouter asked. Undefined when the agent has no live call.
 */
async function applyToLiveCall(
  calls: AgentCalls,
  event: DesktopEventBody,
  first: FoundCall | undefined,
  apply: (call: LiveCall, heldBy: string | undefined) => Promise<ChangeResult>,
): Promise<{ call: LiveCall; result: ChangeResult } | undefined> {
  let call = first?.call;
  let heldBy = first?.held ? event.agent : undefined;
  for (let attempt = 0; call && attempt < 3; attempt += 1) {
    const target: LiveCall = call;
    try {
      return { call: target, result: await apply(target, heldBy) };
    } catch (error) {
      if (error instanceof CallMovedError) {
        const current = await calls.current(event.agent, event.callSid);
        // The index may still name the call the ledger says is another's: TaskRouter decides.
        call = current?.callSid === target.callSid ? await calls.lookup(event.agent, event.callSid) : current;
      } else if (error instanceof CallEndedError) {
        // Memory named a call that is over: the index knows the agent's next call once it was
        // accepted. When the index names the ended call too, TaskRouter says which call is live.
        const indexed = heldBy ? await calls.current(event.agent, event.callSid) : target;
        if (indexed && indexed.callSid !== target.callSid) {
          call = indexed;
        } else {
          await calls.forget(event.agent, target.callSid);
          const live = await calls.lookup(event.agent, event.callSid);
          call = live?.callSid === target.callSid ? undefined : live;
        }
      } else {
        throw error;
      }
      heldBy = undefined;
    }
  }
  return undefined;
}
const pick = ({ conferenceSid, conferenceName, taskSid, queue }: LiveCall): Partial<LiveCall> => ({
  ...(conferenceSid && { conferenceSid }),
  ...(conferenceName && { conferenceName }),
  ...(taskSid && { taskSid }),
  ...(queue && { queue }),
});

/** The call's queue is under the policy `never`: a start trigger is refused before anything is paused. */
class PauseNotAllowedError extends Error {}

export const pauseNotAllowed = (): HttpResult =>
  errorResult(403, 'pause_not_allowed', "this call's queue must be recorded in full (its pause policy): the call is NOT paused");

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

const noActiveCall = (callSid?: string): HttpResult =>
  errorResult(404, 'no_active_call', callSid ? 'that call is not a live call of this agent' : 'the agent has no live call');
