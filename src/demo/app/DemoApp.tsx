/**
 * The demo page: the agent's Flex call view with the plugin's real components, the CRM payment
 * form beside it, and below what happened — the call's timeline, the recordings as Twilio (the
 * stand-in) has them, and the desktop relay's signals.
 */
import * as React from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import * as Flex from '@twilio/flex-ui';
import { RecordingControlButton } from '../../components/RecordingControlButton';
import { RecordingIndicator, toneColors } from '../../components/RecordingIndicator';
import { useCall } from '../../components/hooks';
import { describe, type Tone } from '../../flex/describe';
import { notify } from '../../flex/notifications';
import { getRuntime } from '../../flex/runtime';
import type { CallRef, PauseInterval } from '../../flex/types';
import { CallTimeline } from './CallTimeline';
import { CrmInFlex } from './CrmInFlex';
import { createRelayQueue, demoApi, type DemoCall, type DemoTrigger, type RecordingReport, type SignalAnswer } from './demoApi';
import { HOLD_LABELS, taskOf, type DemoManager } from './flexHost';
import { PaymentForm } from './PaymentForm';

interface Signal {
  id: number;
  trigger: DemoTrigger;
  at: number;
  ms?: number;
  status?: number;
  answer?: SignalAnswer;
}

const RECORDINGS_POLL_MS = 500;

/** The recording state next to the card fields, short (the countdown is the plugin's, in Flex). */
const shortState: Record<Tone, string> = {
  recording: 'Recording',
  paused: 'Recording paused',
  absent: 'Not recording',
  unknown: 'Checking the recording…',
  error: 'Recording controls unavailable',
};
const LOG_LENGTH = 8;

const time = (at: number | string) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const elapsed = (ms: number) => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

