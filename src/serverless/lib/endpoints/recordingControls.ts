/**
 * POST /recording-controls/<verb> (docs/api.md), for the Flex plugin and external applications.
 * A manual or API pause is one more hold on the same ledger as the desktop events, so an agent's
 * resume cannot undo a desktop pause that is still open: the answer shows what still holds it.
 */
import type { Verb } from '../../../core/wire';
import { z } from 'zod';
import { closeHold, closeHolds, expireHolds, isPaused, nextExpiry, openHold, outcomeOf } from '../../../core/holds';
import { redactionTimeline } from '../../../core/timeline';
import { containsCardNumber } from '../../../core/cardData';
import { safeProblems } from '../../../core/safeProblems';
import type { JsonLimits } from '../../../core/jsonLimits';
import { GROUP_BYS } from '../../../core/report';
import type { ReportStore } from '../stores/reportStore';
import { report, ReportRequest } from './report';
import type { DesktopEventsConfig } from '../../../core/desktopEvents';
import { pauseAllowed, pauseCapSeconds, pausePolicyOf } from '../../../core/pausePolicy';
import type { DesktopEventsConfigStore } from '../stores/desktopEventsConfig';
import { pauseNotAllowed } from './desktopEvent';
import { Authenticator, Caller, credentialsOf, holdOf } from './auth';
import type { CallControl, ChangeResult } from '../control/callControl';
import { expireDue, knownStates } from '../base/ledgerTransforms';
import { errorResult, HttpResult, RequestHeaders } from '../base/http';
import { type CallRecord, conferenceOf } from '../base/callRecord';
import type { TaskCall, TaskCalls } from '../twilio/taskCalls';
import { CallEndedError, isActive, type PlatformRecording, type RecordingBackend, summarize } from '../base/recordingBackend';
import { type Retries, twilioCode } from '../twilio/retry';
import type { Settings } from '../base/settings';
import { notConfiguredSync, type SyncServiceCheck } from '../twilio/syncService';
import type { SyncReadGrants } from '../twilio/syncPermissions';
import { mergeTaskAttributes } from '../twilio/taskAttributes';
import type { TwilioClient } from '../twilio/twilioClient';

export interface RecordingControlsDeps {
  settings: Settings;
  client: TwilioClient;
  /** How the container retries Twilio's requests (twilio/retry.ts). */
  retries: Retries;
  recordings: RecordingBackend;
  control: CallControl;
  tasks: TaskCalls | undefined;
  auth: Authenticator;
  /** Whether the Sync service may keep the state (read alongside the caller's token check). */
  syncService?: SyncServiceCheck;
  /** Read permissions for the plugin's Sync client: `status` grants the caller the call's document. */
  grants?: SyncReadGrants;
  /** The compliance report's figures. */
  reports?: ReportStore;
  /** The desktop item events configuration, for pause policies and caps. */
  configs?: DesktopEventsConfigStore;
  /** Where Twilio should report recordings we start (the recording-status function). */
  recordingStatusCallback?: string;
  now: () => Date;
}

export interface RecordingControlsRequest {
  headers: RequestHeaders;
  body: Record<string, unknown>;
}

/** Free text may be typed by an agent mid-call: anything that is or could be a card number is refused. */
const noCardNumber = (value: string) => !containsCardNumber(value);
const CARD_NUMBER = 'must not contain a card number (card data is never stored)';
const freeText = (max: number) => z.string().min(1).max(max).refine(noCardNumber, CARD_NUMBER);
const fromForm = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);

/** What every request on a call carries: the Flex token (or an API key in a header) and the call's or task's sid. */
export const callFields = {
  Token: z.string().min(1).max(8192).optional(),
  callSid: z
    .string()
    .regex(/^CA[0-9a-fA-F]{32}$/, 'must be CA followed by 32 hex digits')
    .optional(),
  taskSid: z
    .string()
    .regex(/^WT[0-9a-fA-F]{32}$/, 'must be WT followed by 32 hex digits')
    .optional(),
};
const MAX_METADATA_KEYS = 20;
/**
 * What `tags` may keep on a task in all, however many requests add to it (docs/api.md): the task's
 * end record (callbacks.ts: up to 10 KiB of intervals and timeline, and its figures) must still fit
 * in the task's attributes beside Flex's own.
 */
