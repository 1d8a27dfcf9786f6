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
 *
 * What each row says and does is decided here; how it looks (Paste) is supervisor.js, loaded the
 * first time the view opens (src/components/Supervisor/), so agents never download it.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { Actions } from '@twilio/flex-ui';
import { RecordingActions } from '../actions/recordingActions';
import { liveCallRows, type LiveCallRow } from '../flex/calls';
import { countdown, describe, hasOwnHold, holdName, holdNames, who } from '../flex/describe';
import { keyOf, type CallEntry } from '../flex/liveState';
import { problemsText } from '../flex/notifications';
import { getRuntime } from '../flex/runtime';
import { alertsOf, pausedLongAt, type CallAlert } from '../flex/supervisorAlerts';
import type { LiveCallReading } from '../flex/syncData';
import type { CallRef, CallStatus } from '../flex/types';
import { minutesSeconds } from '../core/holds';
import { useCall, useCallEntry, useLiveIndex, useNow } from './hooks';
import { SUPERVISOR_BUNDLE, type CallRowModel, type RowAction, type SupervisorBundle } from './Supervisor/spec';
import { sideNavView } from './SideNavView';
import { ViewBundleLoader } from './ViewBundleLoader';

export const SUPERVISOR_VIEW = 'recording-controls';

function useStoreRows(): LiveCallRow[] {
  const { manager } = getRuntime();
  const [rows, setRows] = useState(() => liveCallRows(manager));
  useEffect(() => manager.store.subscribe(() => setRows(liveCallRows(manager))), [manager]);
  return rows;
}

interface RowProps {
  ui: SupervisorBundle;
  row: LiveCallRow;
  entry: CallEntry | undefined;
  outOfSync?: boolean;
  /** Twilio has not answered for the call yet: say so rather than "checking". */
  unconfirmed?: boolean;
  /** The live index's item, for the call's alerts. */
  item?: LiveCallReading;
}

function alertRows(item: LiveCallReading, now: number): CallRowModel['alerts'] {
  const runtime = getRuntime();
  const thresholdMs = runtime.config.alertPausedSeconds * 1000;
  const text: Record<CallAlert, string> = {
    pauseFailed: runtime.t('RecordingControlsFlagPauseFailed'),
    pausedLong: runtime.t('RecordingControlsFlagPausedLong', { threshold: minutesSeconds(runtime.config.alertPausedSeconds) }),
    automationOff: runtime.t('RecordingControlsFlagAutomationOff', { problems: problemsText(runtime.t, item.automationOff) }),
  };
  return alertsOf(item, now, thresholdMs).map((alert) => ({ id: alert, text: text[alert], severity: alert === 'pauseFailed' ? 'error' : 'warning' }));
}

function CallRowView({ ui, row, entry, outOfSync, unconfirmed, item }: RowProps) {
  const runtime = getRuntime();
  const { t } = runtime;
  const status = entry?.status;
  const now = useNow(!!status?.holds.length || !!item?.holds.length);
  const identity = runtime.identity();
  const context = { t, identity, labels: runtime.config.indicator.labels, now };
  const described = describe(entry, context);
  const state = { tone: described.tone, text: unconfirmed ? t('RecordingControlsViewUnconfirmed') : described.text };
  const busy = !!entry?.pending;
  const usable = runtime.configured && !!status && status.recording !== 'absent' && !busy;
  const callSid = row.ref.callSid ?? row.ref.taskSid ?? '';
  // Every row has the same buttons: each is named after the call it acts on.
  const call = row.agent ? t('RecordingControlsViewAgentCall', { agent: row.agent, callSid }) : t('RecordingControlsViewCallNamed', { callSid });
  const holds = status?.holds ?? [];
  const mine = hasOwnHold(holds, identity);

  // Each click checks again: the row may have changed since it was drawn.
  const action = (label: string, name: string, enabled: boolean, verb: string, extra: Record<string, unknown> = {}): RowAction => ({
    label,
    name,
    enabled,
    run: () => {
      if (enabled) Actions.invokeAction(verb, { ...row.ref, ...extra }).catch(() => undefined);
    },
  });
  const forceResume: RowAction = {
    ...action(t('RecordingControlsForceResume'), t('RecordingControlsViewForceResumeCall', { call }), usable && holds.length > 0, RecordingActions.resume, {
      force: true,
    }),
    destructive: true,
    confirm: {
      heading: row.agent ? t('RecordingControlsViewForceResumeHeading', { agent: row.agent }) : t('RecordingControlsViewForceResumeThisCall'),
      body: t('RecordingControlsViewForceResumeBody', { holds: holdNames(holds, context) }),
      call: callSid,
      confirmLabel: t('RecordingControlsForceResume'),
      cancelLabel: t('RecordingControlsViewCancel'),
    },
  };

  const model: CallRowModel = {
    testId: `recording-row-${keyOf(row.ref)}`,
    agent: row.agent,
    callName: callSid,
    from: row.from,
    state,
    outOfSync: outOfSync ? t('RecordingControlsViewOutOfSync') : undefined,
    alerts: item ? alertRows(item, now) : [],
    holds: holds.map((hold) => ({
      id: hold.id,
      name: `${hold.source === 'desktop' ? holdName(hold.id, context.labels) : who(hold, context)}${hold.by ? ` (${hold.by})` : ''}`,
      detail: [
        t('RecordingControlsHoldSince', { time: new Date(hold.openedAt).toLocaleTimeString() }),
        ...(hold.resumeAt ? [countdown(hold.resumeAt, now)] : []),
      ].join(' · '),
    })),
    actions: [
      action(t('RecordingControlsViewPause'), t('RecordingControlsViewPauseCall', { call }), usable && !mine, RecordingActions.pause),
      action(t('RecordingControlsViewResume'), t('RecordingControlsViewResumeCall', { call }), usable && mine, RecordingActions.resume),
      forceResume,
    ],
  };
  return <ui.CallRow row={model} />;
}

