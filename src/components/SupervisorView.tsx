/**
 * "Recording Controls": a Flex view for supervisors listing live calls with their recording
 * state, what holds each pause and who, and pause / resume / force resume for each (through the
 * Flex Actions). The rows come from the live-calls index (a few Sync maps, `rc-live-calls-<shard>`):
 * one subscription per shard for every call, no request per call and nothing on a timer. Any other
 * call can be watched by its SID (followed through its own document).
 *
 * When the index cannot be opened, the view says so and falls back to the calls in the Flex store
 * (the TaskRouter tasks Flex already follows), each watched like the agent's own call: followed
 * through its Sync document, or read again every 15 s or more when that fails too.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { Actions, Button, SideLink, View } from '@twilio/flex-ui';
import { RecordingActions } from '../actions/recordingActions';
import { liveCallRows, type LiveCallRow } from '../flex/calls';
import { countdown, describe, hasOwnHold, holdName, who } from '../flex/describe';
import { keyOf, type CallEntry } from '../flex/liveState';
import { problemsText } from '../flex/notifications';
import { getRuntime } from '../flex/runtime';
import { alertsOf, pausedLongAt, type CallAlert } from '../flex/supervisorAlerts';
import type { LiveCallReading } from '../flex/syncData';
import type { CallRef, CallStatus } from '../flex/types';
import { minutesSeconds } from '../core/holds';
import { useCall, useCallEntry, useLiveIndex, useNow } from './hooks';
import { toneColors } from './RecordingIndicator';

export const SUPERVISOR_VIEW = 'recording-controls';

function useStoreRows(): LiveCallRow[] {
  const { manager } = getRuntime();
  const [rows, setRows] = useState(() => liveCallRows(manager));
  useEffect(() => manager.store.subscribe(() => setRows(liveCallRows(manager))), [manager]);
  return rows;
}

interface RowProps {
  row: LiveCallRow;
  entry: CallEntry | undefined;
  outOfSync?: boolean;
  /** Twilio has not answered for the call yet: say so rather than "checking". */
  unconfirmed?: boolean;
  /** The live index's item, for the call's alerts. */
  item?: LiveCallReading;
}

function AlertFlags({ item, now }: { item: LiveCallReading; now: number }) {
  const runtime = getRuntime();
  const thresholdMs = runtime.config.alertPausedSeconds * 1000;
  const text: Record<CallAlert, string> = {
    pauseFailed: runtime.t('RecordingControlsFlagPauseFailed'),
    pausedLong: runtime.t('RecordingControlsFlagPausedLong', { threshold: minutesSeconds(runtime.config.alertPausedSeconds) }),
    automationOff: runtime.t('RecordingControlsFlagAutomationOff', { problems: problemsText(runtime.t, item.automationOff) }),
  };
  return (
    <>
      {alertsOf(item, now, thresholdMs).map((alert) => (
        <div key={alert} data-testid={`alert-${alert}`} role="status" style={{ color: alert === 'pauseFailed' ? '#d61f1f' : '#8a5a00', fontWeight: 600 }}>
          {text[alert]}
        </div>
      ))}
    </>
  );
}

