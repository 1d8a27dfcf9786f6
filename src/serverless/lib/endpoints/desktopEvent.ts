/**
 * POST /desktop-event (docs/api.md): a signed signal from the desktop relay, checked here, applied
 * to the agent's calls by the control layer (control/desktopSignal.ts) and answered from what that
 * returns. Every answer is a contract code.
 */
import { DesktopEventBody, MAX_BODY_BYTES, parseDesktopEventBody } from '../../../core/desktopEventRequest';
import { ConfigCheck, DesktopEventsConfig, isKnownTrigger, type SignalVia } from '../../../core/desktopEvents';
import { overLimit } from '../../../core/jsonLimits';
import { verifySignature } from '../../../core/signature';
import type { CallControl } from '../control/callControl';
import { applyDesktopSignal, type DesktopSignalOutcome, type Reached } from '../control/desktopSignal';
import { errorResult, FunctionRequest, headerList, HttpResult, mediaType, singleHeader } from '../base/http';
import type { AgentCalls } from '../control/agentCalls';
import { RecordingUpdateError, summarize } from '../base/recordingBackend';
import { bodyDigest, RecentAnswers, signalOutcome } from '../base/replays';
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
   * stops holds acts by it at once, and the newer copy must say the same of it (control/desktopSignal.ts).
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
 * The signal's steps: the functions are configured; transport, authentication and body
 * (`admitSignal`); a repeat this container answered; the configuration knows the trigger
 * (`configForTrigger`, checked once it is read: the call is looked up meanwhile); the signal applied
 * to the agent's calls (`applyDesktopSignal`); the answer (`answerTo`).
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

  const inForce = configReady.then((check) => configForTrigger(check, event.trigger));
  const onHand = deps.configOnHand && configForTrigger(deps.configOnHand, event.trigger);
  const outcome = await applyDesktopSignal(
    { settings: deps.settings, calls, control: deps.control },
    { event, via, identity: signal, receivedAtMs, inForce, ...(onHand?.ok && { onHand: onHand.config }) },
  );
  return answerTo(deps, event, signal, outcome);
}

/** What the functions need before a signal can be read at all. */
function notConfigured(deps: DesktopEventDeps, request: DesktopEventRequest): HttpResult | undefined {
  if (deps.settings.desktopSecrets.length === 0 && !isTokenSignal(request.headers, request.body)) {
    return errorResult(500, 'not_configured', 'DESKTOP_EVENT_SECRET is not set');
  }
  return undefined;
}

/** The configuration in force, if it is valid and some event uses the trigger; else the answer that refuses the signal. */
function configForTrigger(check: ConfigCheck, trigger: string): { ok: true; config: DesktopEventsConfig } | { ok: false; refusal: HttpResult } {
  if (!check.ok) {
    return { ok: false, refusal: errorResult(500, 'not_configured', `the desktop item events configuration is invalid: ${check.problems.join('; ')}`) };
  }
  // The trigger is not echoed: whatever a relay sent is not repeated back or logged.
  if (!isKnownTrigger(check.config, trigger))
    return { ok: false, refusal: errorResult(422, 'unknown_trigger', 'no configured desktop item event uses this trigger') };
  return { ok: true, config: check.config };
}

/** The answer to what came of the signal; a repeat gets the first answer (an older one its outcome, and what holds now). */
function answerTo(deps: DesktopEventDeps, event: DesktopEventBody, signal: SignalIdentity, outcome: DesktopSignalOutcome<HttpResult>): HttpResult {
  switch (outcome.kind) {
    case 'unconfigured':
      return outcome.refusal;
    case 'no_call':
      return noActiveCall(event.callSid);
    case 'not_allowed':
      return pauseNotAllowed();
    case 'failed':
      return failureOf(deps, event, outcome.error);
    case 'duplicate': {
      if (outcome.conflict) return eventIdConflict();
      const answer: Record<string, unknown> = {
        eventId: event.eventId,
        outcome: 'unchanged',
        callSid: outcome.call.callSid,
        recording: outcome.latest?.recording ?? 'absent',
        holds: outcome.latest?.holds ?? [],
        ...outcome.answer,
      };
      return answered(deps, event, signal, answer, true);
    }
    case 'applied': {
      const answer = { eventId: event.eventId, duplicate: false, callSid: outcome.call.callSid, ...withOthers(signalOutcome(outcome.result), outcome.others) };
      return answered(deps, event, signal, answer, false);
    }
  }
}

/** A 200: the answer kept for a repeat (whose body also says `duplicate`), and logged. */
function answered(deps: DesktopEventDeps, event: DesktopEventBody, signal: SignalIdentity, answer: Record<string, unknown>, duplicate: boolean): HttpResult {
  const body = duplicate ? { ...answer, duplicate: true } : answer;
  deps.answers.remember(signal, answer);
  deps.log?.(
    `desktop-event ${event.eventId} trigger=${event.trigger} outcome=${String(body.outcome)} recording=${String(body.recording)}` +
      (duplicate ? ' duplicate' : '') +
      (event.occurredAt ? ` sinceUserActionMs=${deps.now().getTime() - Date.parse(event.occurredAt)}` : ''),
  );
  return { status: 200, body };
}

/** The call's own answer, its `recording` that of every call the signal reached: "paused" only when none of them records. */
function withOthers(own: Record<string, unknown>, others: Reached[]): Record<string, unknown> {
  if (others.length === 0) return own;
  const states = [own.recording, ...others.map(({ result }) => (result.kind === 'duplicate' ? result.latest?.recording : summarize(result.recordings)))];
  return { ...own, recording: states.includes('in-progress') ? 'in-progress' : states.includes('paused') ? 'paused' : 'absent' };
}

/** Twilio (or Sync) did not confirm the change: the relay must treat the call as NOT paused. */
function failureOf(deps: DesktopEventDeps, event: DesktopEventBody, error: unknown): HttpResult {
  deps.log?.(
    `desktop-event ${event.eventId} failed: ${error instanceof RecordingUpdateError ? error.message : `Twilio request failed (${error instanceof Error ? error.message.slice(0, 80) : 'error'})`}`,
  );
  return errorResult(502, 'recording_update_failed', 'Twilio did not confirm the recording change: treat the call as NOT paused');
}

export const pauseNotAllowed = (): HttpResult =>
  errorResult(403, 'pause_not_allowed', "this call's queue must be recorded in full (its pause policy): the call is NOT paused");

const noActiveCall = (callSid?: string): HttpResult =>
  errorResult(404, 'no_active_call', callSid ? 'that call is not a live call of this agent' : 'the agent has no live call');
