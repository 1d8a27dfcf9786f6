/**
 * POST /desktop-event (docs/api.md): a signed signal from the desktop relay, checked, matched to
 * the agent's live call and applied through the holds ledger. Every answer is a contract code.
 */
import { checkDesktopEventBody, DESKTOP_EVENT_LIMITS, DesktopEventBody, MAX_BODY_BYTES } from '../../../core/desktopEventRequest';
import { applyDesktopTrigger, ConfigCheck, holdsOfTrigger, isKnownTrigger, onlyStarts } from '../../../core/desktopEvents';
import { hasPausePolicies, pausePolicyOf } from '../../../core/pausePolicy';
import { outcomeOf } from '../../../core/holds';
import { measureJson, overLimit } from '../../../core/jsonLimits';
import { verifySignature } from '../../../core/signature';
import { CallControl, CallMovedError, AppliedChange, ChangeResult } from '../ledger/callControl';
import { errorResult, headerList, HttpResult, mediaType, RequestHeaders, singleHeader } from '../http';
import type { AgentCalls } from '../twilio/agentCalls';
import { CallEndedError, TwilioCall, RecordingUpdateError, summarize } from '../twilio/recordings';
import { bodyDigest, signalKey } from './seenSignals';
import type { SignalIdentity } from './seenSignals';
import type { Authenticator } from '../api/auth';
import { admitTokenSignal, isTokenSignal, notTheTokensAgent } from './desktopEventToken';
import type { Settings } from '../settings';

export interface DesktopEventDeps {
  settings: Settings;
  /** The desktop item events in force; while this container reads them again, a promise (awaited alongside the call lookup). */
  config: ConfigCheck | Promise<ConfigCheck>;
  calls: AgentCalls | undefined;
  control: CallControl;
  /** Answers already given by this container, so a quick repeat costs no Twilio request. */
  answers: RecentAnswers;
  /** Checks the Flex token of a signal relayed from inside Flex (docs/api.md). */
  auth?: Authenticator;
  now: () => Date;
  log?: (line: string) => void;
}

export interface DesktopEventRequest {
  headers: RequestHeaders;
  body: unknown;
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

type Admitted = { ok: true; event: DesktopEventBody } | { ok: false; result: HttpResult };

/** Transport, authentication and body: everything checked before the signal's call is looked for. */
async function admitSignal(deps: DesktopEventDeps, { headers, body }: DesktopEventRequest): Promise<Admitted> {
  const refuse = (status: number, code: string, message: string): Admitted => ({ ok: false, result: errorResult(status, code, message) });
  // Form bodies and bodies of other types are parsed differently, or not at all: only JSON is signed.
  if (mediaType(headers) !== 'application/json') return refuse(400, 'invalid_event', 'send the body as JSON, with Content-Type: application/json');
  // The runtime hands a JSON array over flattened into {0: …, 1: …}.
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.prototype.hasOwnProperty.call(body, '0')) {
    return refuse(400, 'invalid_event', 'the body must be a JSON object');
  }
  const declaredLength = singleHeader(headers, 'content-length');
  if (declaredLength.repeated || Number(declaredLength.value ?? 0) > MAX_BODY_BYTES)
    return refuse(400, 'invalid_event', overLimit('too_large', MAX_BODY_BYTES));
  // Without a Content-Length (chunked), the body itself is measured, before anything walks it.
  const measured = measureJson(body, DESKTOP_EVENT_LIMITS);
  if (!measured.ok) return refuse(400, 'invalid_event', overLimit(measured.problem, MAX_BODY_BYTES));
  // From inside Flex: the agent's Flex token stands in for the signature (desktopEventToken.ts).
  const admitted = isTokenSignal(headers, body) ? await admitTokenSignal(deps.auth, { headers, body: body as Record<string, unknown> }) : undefined;
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
  const checked = checkDesktopEventBody(admitted ? admitted.body : body);
  if (!checked.ok) return refuse(400, 'invalid_event', checked.problems.join('; '));
  if (admitted && checked.body.agent !== admitted.identity) return { ok: false, result: notTheTokensAgent() };
  return { ok: true, event: checked.body };
}

const eventIdConflict = (): HttpResult =>
  errorResult(409, 'event_id_conflict', 'this agent already sent this eventId with a different body: send a new eventId for a new signal');

