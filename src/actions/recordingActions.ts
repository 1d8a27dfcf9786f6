/**
 * Flex Actions for recording control, so other plugins can invoke them and hook
 * `before…` / `after…` listeners (or replace them) like any Flex action:
 *
 *   Actions.invokeAction('PauseRecording', { task, reason: 'card details' })
 *   Actions.addListener('afterResumeRecording', (payload) => …)
 *
 * Payload: `{ task }` (a Flex task) or `{ taskSid?, callSid? }`; without either, the selected
 * task. Pause and resume resolve with the call's state the server confirmed.
 */
import { Actions } from '@twilio/flex-ui';
import { ApiError, isCallStatus, normalizeStatus } from '../flex/api';
import { selectedTask, refOf } from '../flex/calls';
import { describe, hasOwnHold } from '../flex/describe';
import { notify } from '../flex/notifications';
import { getRuntime, type Runtime } from '../flex/runtime';
import type { StringKey } from '../flex/strings';
import type { CallRef, CallStatus, TaskLike } from '../flex/types';

export const RecordingActions = {
  pause: 'PauseRecording',
  resume: 'ResumeRecording',
  toggle: 'ToggleRecording',
  start: 'StartRecording',
  stop: 'StopRecording',
  tag: 'TagRecording',
} as const;

export interface RecordingActionPayload {
  task?: TaskLike;
  taskSid?: string;
  callSid?: string;
  /** PauseRecording: why (kept with the hold). */
  reason?: string;
  /** ResumeRecording: close every hold, not only the caller's (supervisors). */
  force?: boolean;
  /** TagRecording. */
  tags?: string[];
  metadata?: Record<string, string>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function resolveRef(runtime: Runtime, payload: RecordingActionPayload = {}): CallRef {
  const task = payload.task ?? (payload.taskSid || payload.callSid ? undefined : selectedTask(runtime.manager));
  const ref = task ? refOf(task) : { taskSid: payload.taskSid, callSid: payload.callSid };
  if (!ref.taskSid && !ref.callSid) throw new ApiError(400, 'no_call', runtime.t('RecordingControlsNoCallSelected'));
  return ref;
}

function requireConfigured(runtime: Runtime): void {
  if (!runtime.configured) throw new ApiError(0, 'not_configured', runtime.t('RecordingControlsUnavailable'));
}

const describeContext = (runtime: Runtime) => ({
  t: runtime.t,
  identity: runtime.identity(),
  labels: runtime.config.indicator.labels,
  now: Date.now(),
});

/** Sends pause/resume and records the confirmed state; the UI shows busy meanwhile. */
async function changePause(runtime: Runtime, verb: 'pause' | 'resume', payload: RecordingActionPayload): Promise<CallStatus> {
  let ref: CallRef | undefined;
  try {
    requireConfigured(runtime);
    ref = resolveRef(runtime, payload);
    const seq = runtime.live.issue();
    runtime.live.setPending(ref, verb);
    const fields = verb === 'pause' ? { reason: payload.reason } : { force: payload.force ? 'true' : undefined };
    const body = await runtime.api.call(verb, ref, fields);
    const status = isCallStatus(body) ? normalizeStatus(body) : await runtime.api.status(ref);
    runtime.live.apply(ref, status, { seq, fromAction: true });

    if (status.recording === 'absent') notify.noRecording();
    else if (verb === 'pause' && status.recording !== 'paused') {
      throw new ApiError(502, 'not_paused', 'the server did not confirm the pause');
    } else if (verb === 'pause') notify.paused(status.holds);
    else if (status.recording === 'paused') notify.stillPaused(describe({ status }, describeContext(runtime)).text);
    else notify.resumed();
    return status;
  } catch (error) {
    // The queue's pause policy refuses it: said in the agent's language, not the server's English.
    const refusedByPolicy = error instanceof ApiError && error.code === 'pause_not_allowed';
    if (verb === 'pause') notify.pauseFailed(refusedByPolicy ? runtime.t('RecordingControlsPauseNotAllowed') : messageOf(error));
    else notify.actionFailed(runtime.t('RecordingControlsResume'), messageOf(error));
    // Show the truth after a failure rather than what we hoped for.
    if (ref) void runtime.live.refresh(ref);
    throw error;
  } finally {
    if (ref) runtime.live.setPending(ref, undefined);
  }
}

/** Start/stop/tags: send, report a failure, then fetch the state again. */
async function simpleVerb(
  runtime: Runtime,
  verb: 'start' | 'stop' | 'tags',
  label: StringKey,
  payload: RecordingActionPayload,
  fields: Record<string, string | undefined> = {},
): Promise<unknown> {
  let ref: CallRef | undefined;
  try {
    requireConfigured(runtime);
    ref = resolveRef(runtime, payload);
    runtime.live.setPending(ref, verb);
    return await runtime.api.call(verb, ref, fields);
  } catch (error) {
    notify.actionFailed(runtime.t(label), messageOf(error));
    throw error;
  } finally {
    if (ref) {
      runtime.live.setPending(ref, undefined);
      if (verb !== 'tags') void runtime.live.refresh(ref);
    }
  }
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isStringMap = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item === 'string');

/** Registers the actions; each reads the plugin's runtime when invoked. */
export function registerRecordingActions(): void {
  Actions.registerAction(RecordingActions.pause, (payload: RecordingActionPayload) => changePause(getRuntime(), 'pause', payload));
  Actions.registerAction(RecordingActions.resume, (payload: RecordingActionPayload) => changePause(getRuntime(), 'resume', payload));

  // Toggle means "resume" only when the user holds the call paused; otherwise it adds their pause.
  // It invokes the other actions so their listeners run too.
  Actions.registerAction(RecordingActions.toggle, async (payload: RecordingActionPayload = {}) => {
    const runtime = getRuntime();
    let ref: CallRef;
    try {
      ref = resolveRef(runtime, payload);
    } catch (error) {
      notify.actionFailed(runtime.t('RecordingControlsShortcut'), messageOf(error));
      throw error;
    }
    const status = runtime.live.get(ref)?.status ?? (await runtime.live.refresh(ref));
    const next = hasOwnHold(status?.holds, runtime.identity()) ? RecordingActions.resume : RecordingActions.pause;
    return Actions.invokeAction(next, { ...payload, taskSid: ref.taskSid, callSid: ref.callSid });
  });

  Actions.registerAction(RecordingActions.start, (payload: RecordingActionPayload) => simpleVerb(getRuntime(), 'start', 'RecordingControlsStart', payload));
  Actions.registerAction(RecordingActions.stop, (payload: RecordingActionPayload) => simpleVerb(getRuntime(), 'stop', 'RecordingControlsStop', payload));
  Actions.registerAction(RecordingActions.tag, (payload: RecordingActionPayload) => {
    const { tags, metadata } = payload ?? {};
    if ((tags !== undefined && !isStringList(tags)) || (metadata !== undefined && !isStringMap(metadata))) {
      return Promise.reject(new ApiError(400, 'invalid_request', 'tags must be strings and metadata a map of strings'));
    }
    return simpleVerb(getRuntime(), 'tags', 'RecordingControlsTags', payload, {
      tags: tags && JSON.stringify(tags),
      metadata: metadata && JSON.stringify(metadata),
    });
  });
}