function CallRowView({ row, entry, outOfSync, unconfirmed, item }: RowProps) {
  const runtime = getRuntime();
  const status = entry?.status;
  const now = useNow(!!status?.holds.length || !!item?.holds.length);
  const identity = runtime.identity();
  const context = { t: runtime.t, identity, labels: runtime.config.indicator.labels, now };
  const described = describe(entry, context);
  const description = unconfirmed ? { ...described, text: runtime.t('RecordingControlsViewUnconfirmed') } : described;
  const busy = !!entry?.pending;
  const usable = runtime.configured && !!status && status.recording !== 'absent' && !busy;
  const callName = row.ref.callSid ?? row.ref.taskSid;

  const mine = hasOwnHold(status?.holds, identity);
  // Flex's Button only sets aria-disabled, so each click checks again.
  const control = (
    label: string,
    enabled: boolean,
    action: string,
    extra: Record<string, unknown> = {},
    variant: 'secondary' | 'destructive' = 'secondary',
  ) => (
    <Button
      size="small"
      variant={variant}
      disabled={!enabled}
      onClick={() => {
        if (enabled) Actions.invokeAction(action, { ...row.ref, ...extra }).catch(() => undefined);
      }}
    >
      {label}
    </Button>
  );

  return (
    <tr data-testid={`recording-row-${keyOf(row.ref)}`}>
      <td>{row.agent}</td>
      <td>
        <div>{callName}</div>
        {row.from && <div style={{ color: '#606b85' }}>{row.from}</div>}
      </td>
      <td data-testid="recording-state">
        <span
          aria-hidden="true"
          style={{ display: 'inline-block', width: 8, height: 8, marginRight: 6, borderRadius: '50%', background: toneColors[description.tone] }}
        />
        {description.text}
        {outOfSync && <div style={{ color: '#d61f1f' }}>{runtime.t('RecordingControlsViewOutOfSync')}</div>}
      </td>
      <td data-testid="recording-alerts">{item && <AlertFlags item={item} now={now} />}</td>
      <td>
        <ul style={{ margin: 0, paddingLeft: 16 }}>
          {(status?.holds ?? []).map((hold) => (
            <li key={hold.id}>
              {hold.source === 'desktop' ? holdName(hold.id, context.labels) : who(hold, context)}
              {hold.by && ` (${hold.by})`} · {runtime.t('RecordingControlsHoldSince', { time: new Date(hold.openedAt).toLocaleTimeString() })}
              {hold.resumeAt && ` · ${countdown(hold.resumeAt, now)}`}
            </li>
          ))}
        </ul>
      </td>
      <td style={{ whiteSpace: 'nowrap' }}>
        {control(runtime.t('RecordingControlsPause'), usable && !mine, RecordingActions.pause)}{' '}
        {control(runtime.t('RecordingControlsResume'), usable && mine, RecordingActions.resume)}{' '}
        {control(runtime.t('RecordingControlsForceResume'), usable && !!status?.holds.length, RecordingActions.resume, { force: true }, 'destructive')}
      </td>
    </tr>
  );
}

/** A call from the live-calls map: its state is the item's; only an action in flight comes from the plugin. */
function IndexRow({ row, call }: { row: LiveCallRow; call: LiveCallReading }) {
  const pending = useCallEntry(row.ref)?.pending;
  if (call.recording === 'unknown') return <CallRowView row={row} entry={{ pending }} outOfSync={call.outOfSync} unconfirmed item={call} />;
  const status: CallStatus = { callSid: call.callSid, recording: call.recording, holds: call.holds, recordings: [], intervals: [] };
  return <CallRowView row={row} entry={{ status, pending }} outOfSync={call.outOfSync} item={call} />;
}

/** A call not in the map (added by SID, or the map is unavailable): watched on its own. */
function WatchedRow({ row }: { row: LiveCallRow }) {
  const runtime = getRuntime();
  const entry = useCall(runtime.configured ? row.ref : undefined);
  return <CallRowView row={row} entry={entry} />;
}

/** The map's calls, named as Flex knows them (the worker's full name, the caller) when it does. */
function indexRows(calls: LiveCallReading[], storeRows: LiveCallRow[]): Array<{ row: LiveCallRow; call: LiveCallReading }> {
  return calls.map((call) => {
    const known = storeRows.find((row) => (call.taskSid && row.ref.taskSid === call.taskSid) || row.ref.callSid === call.callSid);
    const ref: CallRef = { ...(call.taskSid && { taskSid: call.taskSid }), callSid: call.callSid };
    return { row: { ref, agent: known?.agent || call.agents.join(', '), from: known?.from }, call };
  });
}

const SID = /^(CA|WT)[0-9a-f]{32}$/i;

/** The time, read again at the moment the next pause crosses the alert threshold: not every second, for hundreds of calls. */
function useAlertMoments(calls: LiveCallReading[], thresholdMs: number): number {
  const [, setMoment] = useState(0);
  const now = Date.now();
  const next = calls.reduce<number | undefined>((soonest, call) => {
    const at = pausedLongAt(call, now, thresholdMs);
    return at !== undefined && (soonest === undefined || at < soonest) ? at : soonest;
  }, undefined);
  useEffect(() => {
    if (next === undefined) return undefined;
    const timer = setTimeout(() => setMoment((moment) => moment + 1), Math.max(0, next - Date.now()));
    return () => clearTimeout(timer);
  }, [next]);
  return now;
}