function useClock(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export interface DemoAppProps {
  manager: DemoManager;
  agent: string;
  /** The page tabs, in the top bar. */
  nav?: React.ReactNode;
  /** The other pages, each shown instead of the agent's (the call goes on underneath). */
  otherPages?: React.ReactNode;
  /** The agent's page as a tab's panel: its role, id, label and whether another page hides it. */
  agentPanel?: React.HTMLAttributes<HTMLDivElement>;
}

export function DemoApp({ manager, agent, nav, otherPages, agentPanel }: DemoAppProps) {
  const runtime = getRuntime();
  const [call, setCall] = useState<DemoCall | null>(null);
  const [recordings, setRecordings] = useState<RecordingReport[]>([]);
  const [signals, setSignals] = useState<Signal[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  // Where the CRM's card fields send their triggers: the desktop agent's signed relay, or crm-relay.js in Flex.
  const [crmMode, setCrmMode] = useState<'desktop' | 'crm-relay'>('desktop');
  const now = useClock(500);

  const live = !!call && !call.endedAt;
  const task = useMemo(() => (call ? taskOf(call) : undefined), [call]);
  const ref: CallRef | undefined = call ? { taskSid: call.taskSid, callSid: call.callSid } : undefined;
  const entry = useCall(live ? ref : undefined);
  const status = entry?.status;

  const show = (next: DemoCall | null) => {
    manager.showCall(next);
    setCall(next);
  };
  const runAction = (what: () => Promise<unknown>) => async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await what();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const newCall = runAction(async () => {
    show(await demoApi.newCall());
    setRecordings([]);
    setSignals([]);
  });
  // As in Flex, the task goes to wrap-up the moment the call ends: the plugin stops speaking of the
  // call's recording before the functions hear of the end (closing its holds then is no resume).
  const endCall = runAction(async () => {
    const ending = call;
    if (ending) show({ ...ending, endedAt: new Date().toISOString() });
    try {
      show(await demoApi.endCall());
    } catch (error) {
      show(ending);
      throw error;
    }
  });
  const outage = runAction(async () => {
    await demoApi.outage();
    setProblem('Twilio outage simulated: the stand-in fails every try of the next pause. Click into a card field to see what the agent is told.');
  });

  // The demo agent's call: the current one, or a new one on first visit (once).
  useEffect(() => {
    runAction(async () => {
      const current = await demoApi.call();
      show(current ?? (await demoApi.newCall()));
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The recordings as Twilio has them: polled while the call is live, read once more when it ends.
  useEffect(() => {
    if (!call) return undefined;
    let stopped = false;
    const read = () =>
      demoApi.recordings().then(
        (next) => !stopped && setRecordings(next),
        () => undefined,
      );
    void read();
    if (call.endedAt) return () => void (stopped = true);
    const timer = setInterval(read, RECORDINGS_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [call]);

  const relay = useMemo(() => {
    let counter = 0;
    return createRelayQueue(async (trigger) => {
      const signal: Signal = { id: (counter += 1), trigger, at: Date.now() };
      setSignals((list) => [signal, ...list].slice(0, LOG_LENGTH));
      const started = performance.now();
      const { status: httpStatus, body } = await demoApi.signal(trigger);
      const done = { ...signal, ms: Math.round(performance.now() - started), status: httpStatus, answer: body };
      setSignals((list) => list.map((item) => (item.id === signal.id ? done : item)));
      // A card field that did not pause the recording must stop the agent: the plugin's blocking notification says so.
      if (trigger.endsWith('.focus') && httpStatus !== 200) notify.pauseFailed(body?.error?.message ?? `HTTP ${httpStatus}`);
    });
  }, []);

  const description = describe(entry, { t: runtime.t, identity: agent, labels: HOLD_LABELS, now });
  // Which recording is the conference's and which the call's: from the functions' status, kept after the call ends.
  const kinds = useRef(new Map<string, string>()).current;
  for (const recording of status?.recordings ?? []) kinds.set(recording.sid, recording.kind);
  // The call's pauses as the functions last said them: the timeline keeps what happened after the call ends.
  const pauses = useRef<{ callSid?: string; intervals: PauseInterval[] }>({ intervals: [] });
  if (call && status) pauses.current = { callSid: call.callSid, intervals: status.intervals };
  const intervals = call && pauses.current.callSid === call.callSid ? pauses.current.intervals : [];
  const startedAt = call ? Date.parse(call.startedAt) : now;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          Flex Recording Controls <span className="tag">local demo</span>
        </div>
        {nav}
        <div className="toolbar">
          <span className="agent">
            Agent <b>{agent}</b>
          </span>
          <button type="button" onClick={newCall} disabled={busy}>
            New call
          </button>
          {/* The caller hangs up: the agent's focus stays where it was (leaving a card field would resume the recording first). */}
          <button type="button" onMouseDown={(event) => event.preventDefault()} onClick={endCall} disabled={busy || !live}>
            End call
          </button>
          <button type="button" className="ghost" onClick={outage} disabled={busy || !live} title="The stand-in answers 503 to every try of the next pause">
            Simulate Twilio outage
          </button>
        </div>
      </header>

      {otherPages}
      <div {...agentPanel}>
        <p className="intro">
          Click into <b>Card number</b> or <b>CVV</b>: this page's desktop relay signs the trigger (the secret stays on the server) and posts it to the
          functions, which pause every recording of the call at Twilio — here, the local Twilio stand-in. Leave the field and the recording resumes; stay longer
          than the configured time and it resumes by itself.
        </p>
        {problem && (
          <div className="problem" role="alert">
            {problem}
          </div>
        )}

        <main className="grid">
          <section className="panel flex-panel" aria-label="Twilio Flex">
            <h2>
              Twilio Flex <small>the plugin's components, as in the call canvas</small>
            </h2>
            <Flex.StorelessThemeProvider themeConf={{}}>
              <div className="notification-slot">
                <Flex.NotificationBar />
              </div>
              <Flex.TaskContext.Provider value={{ task: task as unknown as Flex.ITask }}>
                {call ? (
                  <div className="call-canvas">
                    <div className="task-header">
                      <span className={live ? 'call-icon' : 'call-icon ended'} aria-hidden="true">
                        ☎
                      </span>
                      <div>
                        <div className="caller">{String(call.attributes.from ?? 'Customer')}</div>
                        <div className="muted">
                          {live
                            ? `Inbound call · live ${elapsed(now - startedAt)}`
                            : `Call ended · wrap-up (lasted ${elapsed(Date.parse(call.endedAt as string) - startedAt)})`}
                        </div>
                      </div>
                    </div>
                    <RecordingIndicator />
                    <div className="canvas-actions">
                      <RecordingControlButton />
                      <span className="muted">Pause / resume yourself (Ctrl+Shift+P)</span>
                    </div>
                    <dl className="sids">
                      <dt>Task</dt>
                      <dd>{call.taskSid}</dd>
                      <dt>Call</dt>
                      <dd>{call.callSid}</dd>
                    </dl>
                  </div>
                ) : (
                  <p className="muted">Connecting a call…</p>
                )}
              </Flex.TaskContext.Provider>
            </Flex.StorelessThemeProvider>
          </section>

          <section className="panel crm-panel" aria-label="CRM">
            <h2>
              CRM <small>take a payment</small>
            </h2>
            <div className="crm-mode" role="radiogroup" aria-label="Card fields send their triggers through">
              <label>
                <input type="radio" name="crm-mode" checked={crmMode === 'desktop'} onChange={() => setCrmMode('desktop')} /> Desktop agent (signed relay)
              </label>
              <label>
                <input type="radio" name="crm-mode" checked={crmMode === 'crm-relay'} onChange={() => setCrmMode('crm-relay')} /> CRM in Flex (crm-relay.js, no
                desktop agent)
              </label>
            </div>
            {crmMode === 'crm-relay' ? (
              <CrmInFlex key={call?.callSid} live={live} />
            ) : (
              <PaymentForm
                key={call?.callSid} // a new call, a new customer: an empty form
                onTrigger={(trigger) => void relay(trigger)}
                disabled={!live}
                recording={
                  <>
                    <i className="dot" style={{ background: toneColors[description.tone] }} /> {live ? shortState[description.tone] : 'No live call'}
                  </>
                }
              />
            )}
          </section>

          <section className="panel wide" aria-label="Call timeline">
            <h2>
              Call timeline <small>paused intervals from the functions; each recording's status from Twilio</small>
            </h2>
            {call && (
              <CallTimeline
                startedAt={startedAt}
                endedAt={call.endedAt ? Date.parse(call.endedAt) : null}
                now={now}
                intervals={intervals}
                recordings={recordings.map((recording) => ({ ...recording, kind: kinds.get(recording.sid) }))}
                labels={HOLD_LABELS}
              />
            )}
          </section>

          <section className="panel" aria-label="Recordings at Twilio">
            <h2>
              Recordings at Twilio <small>GET /__standin/recordings/&lt;sid&gt;, live</small>
            </h2>
            <table className="table" data-testid="recordings">
              <thead>
                <tr>
                  <th>Recording</th>
                  <th>Kind</th>
                  <th>Status</th>
                  <th>Pauses</th>
                  <th>Last change</th>
                </tr>
              </thead>
              <tbody>
                {recordings.map((recording) => (
                  <tr key={recording.sid} data-testid={`recording-${recording.sid}`}>
                    <td className="mono">{recording.sid.slice(0, 14)}…</td>
                    <td>{kinds.get(recording.sid) ?? '—'}</td>
                    <td>
                      <span className={`badge ${recording.status}`} data-testid="recording-status">
                        {recording.status}
                      </span>
                    </td>
                    <td>{recording.history.filter((item) => item.status === 'paused').length}</td>
                    <td>{recording.history.length > 0 ? time(recording.history[recording.history.length - 1].at) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="panel" aria-label="Desktop relay">
            <h2>
              Desktop relay <small>signed signals to POST /desktop-event</small>
            </h2>
            {signals.length === 0 ? (
              <p className="muted">
                {crmMode === 'crm-relay'
                  ? 'The CRM in Flex needs no desktop relay: the plugin sends its signals itself, with the agent’s Flex token.'
                  : 'No signals yet: click into Card number.'}
              </p>
            ) : (
              <table className="table" data-testid="signals">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Trigger</th>
                    <th>Answer</th>
                    <th>Took</th>
                  </tr>
                </thead>
                <tbody>
                  {signals.map((signal) => (
                    <tr key={signal.id}>
                      <td>{time(signal.at)}</td>
                      <td className="mono">{signal.trigger}</td>
                      <td>
                        {signal.status === undefined ? (
                          'sending…'
                        ) : signal.status === 200 ? (
                          `${signal.answer?.outcome} · recording ${signal.answer?.recording}`
                        ) : (
                          <span className="error-text">
                            {signal.status || 'no answer'} {signal.answer?.error?.code}
                          </span>
                        )}
                      </td>
                      <td>{signal.ms === undefined ? '' : `${signal.ms} ms`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </main>
      </div>
    </div>
  );
}