export async function handleDesktopEvent(deps: DesktopEventDeps, request: DesktopEventRequest): Promise<HttpResult> {
  const { settings, calls, control, now } = deps;
  // Real time, as Twilio's confirmation is measured: the start of this signal's exposure when the relay gives no occurredAt.
  const receivedAtMs = Date.now();
  const configReady = Promise.resolve(deps.config);
  if (settings.desktopSecrets.length === 0 && !isTokenSignal(request.headers, request.body))
    return errorResult(500, 'not_configured', 'DESKTOP_EVENT_SECRET is not set');
  if (!calls) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');

  const admitted = await admitSignal(deps, request);
  if (!admitted.ok) return admitted.result;
  const { event } = admitted;
  // Ids are the agent's own; the body's digest tells a repeat from a reuse of the id.
  const signal: SignalIdentity = { agent: event.agent, eventId: event.eventId, body: bodyDigest(event) };
  // A repeat this container answered is answered again at no cost.
  const repeated = deps.answers.get(signal);
  if (repeated) return repeated.conflict ? eventIdConflict() : { status: 200, body: { ...repeated.answer, duplicate: true } };

  // A call this container acted on for the agent is acted on at once (its ledger confirms it is
  // still the agent's); otherwise the agent's call is looked up while the configuration is read
  // (when this container's copy is old), so neither waits for the other.
  const found = liveCallOf(calls, control, event);
  found.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const config = await configReady;
  if (!config.ok) {
    return errorResult(500, 'not_configured', `the desktop item events configuration is invalid: ${config.problems.join('; ')}`);
  }
  // The trigger is not echoed: whatever a relay sent is not repeated back or logged.
  if (!isKnownTrigger(config.config, event.trigger)) return errorResult(422, 'unknown_trigger', 'no configured desktop item event uses this trigger');
  const eventsConfig = config.config;
  // What the change decided is what the call's ledger keeps for a repeat; the ids come from the request and its call.
  const decided = (outcome: AppliedChange): Record<string, unknown> => {
    const recording = summarize(outcome.recordings);
    return { outcome: outcomeOf(outcome.before, outcome.after, recording === 'absent'), recording, holds: outcome.latest.holds };
  };
  const answerTo = (call: TwilioCall, outcome: AppliedChange): Record<string, unknown> => ({
    eventId: event.eventId,
    duplicate: false,
    callSid: call.callSid,
    ...decided(outcome),
  });
  const holds = holdsOfTrigger(eventsConfig, event.trigger);
  const tally = { ...holds, ...(holds.opens.length > 0 && { exposure: { receivedAtMs, ...(event.occurredAt && { occurredAt: event.occurredAt }) } }) };
  // A queue that must record everything: nothing is paused, not even for the moment a speculative pause lasts.
  const refusesPause = async (call: TwilioCall) =>
    holds.opens.length > 0 && hasPausePolicies(eventsConfig) && pausePolicyOf(eventsConfig, await calls.queueOf(call)) === 'never';
  const apply = async (call: TwilioCall, heldBy: string | undefined) => {
    if (await refusesPause(call)) throw new PauseNotAllowedError();
    return control.change(
      { ...call, agent: event.agent },
      {
        pauseFirst: onlyStarts(eventsConfig, event.trigger),
        tally,
        change: (record, at) => ({ ...record, ...applyDesktopTrigger(record, eventsConfig, event.trigger, event.agent, at) }),
        signal: { identity: signal, answer: decided },
        heldBy,
      },
    );
  };

  try {
    const applied = await applyToLiveCall(calls, event, await found, apply);
    if (!applied) return noActiveCall(event.callSid);
    const { call, result } = applied;
    if (result.duplicate && result.conflict) return eventIdConflict();
    // The ledger names the call's conference and task: the next signal here starts from them.
    if (!result.duplicate) calls.remember(event.agent, { callSid: call.callSid, ...pick(result.latest.call) });
    // A repeat gets the first answer (an older one its outcome, and what holds now).
    const answer = result.duplicate
      ? {
          eventId: event.eventId,
          outcome: 'unchanged',
          callSid: call.callSid,
          recording: result.latest?.recording ?? 'absent',
          holds: result.latest?.holds ?? [],
          ...result.answer,
        }
      : answerTo(call, result);
    const response = result.duplicate ? { ...answer, duplicate: true } : answer;
    deps.answers.remember(signal, answer);
    deps.log?.(
      `desktop-event ${event.eventId} trigger=${event.trigger} outcome=${String(response.outcome)} recording=${String(response.recording)}` +
        (result.duplicate ? ' duplicate' : '') +
        (event.occurredAt ? ` sinceUserActionMs=${now().getTime() - Date.parse(event.occurredAt)}` : ''),
    );
    return { status: 200, body: response };
  } catch (error) {
    if (error instanceof CallEndedError) return noActiveCall(event.callSid);
    if (error instanceof PauseNotAllowedError) return pauseNotAllowed();
    deps.log?.(
      `desktop-event ${event.eventId} failed: ${error instanceof RecordingUpdateError ? error.message : `Twilio request failed (${error instanceof Error ? error.message.slice(0, 80) : 'error'})`}`,
    );
    return errorResult(502, 'recording_update_failed', 'Twilio did not confirm the recording change: treat the call as NOT paused');
  }
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
  apply: (call: TwilioCall, heldBy: string | undefined) => Promise<ChangeResult>,
): Promise<{ call: TwilioCall; result: ChangeResult } | undefined> {
  let call = first?.call;
  let heldBy = first?.held ? event.agent : undefined;
  for (let attempt = 0; call && attempt < 3; attempt += 1) {
    const target: TwilioCall = call;
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
const pick = ({ conferenceSid, taskSid, queue }: TwilioCall): Partial<TwilioCall> => ({
  ...(conferenceSid && { conferenceSid }),
  ...(taskSid && { taskSid }),
  ...(queue && { queue }),
});

/** The call's queue is under the policy `never`: a start trigger is refused before anything is paused. */
class PauseNotAllowedError extends Error {}

export const pauseNotAllowed = (): HttpResult =>
  errorResult(403, 'pause_not_allowed', "this call's queue must be recorded in full (its pause policy): the call is NOT paused");

/** The call to try first; `held`: by memory or its own ledger, so the change checks the agent again and puts a speculative pause back. */
interface FoundCall {
  call: TwilioCall;
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
function recalledCall(control: CallControl, event: DesktopEventBody): TwilioCall | undefined {
  const call = event.callSid ? control.recalled(event.callSid)?.record.call : undefined;
  return call && call.agent === event.agent ? { callSid: call.callSid, ...pick(call) } : undefined;
}

const noActiveCall = (callSid?: string): HttpResult =>
  errorResult(404, 'no_active_call', callSid ? 'that call is not a live call of this agent' : 'the agent has no live call');
