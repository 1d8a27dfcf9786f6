/**
 * POST /desktop-event (CONTRACT §1): a signed signal from the desktop relay, checked, matched to
 * the agent's live call and applied through the holds ledger. Every answer is a contract code.
 */
import { checkDesktopEventBody, DESKTOP_EVENT_LIMITS, MAX_BODY_BYTES } from '../../core/desktopEventRequest';
import { applyDesktopTrigger, ConfigCheck, isKnownTrigger, onlyStarts } from '../../core/desktopEvents';
import { isPaused } from '../../core/holds';
import { measureJson } from '../../core/jsonLimits';
import { verifySignature } from '../../core/signature';
import type { CallControl, ChangeOutcome } from './callControl';
import { errorResult, headerList, HttpResult, mediaType, RequestHeaders, singleHeader } from './http';
import type { LiveCallDirectory } from './liveCalls';
import { CallEndedError, LiveCall, RecordingUpdateError, summarize } from './recordings';
import type { Settings } from './settings';

export interface DesktopEventDeps {
  settings: Settings;
  config: ConfigCheck;
  calls: LiveCallDirectory | undefined;
  control: CallControl;
  /** Answers already given by this container, so a quick repeat costs no Twilio request. */
  answers: RecentAnswers;
  now: () => Date;
  log?: (line: string) => void;
}

export interface DesktopEventRequest {
  headers: RequestHeaders;
  body: unknown;
}

/** The last answers given, by event id; the oldest is forgotten first. */
export class RecentAnswers {
  private readonly answers = new Map<string, Record<string, unknown>>();

  constructor(private readonly kept = 1000) {}

  get(eventId: string): Record<string, unknown> | undefined {
    return this.answers.get(eventId);
  }

  remember(eventId: string, answer: Record<string, unknown>): void {
    this.answers.set(eventId, answer);
    if (this.answers.size > this.kept) this.answers.delete(this.answers.keys().next().value as string);
  }
}