export const TAGS_BUDGET = { tags: 50, metadata: 50, bytes: 4 * 1024 } as const;
const TAGS_OVER_BUDGET = `a task keeps at most ${TAGS_BUDGET.tags} tags, ${TAGS_BUDGET.metadata} metadata entries and ${TAGS_BUDGET.bytes} bytes of both (as JSON) in all: this request would pass that, so nothing was changed`;
/** What each verb accepts; nothing else is. */
export const VERB_BODIES = {
  pause: z.strictObject({ ...callFields, reason: freeText(120).optional() }),
  resume: z.strictObject({ ...callFields, force: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional() }),
  status: z.strictObject(callFields),
  start: z.strictObject(callFields),
  stop: z.strictObject(callFields),
  tags: z.strictObject({
    ...callFields,
    tags: fromForm(
      z
        .array(
          z
            .string()
            .regex(/^[\p{L}\p{N} _.:-]{1,64}$/u, 'each tag: 1–64 letters, digits, space, _ . : -')
            .refine(noCardNumber, CARD_NUMBER),
        )
        .max(20),
    ).optional(),
    metadata: fromForm(
      z
        .record(
          z
            .string()
            .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'each key: 1–64 of A-Z a-z 0-9 _ . : -')
            .refine(noCardNumber, CARD_NUMBER),
          freeText(256),
        )
        .refine((value) => Object.keys(value).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`),
    ).optional(),
  }),
  timeline: z.strictObject(callFields),
  report: z.strictObject({
    Token: callFields.Token,
    from: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time, such as 2026-12-01T00:00:00Z' }),
    to: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time, such as 2026-12-02T00:00:00Z' }),
    groupBy: z.enum(GROUP_BYS, { message: 'must be day, queue or agent' }).optional(),
    format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).optional(),
  }),
} satisfies Record<Verb, z.ZodObject>;

/** The body's limits, checked before anything walks it: a Flex token (≤ 8 KiB) and 20 metadata entries fit. */
export const API_BODY_LIMITS: JsonLimits = { maxDepth: 3, maxBytes: 32 * 1024 };

type Json = Record<string, unknown>;

export async function handleRecordingControl(verb: Verb, deps: RecordingControlsDeps, request: RecordingControlsRequest): Promise<HttpResult> {
  if (!deps.tasks) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  const parsed = VERB_BODIES[verb].safeParse(request.body);
  if (!parsed.success) return errorResult(400, 'invalid_request', safeProblems(parsed.error.issues).join('; '));
  const body = parsed.data as Json & { Token?: string; callSid?: string; taskSid?: string };

  // A pause needs the policies and caps, a status names the call's policy: read alongside the caller's token (at most every 5 s per container).
  const config = verb === 'pause' || verb === 'status' ? pauseRules(deps) : undefined;
  // The call is looked up alongside the caller's token (reads only; nothing is answered before the token is checked).
  const lookup = verb === 'report' || !credentialsOf(request.headers, body.Token).ok ? undefined : lookupOf(deps, verb, body);
  const authenticated = await callerOf(deps, request, body.Token);
  if (!authenticated.ok) return authenticated.result;
  const { caller } = authenticated;
  if (verb === 'report') {
    if (!deps.reports) return errorResult(500, 'not_configured', 'SYNC_SERVICE_SID is not set');
    return report(deps.reports, caller, body as unknown as ReportRequest, deps.now()).catch((error: unknown) => {
      console.error(`recording-controls/report failed: ${error instanceof Error ? error.name : 'error'} ${twilioCode(error) ?? ''}`);
      return errorResult(502, 'recording_update_failed', "Twilio Sync did not answer the report's reads: ask again");
    });
  }
  return onCallerCall(
    `recording-controls/${verb}`,
    deps,
    caller,
    body,
    (found) => VERB_HANDLERS[verb as Exclude<Verb, 'report'>](deps, found, caller, body, config ?? NO_RULES),
    lookup,
  );
}

/**
 * The call the body names, looked up before the caller is known: a failure waits for `onCallerCall`,
 * which reports it once the caller may know. A `status` by call sid reads the call's index item too
 * (unless known): a resume it writes then copies its ledger in the same round trip.
 */
function lookupOf(deps: RecordingControlsDeps, verb: Verb, body: { callSid?: string; taskSid?: string }): Promise<Lookup> | undefined {
  if (!deps.tasks || (!body.callSid && !body.taskSid)) return undefined;
  const indexItem = verb === 'status' && body.callSid ? deps.control.prefetchIndex(body.callSid) : undefined;
  return Promise.all([findCall(deps, body), indexItem]).then(
    ([found]) => ({ found }),
    (error: unknown) => ({ error }),
  );
}

type Lookup = { found: TaskCall | undefined } | { error: unknown };

/** The call the body names; the ledger this container has for it (a signal's write, say) names it without a lookup while recent. */
const findCall = (deps: Pick<RecordingControlsDeps, 'tasks' | 'control'>, body: { callSid?: string; taskSid?: string }) =>
  deps.tasks!.find({ taskSid: body.taskSid, callSid: body.callSid }, body.callSid ? deps.control.recalled(body.callSid)?.record : undefined);

/**
 * The ledger this container has for the call (remembered, or just read to find it) names the caller
 * as the agent TaskRouter reported accepting this very task: only the functions write the ledger,
 * from TaskRouter's own record of the acceptance, so no reservations list is needed. Task attributes
 * play no part. Anything else (another agent, another task, a task accepted again after a transfer
 * back, a ledger from before the acceptance) is asked of TaskRouter.
 */
function ledgerNamesHolder(deps: Pick<RecordingControlsDeps, 'control'>, caller: Caller, found: TaskCall): boolean {
  if (caller.kind !== 'flex' || !caller.workerSid) return false;
  const record = deps.control.recalled(found.call.callSid)?.record;
  const taskSid = found.call.taskSid;
  return (
    record !== undefined &&
    record.call.taskSid === taskSid &&
    record.tasks?.at(-1) === taskSid &&
    record.call.agent === caller.identity &&
    record.call.workerSid === caller.workerSid
  );
}

/** The caller, from an API key or a Flex token (`Token`), once the Sync service is known fit to keep the state. */
export async function callerOf(
  deps: Pick<RecordingControlsDeps, 'auth' | 'syncService'>,
  request: RecordingControlsRequest,
  token: unknown,
): Promise<{ ok: true; caller: Caller } | { ok: false; result: HttpResult }> {
  const credentials = credentialsOf(request.headers, token);
  if (!credentials.ok) return { ok: false, result: errorResult(401, 'unauthenticated', credentials.message) };
  const [authentication, service] = await Promise.all([deps.auth.authenticate(credentials.authorization, credentials.token), deps.syncService?.check()]);
  if (!authentication.ok) return { ok: false, result: errorResult(401, 'unauthenticated', authentication.message) };
  if (service && !service.ok) return { ok: false, result: notConfiguredSync(service) };
  return { ok: true, caller: authentication.caller };
}

/**
 * Runs `act` on the call the body names, once the caller may act on it (agents: calls of their own
 * tasks); a call not found is a 404, and a Twilio failure a 502 that says the call is NOT paused.
 */
export async function onCallerCall(
  what: string,
  deps: Pick<RecordingControlsDeps, 'tasks' | 'control'>,
  caller: Caller,
  body: { callSid?: string; taskSid?: string },
  act: (found: TaskCall) => Promise<HttpResult>,
  lookup?: Promise<Lookup>,
): Promise<HttpResult> {
  if (!deps.tasks) return errorResult(500, 'not_configured', 'TWILIO_WORKSPACE_SID is not set');
  if (!body.callSid && !body.taskSid) return errorResult(400, 'invalid_request', 'name the call with callSid or taskSid');
  try {
    const looked = await lookup;
    if (looked && 'error' in looked) throw looked.error;
    const found = looked ? looked.found : await findCall(deps, body);
    if (!found) return errorResult(404, 'call_not_found', 'no task or call with that sid');
    if (!caller.privileged && !ledgerNamesHolder(deps, caller, found)) {
      const mine = caller.kind === 'flex' && caller.workerSid ? await deps.tasks.holds(caller.workerSid, found.call.taskSid) : false;
      if (!mine) return errorResult(403, 'forbidden', 'agents may act only on calls of their own tasks');
    }
    return await act(found);
  } catch (error) {
    if (error instanceof CallEndedError) return errorResult(404, 'call_not_found', 'the call is no longer in progress');
    // Names and codes only: never a body, which could hold what a caller sent.
    console.error(`${what} failed: ${error instanceof Error ? error.name : 'error'} ${twilioCode(error) ?? ''}`);
    return errorResult(502, 'recording_update_failed', 'Twilio did not confirm the change: treat the call as NOT paused');
  }
}

/** `rules`: the pause policies and caps, read for a pause and a status only (a status changes the call before it needs them). */
type VerbHandler = (deps: RecordingControlsDeps, found: TaskCall, caller: Caller, body: Json, rules: Promise<DesktopEventsConfig>) => Promise<HttpResult>;

const NO_RULES: Promise<DesktopEventsConfig> = Promise.resolve({ events: [] });

const notLive = (): HttpResult => errorResult(404, 'call_not_found', 'the call is no longer in progress');

/** The contract's status shape, from a ledger and what Twilio said of the recordings. */
function statusBody(callSid: string, record: CallRecord | null, recordings: PlatformRecording[]): Json {
  return {
    callSid,
    recording: summarize(recordings),
    holds: record?.holds ?? [],
    recordings: recordings.map(({ sid, kind, status }) => ({ sid, kind, status })),
    intervals: record?.intervals ?? [],
  };
}

/** The status after a pause or resume, and what this request itself did. */
function changeAnswer(found: TaskCall, result: ChangeResult): HttpResult {
  if (result.kind === 'ended') return notLive();
  // The API's changes carry no signal and no agent to check: nothing else is refused.
  if (result.kind !== 'applied') return { status: 200, body: statusBody(found.call.callSid, result.kind === 'duplicate' ? result.latest : null, []) };
  const outcome = outcomeOf(result.before, result.after, summarize(result.recordings) === 'absent');
  return { status: 200, body: { ...statusBody(found.call.callSid, result.latest, result.recordings), outcome } };
}

/** Pause policies and caps in force; without a valid configuration, none (every queue allowed, the default caps). */
async function pauseRules(deps: RecordingControlsDeps): Promise<DesktopEventsConfig> {
  const check = await deps.configs?.forSignals();
  return check?.ok ? check.config : { events: [] };
}

const pause: VerbHandler = async ({ control }, found, caller, body, ruling) => {
  if (!found.live) return notLive();
  const rules = await ruling;
  const hold = holdOf(caller);
  if (!pauseAllowed(pausePolicyOf(rules, found.call.queue), hold.source)) return pauseNotAllowed();
  // A manual or API hold closes by itself after its cap, unless resumed first.
  const durationSeconds = pauseCapSeconds(rules, hold.source === 'api' ? 'api' : 'manual');
  const result = await control.change(found.call, {
    pauseFirst: true,
    tally: { opens: [hold.id] },
    change: (record, now) => ({
      ...record,
      ...openHold(expireHolds(record, now), { ...hold, durationSeconds, ...(typeof body.reason === 'string' && { reason: body.reason }) }, now),
    }),
  });
  return changeAnswer(found, result);
};

const resume: VerbHandler = async ({ control }, found, caller, body) => {
  if (!found.live) return notLive();
  if (body.force === true && !caller.privileged) return errorResult(403, 'forbidden', 'only supervisors, admins and API keys may force a resume');
  const hold = holdOf(caller);
  const result = await control.change(found.call, {
    tally: { forced: body.force === true },
    change: (record, now) => ({
      ...record,
      ...(body.force === true ? closeHolds(record, () => true, now) : closeHold(expireHolds(record, now), hold.id, now)),
    }),
  });
  return changeAnswer(found, result);
};

/** A call's ledger and its recordings as a status shows them; 'ended' when Twilio says the call is over. */
type CallState = { record: CallRecord | null; recordings: PlatformRecording[] } | 'ended';

/**
 * The plugin's look at an expiry: the ledger this container has (remembered, or just read to find the
 * call) says every open hold is due, so the call resumes at once — written down, then sent — with no
 * list of the recordings first (a stale ledger only costs the write a conflict and a read). Undefined
 * when that is not so: a hold stays open (a recording started meanwhile must be found and paused), or
 * Twilio never reported the recordings.
 */
async function resumeDue(deps: RecordingControlsDeps, found: TaskCall): Promise<CallState | undefined> {
  const stored = deps.control.recalled(found.call.callSid);
  if (!found.live || !stored || stored.record.recording === 'unknown') return undefined;
  const now = deps.now();
  const expiry = nextExpiry(stored.record);
  if (expiry === null || Date.parse(expiry) > now.getTime() || isPaused(expireHolds(stored.record, now))) return undefined;
  const result = await deps.control.change(found.call, { change: expireDue });
  if (result.kind === 'ended') return 'ended';
  if (result.kind !== 'applied') return undefined;
  const confirmed = new Map(result.recordings.map((state) => [state.sid, state]));
  // The recordings as the ledger knows them, with what Twilio just confirmed.
  const known = knownStates(result.latest).map((state) => confirmed.get(state.sid) ?? state);
  return { record: result.latest, recordings: [...known, ...result.recordings.filter((state) => !known.includes(state))] };
}

/** Reads the ledger and the recordings side by side; closes holds whose time has come. */
async function current(deps: RecordingControlsDeps, found: TaskCall): Promise<CallState> {
  const [stored, listed] = await Promise.all([deps.control.load(found.call.callSid), deps.recordings.list(found.call)]);
  // The ledger knows a conference the task's own name does not find (a transfer made before Flex named it).
  const name = stored?.record.call.conferenceName;
  const recordings =
    stored && name !== undefined && name !== found.call.taskSid ? await deps.recordings.list({ ...found.call, ...conferenceOf(stored.record) }) : listed;
  if (stored?.record.recording === 'unknown') await deps.control.noteRecordings(found.call.callSid, recordings, stored);
  const expiry = stored ? nextExpiry(stored.record) : null;
  const due = expiry !== null && Date.parse(expiry) <= deps.now().getTime();
  // A recording someone else started during a hold (it reports to nobody) is running: pause it now.
  const disobeyed = stored !== null && isPaused(stored.record) && recordings.some((state) => state.status === 'in-progress');
  if (!stored || !found.live || (!due && !disobeyed)) return { record: stored?.record ?? null, recordings };
  // Precise auto-resume: the plugin asks for status the moment a hold is due.
  const running = disobeyed ? recordings.filter((state) => state.status === 'in-progress').length : 0;
  const result = await deps.control.change(found.call, { change: expireDue, tally: { repaired: running } });
  if (result.kind === 'ended') return 'ended';
  if (result.kind !== 'applied') return { record: stored.record, recordings };
  const confirmed = new Map(result.recordings.map((state) => [state.sid, state]));
  return { record: result.latest, recordings: recordings.map((state) => confirmed.get(state.sid) ?? state) };
}

/**
 * A Flex user who may see the call may follow its document: granted alongside the read (once per
 * call and user per container), so the plugin can open it as soon as it has the answer.
 */
async function grantDocument(deps: RecordingControlsDeps, found: TaskCall, caller: Caller): Promise<void> {
  if (caller.kind !== 'flex' || !deps.grants) return;
  await deps.grants.callDocument(found.call.callSid, caller.identity).catch((error: unknown) => {
    console.error(`recording-controls/status: read permission not granted (${twilioCode(error) ?? 'no answer'}); the plugin polls meanwhile`);
  });
}

/** The call's state, and its queue's pause policy: the plugin disables its pause button, saying why, where no pause by hand is allowed. */
const status: VerbHandler = async (deps, found, caller, _body, ruling) => {
  const [state, rules] = await Promise.all([
    resumeDue(deps, found).then((resumed) => resumed ?? current(deps, found)),
    ruling,
    grantDocument(deps, found, caller),
  ]);
  if (state === 'ended') return notLive();
  const { record, recordings } = state;
  return { status: 200, body: { ...statusBody(found.call.callSid, record, recordings), pausePolicy: pausePolicyOf(rules, found.call.queue) } };
};

const start: VerbHandler = async (deps, found) => {
  if (!found.live) return notLive();
  const existing = await deps.recordings.list(found.call);
  if (existing.some(isActive)) return errorResult(409, 'already_recording', 'the call already has an active recording');
  await deps.recordings.start(found.call, deps.recordingStatusCallback);
  // A hold may be open already (the agent is mid card entry): the new recording must obey it.
  const result = await deps.control.change(found.call, { change: expireDue });
  if (result.kind === 'ended') return notLive();
  const after = 'latest' in result ? result.latest : null;
  return { status: 200, body: statusBody(found.call.callSid, after, await deps.recordings.list(found.call)) };
};

const stop: VerbHandler = async (deps, found) => {
  if (!deps.settings.allowStop) return errorResult(403, 'stop_not_allowed', 'stopping recordings is not allowed by this deployment (ALLOW_STOP_RECORDING)');
  if (!found.live) return notLive();
  await deps.recordings.set(found.call, 'stopped');
  const stored = await deps.control.load(found.call.callSid);
  return { status: 200, body: statusBody(found.call.callSid, stored?.record ?? null, await deps.recordings.list(found.call)) };
};

/** A merge that would take a task's tags and metadata past TAGS_BUDGET: nothing is written. */
class OverTagsBudget extends Error {}

const overTagsBudget = (kept: { tags: string[]; metadata: Json }): boolean =>
  kept.tags.length > TAGS_BUDGET.tags ||
  Object.keys(kept.metadata).length > TAGS_BUDGET.metadata ||
  Buffer.byteLength(JSON.stringify(kept)) > TAGS_BUDGET.bytes;

const tags: VerbHandler = async (deps, found, caller, body) => {
  const added = (body.tags as string[] | undefined) ?? [];
  const metadata = (body.metadata as Record<string, string> | undefined) ?? {};
  let attributes: Json;
  try {
    attributes = await mergeTaskAttributes(deps.client, deps.retries, deps.settings.workspaceSid as string, found.call.taskSid, (attributes) => {
      const section = (attributes.recording_controls as Json | undefined) ?? {};
      const knownTags = Array.isArray(section.tags) ? (section.tags as string[]) : [];
      const known = { tags: knownTags, metadata: (section.metadata as Json | undefined) ?? {} };
      const kept = { tags: [...knownTags, ...added.filter((tag) => !knownTags.includes(tag))], metadata: { ...known.metadata, ...metadata } };
      // Thrown before the write: the task keeps what it had. What is there already (even past the budget) may be sent again.
      if (overTagsBudget(kept) && JSON.stringify(kept) !== JSON.stringify(known)) throw new OverTagsBudget();
      return { ...attributes, recording_controls: { ...section, ...kept } };
    });
  } catch (error) {
    if (error instanceof OverTagsBudget) return errorResult(400, 'invalid_request', TAGS_OVER_BUDGET);
    throw error;
  }
  const section = attributes.recording_controls as Json;
  return { status: 200, body: { taskSid: found.call.taskSid, tags: section.tags, metadata: section.metadata, by: holdOf(caller).by } };
};

const timeline: VerbHandler = async (deps, found) => {
  const state = await current(deps, found);
  if (state === 'ended') return notLive();
  const { record, recordings } = state;
  const known = new Map((record?.recordings ?? []).map((recording) => [recording.sid, recording.startedAt]));
  const started = recordings
    .map((recording) => ({ sid: recording.sid, startedAt: recording.startedAt ?? known.get(recording.sid) }))
    .filter((recording): recording is { sid: string; startedAt: string } => typeof recording.startedAt === 'string');
  const intervals = record ? await deps.control.allIntervals(record) : [];
  return { status: 200, body: { callSid: found.call.callSid, recordings: redactionTimeline(started, intervals) } };
};

const VERB_HANDLERS: Record<Exclude<Verb, 'report'>, VerbHandler> = { pause, resume, status, start, stop, tags, timeline };