export function SupervisorView() {
  const runtime = getRuntime();
  const index = useLiveIndex();
  const storeRows = useStoreRows();
  const [extra, setExtra] = useState<CallRef[]>([]);
  const [sid, setSid] = useState('');

  const fromIndex = index.state === 'live' ? indexRows(index.calls, storeRows) : [];
  const watched = index.state === 'unavailable' ? storeRows : [];
  const shown = [...fromIndex.map(({ row }) => row), ...watched];
  const extraRows = extra
    .filter((ref) => !shown.some((row) => keyOf(row.ref) === keyOf(ref) || (!!ref.callSid && row.ref.callSid === ref.callSid)))
    .map((ref) => ({ ref, agent: '' }));
  const empty = fromIndex.length + watched.length + extraRows.length === 0;
  const thresholdMs = runtime.config.alertPausedSeconds * 1000;
  const now = useAlertMoments(
    fromIndex.map(({ call }) => call),
    thresholdMs,
  );
  const needAttention = fromIndex.filter(({ call }) => alertsOf(call, now, thresholdMs).length > 0).length;

  const add = (event: React.FormEvent) => {
    event.preventDefault();
    const value = sid.trim();
    if (!SID.test(value)) return;
    setExtra((refs) => [...refs, value.toUpperCase().startsWith('CA') ? { callSid: value } : { taskSid: value }]);
    setSid('');
  };

  return (
    <div style={{ padding: 24, overflow: 'auto', width: '100%' }}>
      <h1 style={{ fontSize: 20, margin: '0 0 4px' }}>{runtime.t('RecordingControlsViewTitle')}</h1>
      <p style={{ margin: '0 0 12px', color: '#606b85' }}>
        {runtime.configured
          ? runtime.t('RecordingControlsViewPauseBehavior', { behavior: runtime.config.pauseBehavior })
          : runtime.t('RecordingControlsUnavailable')}
      </p>
      {needAttention > 0 && (
        <p role="status" data-testid="calls-need-attention" style={{ margin: '0 0 12px', color: '#d61f1f', fontWeight: 600 }}>
          {runtime.t('RecordingControlsViewAttention', { count: needAttention })}
        </p>
      )}
      {index.state === 'unavailable' && (
        <p role="status" data-testid="live-list-unavailable" style={{ margin: '0 0 12px', color: '#8a5a00' }}>
          {runtime.t('RecordingControlsViewIndexUnavailable')}
        </p>
      )}
      <form onSubmit={add} style={{ display: 'flex', gap: 8, alignItems: 'flex-end', marginBottom: 16 }}>
        <label>
          {runtime.t('RecordingControlsViewAddLabel')}
          <input value={sid} onChange={(event) => setSid(event.target.value)} pattern="(CA|WT|ca|wt)[0-9a-fA-F]{32}" style={{ display: 'block', width: 320 }} />
        </label>
        <Button type="submit" variant="secondary" size="small">
          {runtime.t('RecordingControlsViewAdd')}
        </Button>
      </form>
      {empty ? (
        <p>{runtime.t(index.state === 'opening' ? 'RecordingControlsViewLoading' : 'RecordingControlsViewEmpty')}</p>
      ) : (
        <table style={{ borderCollapse: 'collapse', width: '100%', textAlign: 'left' }} cellPadding={6}>
          <thead>
            <tr>
              <th>{runtime.t('RecordingControlsViewAgent')}</th>
              <th>{runtime.t('RecordingControlsViewCall')}</th>
              <th>{runtime.t('RecordingControlsViewState')}</th>
              <th>{runtime.t('RecordingControlsViewAlerts')}</th>
              <th>{runtime.t('RecordingControlsViewHolds')}</th>
              <th>{runtime.t('RecordingControlsViewActions')}</th>
            </tr>
          </thead>
          <tbody>
            {fromIndex.map(({ row, call }) => (
              <IndexRow key={keyOf(row.ref)} row={row} call={call} />
            ))}
            {[...watched, ...extraRows].map((row) => (
              <WatchedRow key={keyOf(row.ref)} row={row} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function SupervisorSideLink({ activeView, showLabel }: { activeView?: string; showLabel?: boolean }) {
  return (
    <SideLink
      showLabel={showLabel}
      icon="Pause"
      iconActive="Pause"
      isActive={activeView === SUPERVISOR_VIEW}
      onClick={() => {
        Actions.invokeAction('NavigateToView', { viewName: SUPERVISOR_VIEW }).catch(() => undefined);
      }}
    >
      {getRuntime().t('RecordingControlsViewTitle')}
    </SideLink>
  );
}

/** Supervisors and admins get the view and its side-nav link; agents never see them. */
export function addSupervisorView(flex: typeof import('@twilio/flex-ui')): void {
  if (!getRuntime().isSupervisor()) return;
  flex.ViewCollection.Content.add(
    <View name={SUPERVISOR_VIEW} key="recording-controls-view">
      <SupervisorView />
    </View>,
  );
  flex.SideNav.Content.add(<SupervisorSideLink key="recording-controls-side-link" />);
}