export async function handleDesktopEvent(deps: DesktopEventDeps, request: DesktopEventRequest): Promise<HttpResult> {
  const { settings, config, calls, control, now } = deps;
  if (settings.desktopSecrets.length === 0) return errorResult(500, 'not_configured', 'DESKTOP_EVENT_SECRET is not set');
  if (!config.ok) {
    return errorResult(500, 'not_configured', `the desktop item events configuration is invalid: ${config.problems.join('; ')}`);
  }
  if (!calls) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');

  const { headers, body } = request;
  // Form bodies and bodies of other types are parsed differently, or not at all: only JSON is signed.
  if (mediaType(headers) !== 'application/json') return errorResult(400, 'invalid_event', 'send the body as JSON, with Content-Type: application/json');
  // The runtime hands a JSON array over flattened into {0: …, 1: …}.
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.prototype.hasOwnProperty.call(body, '0')) {
    return errorResult(400, 'invalid_event', 'the body must be a JSON object');
  }
  const declaredLength = singleHeader(headers, 'content-length');
  if (declaredLength.repeated || Number(declaredLength.value ?? 0) > MAX_BODY_BYTES) {
    return errorResult(400, 'invalid_event', `the body is over ${MAX_BODY_BYTES} bytes`);
  }
  // Without a Content-Length (chunked), the body itself is measured, before anything walks it.
  const measured = measureJson(body, DESKTOP_EVENT_LIMITS);
  if (!measured.ok) {
    return errorResult(400, 'invalid_event', measured.problem === 'too_deep' ? 'the body is nested too deeply' : `the body is over ${MAX_BODY_BYTES} bytes`);
  }
  const timestamp = singleHeader(headers, 'x-desktop-timestamp');
  if (timestamp.repeated) return errorResult(401, 'invalid_signature', 'send one X-Desktop-Timestamp header');
  const signature = verifySignature({
    secrets: settings.desktopSecrets,
    timestampHeader: timestamp.value,
    // Copies of the header are one comma-separated list.
    signatureHeader: headerList(headers, 'x-desktop-signature'),
    body,
    nowSeconds: Math.floor(now().getTime() / 1000),
  });
  if (signature === 'stale_timestamp') return errorResult(401, 'stale_timestamp', 'X-Desktop-Timestamp is more than 300 s from the server clock');
  if (signature !== 'valid') return errorResult(401, 'invalid_signature', 'X-Desktop-Signature does not match the body');

  const checked = checkDesktopEventBody(body);
  if (!checked.ok) return errorResult(400, 'invalid_event', checked.problems.join('; '));
  const event = checked.body;
  // The trigger is not echoed: whatever a relay sent is not repeated back or logged.
  if (!isKnownTrigger(config.config, event.trigger)) return errorResult(422, 'unknown_trigger', 'no configured desktop item event uses this trigger');
  const eventsConfig = config.config;
  const respond = (call: LiveCall) => ({ before, after, recordings }: ChangeOutcome) => {
    const recording = summarize(recordings);
    const outcome =
      recording === 'absent' || isPaused(before) === isPaused(after) ? 'unchanged' : isPaused(after) ? 'paused' : 'resumed';
    return { eventId: event.eventId, duplicate: false, outcome, callSid: call.callSid, recording, holds: after.holds };
  };
  const apply = (call: LiveCall) =>
    control.change(call, {
      eventId: event.eventId,
      pauseFirst: onlyStarts(eventsConfig, event.trigger),
      change: (record, at) => ({ ...record, ...applyDesktopTrigger(record, eventsConfig, event.trigger, event.agent, at) }),
      respond: respond(call),
    });

  try {
    // A repeat this container answered: answered again, once Sync confirms the call's ledger
    // still exists (one read instead of a pause).
    const repeated = deps.answers.get(event.eventId);
    if (repeated && (await control.load(String(repeated.callSid)))) return { status: 200, body: { ...repeated, duplicate: true } };

    const remembered = calls.known(event.agent, event.callSid);
    const call = remembered ?? (await calls.find(event.agent, event.callSid));
    if (!call) return noActiveCall(event.callSid);
    let result = await apply(call).catch(endedAsNull);
    // A remembered call may have ended or be unknown to Twilio now (no recording answered):
    // TaskRouter says which call is live, and the signal goes there.
    if (remembered && (result === null || (!result.duplicate && result.response?.recording === 'absent'))) {
      calls.forget(event.agent);
      const live = await calls.find(event.agent, event.callSid);
      if (live && live.callSid !== call.callSid) result = await apply(live).catch(endedAsNull);
      else if (!live) result = null;
    }
    if (result === null) return noActiveCall(event.callSid);
    const response = result.duplicate ? { ...result.response, duplicate: true } : (result.response as Record<string, unknown>);
    if (!result.duplicate) deps.answers.remember(event.eventId, response);
    deps.log?.(
      `desktop-event ${event.eventId} trigger=${event.trigger} outcome=${String(response.outcome)} recording=${String(response.recording)}` +
        (event.occurredAt ? ` sinceUserActionMs=${now().getTime() - Date.parse(event.occurredAt)}` : ''),
    );
    return { status: 200, body: response };
  } catch (error) {
    if (error instanceof CallEndedError) return noActiveCall(event.callSid);
    deps.log?.(`desktop-event ${event.eventId} failed: ${error instanceof RecordingUpdateError ? error.message : 'Twilio request failed'}`);
    return errorResult(502, 'recording_update_failed', 'Twilio did not confirm the recording change: treat the call as NOT paused');
  }
}

const endedAsNull = (error: unknown): null => {
  if (error instanceof CallEndedError) return null;
  throw error;
};

const noActiveCall = (callSid?: string): HttpResult =>
  errorResult(404, 'no_active_call', callSid ? 'that call is not a live call of this agent' : 'the agent has no live call');