/** A call from the live-calls map: its state is the item's; only an action in flight comes from the plugin. */
function IndexRow({ ui, row, call }: { ui: SupervisorBundle; row: LiveCallRow; call: LiveCallReading }) {
  const pending = useCallEntry(row.ref)?.pending;
  if (call.recording === 'unknown') return <CallRowView ui={ui} row={row} entry={{ pending }} outOfSync={call.outOfSync} unconfirmed item={call} />;
  const status: CallStatus = { callSid: call.callSid, recording: call.recording, holds: call.holds, recordings: [], intervals: [] };
  return <CallRowView ui={ui} row={row} entry={{ status, pending }} outOfSync={call.outOfSync} item={call} />;
}

/** A call not in the map (added by SID, or the map is unavailable): watched on its own. */
function WatchedRow({ ui, row }: { ui: SupervisorBundle; row: LiveCallRow }) {
  const runtime = getRuntime();
  const entry = useCall(runtime.configured ? row.ref : undefined);
  return <CallRowView ui={ui} row={row} entry={entry} />;
}

/** The map's calls, named as Flex knows them (the worker's full name, the caller) when it does. */
function indexRows(calls: LiveCallReading[], storeRows: LiveCallRow[]): Array<{ row: LiveCallRow; call: LiveCallReading }> {
  return calls.map((call) => {
    const known = storeRows.find((row) => (call.taskSid && row.ref.taskSid === call.taskSid) || row.ref.callSid === call.callSid);
    const ref: CallRef = { ...(call.taskSid && { taskSid: call.taskSid }), callSid: call.callSid };
    return { row: { ref, agent: known?.agent || call.agents.join(', '), from: known?.from }, call };
  });
}

const SID_PATTERN = '(CA|WT|ca|wt)[0-9a-fA-F]{32}';
const SID = new RegExp(`^${SID_PATTERN}$`);

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

/** The live calls, drawn with the loaded look. */
function LiveCalls({ ui }: { ui: SupervisorBundle }) {
  const runtime = getRuntime();
  const { t } = runtime;
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

  const notes = [
    ...(needAttention > 0
      ? [{ testId: 'calls-need-attention', text: t('RecordingControlsViewAttention', { count: needAttention }), severity: 'error' as const }]
      : []),
    ...(index.state === 'unavailable'
      ? [{ testId: 'live-list-unavailable', text: t('RecordingControlsViewIndexUnavailable'), severity: 'warning' as const }]
      : []),
  ];
  const watch = {
    label: t('RecordingControlsViewAddLabel'),
    button: t('RecordingControlsViewAdd'),
    value: sid,
    pattern: SID_PATTERN,
    onChange: setSid,
    onSubmit: () => {
      const value = sid.trim();
      if (!SID.test(value)) return;
      setExtra((refs) => [...refs, value.toUpperCase().startsWith('CA') ? { callSid: value } : { taskSid: value }]);
      setSid('');
    },
  };

  return (
    <ui.SupervisorPage
      title={t('RecordingControlsViewTitle')}
      intro={t('RecordingControlsViewPauseBehavior', { behavior: runtime.config.pauseBehavior })}
      notes={notes}
      watch={watch}
      columns={{
        agent: t('RecordingControlsViewAgent'),
        call: t('RecordingControlsViewCall'),
        state: t('RecordingControlsViewState'),
        holds: t('RecordingControlsViewHolds'),
        actions: t('RecordingControlsViewActions'),
      }}
      empty={empty ? t(index.state === 'opening' ? 'RecordingControlsViewLoading' : 'RecordingControlsViewEmpty') : undefined}
    >
      {fromIndex.map(({ row, call }) => (
        <IndexRow key={keyOf(row.ref)} ui={ui} row={row} call={call} />
      ))}
      {[...watched, ...extraRows].map((row) => (
        <WatchedRow key={keyOf(row.ref)} ui={ui} row={row} />
      ))}
    </ui.SupervisorPage>
  );
}

export interface SupervisorViewProps {
  /** For tests: another way to load supervisor.js. */
  load?: (baseUrl: string) => Promise<SupervisorBundle>;
}

/** The view: supervisor.js from the functions on first render, then the live calls. */
export function SupervisorView({ load }: SupervisorViewProps) {
  const runtime = getRuntime();
  const { t } = runtime;
  // Without the functions' URL there is nothing to load the view from, nor any call to act on.
  if (!runtime.configured)
    return (
      <p role="alert" style={{ padding: 24 }}>
        {t('RecordingControlsUnavailable')}
      </p>
    );
  return (
    <ViewBundleLoader<SupervisorBundle>
      baseUrl={runtime.config.serverlessBaseUrl}
      spec={SUPERVISOR_BUNDLE}
      load={load}
      testId="supervisor-loader"
      texts={{
        loading: t('RecordingControlsViewBundleLoading'),
        failed: (vars) => t('RecordingControlsViewBundleFailed', vars),
        retry: t('RecordingControlsViewRetry'),
      }}
      render={(ui) => <LiveCalls ui={ui} />}
    />
  );
}

/** Supervisors and admins get the view and its side-nav link; agents never see them. */
const supervisorView = sideNavView({
  name: SUPERVISOR_VIEW,
  icon: 'Pause',
  iconActive: 'Pause',
  label: () => getRuntime().t('RecordingControlsViewTitle'),
  allowed: () => getRuntime().isSupervisor(),
  page: <SupervisorView />,
});

export const SupervisorSideLink = supervisorView.SideLink;
export const addSupervisorView = supervisorView.add;
