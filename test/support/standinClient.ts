/**
 * The stand-in's control surface (`/__standin/*`, docs/api.md *Running it locally*) over HTTP, typed,
 * for tests whose stand-in runs in another process (the shared local stack of globalStack.ts).
 * Requests go through the demo's own `standinControl`; a refusal throws its StandinError.
 */
import { standinControl } from '../../src/demo/calls';
import type { FaultInput, EventCallbackReport, RecordingReport, TaskAttributesResult, TaskReport } from '../../src/standin/types';
import type { LiveCallInput, LiveCallResult, OutsideRecordingKind, TransferResult, WorkerInput, WorkerResult } from '../../src/standin/scenarios';

/** What a request log entry says over HTTP. */
export interface RequestReport {
  method: string;
  path: string;
  at: string;
  status: number | null;
}

export function standinClient(standinUrl: string) {
  const get = <T>(path: string) => standinControl(standinUrl, 'GET', path) as Promise<T>;
  const post = <T>(path: string, body?: unknown) => standinControl(standinUrl, 'POST', path, body) as Promise<T>;
  const at = (sid: string) => encodeURIComponent(sid);
  return {
    /** Answers once TaskRouter's events about the call have reached the functions. */
    createLiveCall: (input: LiveCallInput) => post<LiveCallResult>('/live-calls', input),
    endCall: (callSid: string) => post<{ ok: true; callSid: string }>(`/live-calls/${at(callSid)}/end`),
    transferCall: (callSid: string, agent: string) => post<TransferResult>(`/live-calls/${at(callSid)}/transfer`, { agent }),
    startOutsideRecording: (callSid: string, kind: OutsideRecordingKind) => post<{ sid: string }>(`/live-calls/${at(callSid)}/recordings`, { kind }),
    createWorker: (input: WorkerInput) => post<WorkerResult>('/workers', input),
    recording: (sid: string) => get<RecordingReport>(`/recordings/${at(sid)}`),
    task: (taskSid: string) => get<TaskReport>(`/tasks/${at(taskSid)}`),
    /** What Flex's `task.setAttributes()` does with that worker's token; answers once `task.updated` has reached the functions. */
    setTaskAttributes: (taskSid: string, token: string, attributes: Record<string, unknown>) =>
      post<TaskAttributesResult>(`/tasks/${at(taskSid)}/attributes`, { token, attributes }),
    eventCallbacks: () => get<EventCallbackReport[]>('/event-callbacks'),
    redeliverEventCallback: (sid: string) => post<{ sid: string; status: number }>(`/event-callbacks/${at(sid)}/redeliver`),
    requests: () => get<RequestReport[]>('/requests'),
    // Deployment-wide: they reach every test using the same stand-in.
    reset: () => post<{ ok: true }>('/reset'),
    injectFault: (fault: FaultInput) => post<{ ok: true }>('/faults', fault),
    setLatency: (ms: number) => post<{ ok: true }>('/latency', { ms }),
    setSyncLimits: (sync: boolean) => post<{ ok: true }>('/limits', { sync }),
  };
}

export type StandinClient = ReturnType<typeof standinClient>;

/** What a test may do to a stand-in other files use at the same moment: its own calls and workers, and looking. */
export type SharedStandinClient = Omit<StandinClient, 'reset' | 'injectFault' | 'setLatency' | 'setSyncLimits'>;
