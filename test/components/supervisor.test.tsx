import * as React from 'react';
import { act, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { addSupervisorView, SupervisorSideLink, SupervisorView } from '../../src/components/SupervisorView';
import type { SupervisorBundle } from '../../src/components/Supervisor/spec';
// supervisor.js, as Flex would have loaded it from the functions: the view finds it already there.
import '../../src/components/Supervisor/bundle';
import { createRuntime, setRuntime } from '../../src/flex/runtime';
import { defaultConfig } from '../../src/flex/config';
import { startSupervisorAlerts } from '../../src/flex/notifications';
import { createPluginRuntime } from '../../src/flex/pluginRuntime';
import RecordingControlsPlugin from '../../src/RecordingControlsPlugin';
import { liveCallsShardNames } from '../../src/flex/syncData';
import { liveCallsShardOf as shardOf } from '../../src/serverless/lib/stores/liveIndex';
import type { CallStatus } from '../../src/flex/types';
import { FakeSync } from '../../src/rig/fakeSync';
import { BASE_URL, callStatus, desktopHold, fakeApi, fakeManager, manualHold, renderInFlex, voiceTask } from './support';

const sid = (prefix: string, digit: string) => prefix + digit.repeat(32);
const aliceTask = voiceTask({ taskSid: sid('WT', 'a'), sid: sid('WR', 'a'), attributes: { call_sid: sid('CA', 'a'), from: '+15550101' } });
const bobTask = voiceTask({ taskSid: sid('WT', 'b'), sid: sid('WR', 'b'), attributes: { call_sid: sid('CA', 'b'), from: '+15550102' } });
const wrappingTask = voiceTask({ taskSid: sid('WT', 'c'), sid: sid('WR', 'c'), status: 'wrapping', taskStatus: 'wrapping' });

// Paste's first render in jsdom takes a while on a busy machine: wait longer for what the tests look for.
configure({ asyncUtilTimeout: 5000 });

const api = fakeApi();
const storeWorkers = [
  { worker: { fullName: 'Alice Agent', name: 'alice' }, tasks: [aliceTask] },
  { worker: { fullName: 'Bob Agent', name: 'bob' }, tasks: [bobTask, wrappingTask] },
];
const manager = fakeManager({ identity: 'sam', roles: ['supervisor'], supervisorWorkers: storeWorkers });

/** Each call's state on the server, by task SID (or call SID), changed by pause/resume. */
let calls: Record<string, CallStatus>;
let sync: FakeSync;
const keyOfFields = (fields: Record<string, string>) => fields.taskSid ?? fields.callSid;
const taskOfCall: Record<string, string> = { [sid('CA', 'a')]: aliceTask.taskSid, [sid('CA', 'b')]: bobTask.taskSid };
const agentOfCall: Record<string, string> = { [sid('CA', 'a')]: 'alice', [sid('CA', 'b')]: 'bob' };

/** The shards of the live-calls index: the functions put each call's item in one, by its call sid. */
const SHARDS = liveCallsShardNames();

/** The live-calls index item the functions write for a call. */
function itemOf(status: CallStatus, extra: Record<string, unknown> = {}) {
  const due = status.holds
    .map((hold) => hold.resumeAt)
    .filter((at): at is string => at !== null)
    .sort();
  return {
    callSid: status.callSid,
    taskSid: taskOfCall[status.callSid],
    agents: [agentOfCall[status.callSid] ?? 'carol'],
    recording: status.recording,
    holds: status.holds,
    resumeAt: due[0] ?? null,
    outOfSync: false,
    updatedAt: new Date().toISOString(),
    ...extra,
  };
}

/** The functions change a call: its answer, and the map item every supervisor follows. */
function serverChanges(key: string, next: CallStatus) {
  calls[key] = next;
  sync.setItem(shardOf(next.callSid), next.callSid, itemOf(next));
  return { status: 200, body: next };
}

beforeAll(() => {
  api.server.listen({ onUnhandledRequest: 'error' });
  RecordingControlsPlugin.setup(Flex, manager);
});
beforeEach(() => {
  sync = new FakeSync();
  for (const name of SHARDS) sync.maps.set(name, new Map()); // the functions make every shard before granting access
  manager.setFlexState({ supervisor: { workers: storeWorkers } });
  setRuntime(createPluginRuntime({ ...manager, insightsClient: sync.client }));
  calls = {
    [aliceTask.taskSid]: callStatus([], { callSid: sid('CA', 'a') }),
    [bobTask.taskSid]: callStatus([desktopHold({ resumeAt: new Date(Date.now() + 42_000).toISOString() })], { callSid: sid('CA', 'b') }),
  };
  for (const status of Object.values(calls)) sync.setItem(shardOf(status.callSid), status.callSid, itemOf(status));
  api.on.status = (fields) => ({
    status: calls[keyOfFields(fields)] ? 200 : 404,
    body: calls[keyOfFields(fields)] ?? { error: { code: 'call_not_found', message: 'no such call' } },
  });
  api.on.pause = (fields) => {
    const key = keyOfFields(fields);
    return serverChanges(key, { ...calls[key], recording: 'paused', holds: [...calls[key].holds, manualHold('sam')] });
  };
  api.on.resume = (fields) => {
    const key = keyOfFields(fields);
    const holds = fields.force === 'true' ? [] : calls[key].holds.filter((hold) => hold.by !== 'sam');
    return serverChanges(key, { ...calls[key], recording: holds.length > 0 ? 'paused' : 'in-progress', holds });
  };
});
afterEach(() => {
  api.requests.length = 0;
  api.syncTokens.length = 0;
  Flex.Notifications.dismissAll();
  jest.useRealTimers();
});
afterAll(() => api.server.close());

const row = (taskSid: string) => screen.getByTestId(`recording-row-${taskSid}`);
const stateOf = (taskSid: string) => within(row(taskSid)).getByTestId('recording-state');
/** The seconds a countdown ("0:41") says are left. */
const secondsIn = (text: string | null) => {
  const [, minutes, seconds] = /(\d+):(\d\d)(?!.*\d:\d\d)/.exec(text ?? '') ?? [];
  return Number(minutes) * 60 + Number(seconds);
};
const aliceCall = `Alice Agent’s call ${sid('CA', 'a')}`;
const bobCall = `Bob Agent’s call ${sid('CA', 'b')}`;

describe('Recording Controls page', () => {
  it('lists the live calls from the live-calls index, with their state and what holds each pause, without asking the functions', async () => {
    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    expect(row(aliceTask.taskSid)).toHaveTextContent('Alice Agent'); // named as Flex knows the worker
    expect(row(aliceTask.taskSid)).toHaveTextContent(sid('CA', 'a'));
    expect(row(aliceTask.taskSid)).toHaveTextContent('+15550101');

    // Bob's card number pause resumes by itself within 42 s: counted down in his state and his hold.
    expect(stateOf(bobTask.taskSid)).toHaveTextContent(/^Paused — Card number — resumes in 0:\d\d$/);
    expect(secondsIn(stateOf(bobTask.taskSid).textContent)).toBeGreaterThan(0);
    expect(secondsIn(stateOf(bobTask.taskSid).textContent)).toBeLessThanOrEqual(42);
    const holds = within(row(bobTask.taskSid)).getAllByRole('listitem');
    expect(holds).toHaveLength(1);
    expect(holds[0]).toHaveTextContent(/^Card number\s*since .* · 0:\d\d$/);

    // Every row has the same three buttons: each is named after the agent's call it acts on.
    for (const call of [aliceCall, bobCall]) {
      for (const name of [`Pause recording of ${call}`, `Resume recording of ${call}`, `Force resume ${call}`]) {
        expect(screen.getByRole('button', { name })).toBeInTheDocument();
      }
    }
    expect(within(row(aliceTask.taskSid)).getByRole('button', { name: `Pause recording of ${aliceCall}` })).toHaveTextContent(/^Pause$/);

    expect(screen.queryByTestId(`recording-row-${wrappingTask.taskSid}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId('live-list-unavailable')).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
    expect(SHARDS.map((name) => sync.subscriptions(name))).toEqual(SHARDS.map(() => 1));
    expect(sync.subscriptions()).toBe(SHARDS.length); // no document per call
  });

  it('watches 200 live calls through one subscription per shard: no request to the functions over a minute', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    for (let index = 0; index < 200; index += 1) {
      const callSid = 'CA' + index.toString(16).padStart(32, '0');
      // A few are paused and due within the minute: the server's sweep resumes those, not 200 browsers.
      const holds = index % 40 === 3 ? [desktopHold({ resumeAt: new Date(Date.now() + 20_000 + index * 100).toISOString() })] : [];
      sync.setItem(
        shardOf(callSid),
        callSid,
        itemOf(callStatus(holds, { callSid }), { taskSid: 'WT' + index.toString(16).padStart(32, '0'), agents: [`agent-${index}`] }),
      );
    }
    sync.removeItem(shardOf(sid('CA', 'a')), sid('CA', 'a'));
    sync.removeItem(shardOf(sid('CA', 'b')), sid('CA', 'b'));
    sync.reads = 0;

    renderInFlex(<SupervisorView />);
    await act(async () => {
      await jest.advanceTimersByTimeAsync(10);
    });
    expect(screen.getAllByTestId(/^recording-row-/)).toHaveLength(200);
    expect(row('WT' + (3).toString(16).padStart(32, '0'))).toHaveTextContent('Paused — Card number');
    expect(sync.reads).toBe(2 * SHARDS.length); // each shard opened, and its one page (fewer than 100 calls each)

    await act(async () => {
      await jest.advanceTimersByTimeAsync(60_000);
    });
    expect(api.requests).toHaveLength(0);
    expect(sync.subscriptions()).toBe(SHARDS.length);
    expect(sync.reads).toBe(2 * SHARDS.length);
  }, 30_000);

  it('follows the index: calls appear, change and go as the functions write it', async () => {
    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));

    act(() => sync.setItem(shardOf(sid('CA', 'a')), sid('CA', 'a'), itemOf(callStatus([manualHold('alice')], { callSid: sid('CA', 'a') }))));
    expect(stateOf(aliceTask.taskSid)).toHaveTextContent(/^Paused by alice$/);

    const carol = callStatus([], { callSid: sid('CA', 'd') });
    act(() => sync.setItem(shardOf(carol.callSid), carol.callSid, itemOf(carol, { taskSid: sid('WT', 'd'), agents: ['carol'] })));
    expect(row(sid('WT', 'd'))).toHaveTextContent('carol');
    expect(stateOf(sid('WT', 'd'))).toHaveTextContent(/^Recording$/);

    act(() => sync.removeItem(shardOf(sid('CA', 'b')), sid('CA', 'b')));
    expect(screen.queryByTestId(`recording-row-${bobTask.taskSid}`)).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
  });

  it('flags a call whose last change Twilio has not confirmed', async () => {
    sync.setItem(shardOf(sid('CA', 'a')), sid('CA', 'a'), itemOf(calls[aliceTask.taskSid], { outOfSync: true }));
    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Twilio has not confirmed the last change yet'));
  });

  it('alerts the supervisor, in the row and in a Flex notification, to a pause that failed and no later try has paused', async () => {
    const runtime = createPluginRuntime({ ...manager, insightsClient: sync.client });
    setRuntime(runtime);
    const stop = startSupervisorAlerts(runtime);
    try {
      sync.setItem(
        shardOf(sid('CA', 'a')),
        sid('CA', 'a'),
        itemOf(calls[aliceTask.taskSid], { recording: 'unknown', failedPauses: 1, failedPausesNotRecovered: 1 }),
      );
      renderInFlex(<SupervisorView />);
      await waitFor(() =>
        expect(within(row(aliceTask.taskSid)).getByTestId('recording-alerts')).toHaveTextContent(
          'Pause failed — not paused since: card details may be recorded',
        ),
      );
      expect(screen.getByTestId('calls-need-attention')).toHaveTextContent('1 call needs attention');
      expect(
        await screen.findByText('A pause failed on alice’s call and no later try has paused it: the call may be recording card details.'),
      ).toBeInTheDocument();

      // Her next try paused: the alert goes from the row; a failure that recovered needs no one's attention.
      sync.setItem(
        shardOf(sid('CA', 'a')),
        sid('CA', 'a'),
        itemOf(callStatus([desktopHold()], { callSid: sid('CA', 'a'), recording: 'paused' }), { failedPauses: 1, failedPausesNotRecovered: 0 }),
      );
      await waitFor(() => expect(within(row(aliceTask.taskSid)).getByTestId('recording-alerts')).toHaveTextContent(/^$/));
      expect(screen.queryByTestId('calls-need-attention')).not.toBeInTheDocument();
    } finally {
      stop();
    }
  });

  it('alerts the supervisor to a call whose card fields cannot pause by themselves, as the agent’s plugin said', async () => {
    const runtime = createPluginRuntime({ ...manager, insightsClient: sync.client });
    setRuntime(runtime);
    const stop = startSupervisorAlerts(runtime);
    try {
      sync.setItem(shardOf(sid('CA', 'b')), sid('CA', 'b'), itemOf(calls[bobTask.taskSid], { automationOff: ['crm-fields'] }));
      renderInFlex(<SupervisorView />);
      await waitFor(() =>
        expect(within(row(bobTask.taskSid)).getByTestId('recording-alerts')).toHaveTextContent(
          'Card fields do not pause by themselves (the CRM fields cannot be read): the agent must pause by hand',
        ),
      );
      expect(
        await screen.findByText(
          'On bob’s call, card fields do not pause the recording by themselves (the CRM fields cannot be read): the agent must pause by hand.',
        ),
      ).toBeInTheDocument();
    } finally {
      stop();
    }
  });

  it('alerts the supervisor once a call has been paused longer than alertPausedSeconds, at that moment and once', async () => {
    const runtime = createPluginRuntime({ ...manager, insightsClient: sync.client });
    setRuntime(runtime);
    expect(runtime.config.alertPausedSeconds).toBe(180);
    const alerts = () => screen.queryAllByText('bob’s call has been paused for over 3:00: check the pause is still needed.');
    // On a clock of the test's own: the threshold is crossed when the test says, however slow the machine.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const passes = (ms: number) => act(() => jest.advanceTimersByTimeAsync(ms));
    const stop = startSupervisorAlerts(runtime);
    try {
      // Bob's card number pause began 178.8 s ago: 1.2 s before the threshold.
      const openedAt = new Date(Date.now() - 178_800).toISOString();
      sync.setItem(shardOf(sid('CA', 'b')), sid('CA', 'b'), itemOf(callStatus([desktopHold({ openedAt })], { callSid: sid('CA', 'b'), recording: 'paused' })));
      renderInFlex(<SupervisorView />);
      await passes(10);
      expect(row(bobTask.taskSid)).toHaveTextContent('Paused — Card number');
      expect(within(row(bobTask.taskSid)).getByTestId('recording-alerts')).toHaveTextContent(/^$/);
      expect(alerts()).toHaveLength(0);

      await passes(1_000);
      expect(within(row(bobTask.taskSid)).getByTestId('recording-alerts')).toHaveTextContent(/^$/);
      expect(alerts()).toHaveLength(0);
      // The notification at the moment the threshold is crossed; the row at its next second's tick.
      await passes(200);
      expect(alerts()).toHaveLength(1);
      await passes(1_000);
      expect(within(row(bobTask.taskSid)).getByTestId('recording-alerts')).toHaveTextContent('Paused for over 3:00');
      // The index changes again (the same pause renewed): no second notification for the same alert.
      sync.setItem(
        shardOf(sid('CA', 'b')),
        sid('CA', 'b'),
        itemOf(
          callStatus([desktopHold({ openedAt, resumeAt: new Date(Date.now() + 30_000).toISOString() })], { callSid: sid('CA', 'b'), recording: 'paused' }),
        ),
      );
      await passes(100);
      expect(alerts()).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it("says when Twilio has not confirmed a call's recording state yet", async () => {
    sync.setItem(shardOf(sid('CA', 'a')), sid('CA', 'a'), itemOf(calls[aliceTask.taskSid], { recording: 'unknown' }));
    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(stateOf(aliceTask.taskSid)).toHaveTextContent(/^Not confirmed by Twilio yet$/));
    expect(screen.getByRole('button', { name: `Pause recording of ${aliceCall}` })).toBeDisabled();
  });

  it('pauses and resumes a call for the supervisor through the Flex Actions', async () => {
    const pauses = jest.fn();
    Flex.Actions.addListener('afterPauseRecording', pauses);
    renderInFlex(<SupervisorView />);
    const alice = () => within(row(aliceTask.taskSid));
    const pause = () => screen.getByRole('button', { name: `Pause recording of ${aliceCall}` });
    const resume = () => screen.getByRole('button', { name: `Resume recording of ${aliceCall}` });
    await waitFor(() => expect(pause()).toBeEnabled());
    expect(resume()).toBeDisabled();

    fireEvent.click(pause());
    await waitFor(() => expect(stateOf(aliceTask.taskSid)).toHaveTextContent(/^Paused by you$/));
    expect(api.last('pause')?.fields).toMatchObject({ taskSid: aliceTask.taskSid, callSid: sid('CA', 'a') });
    expect(alice().getByRole('listitem')).toHaveTextContent('you (sam)');
    await waitFor(() => expect(pauses).toHaveBeenCalledTimes(1));
    Flex.Actions.removeListener('afterPauseRecording', pauses);

    expect(pause()).toBeDisabled();
    fireEvent.click(resume());
    await waitFor(() => expect(stateOf(aliceTask.taskSid)).toHaveTextContent(/^Recording$/));
    expect(api.last('resume')?.fields.force).toBeUndefined();
    expect(api.count('status')).toBe(0);
  });

  it('force-resumes a call someone else paused, once the supervisor confirms', async () => {
    renderInFlex(<SupervisorView />);
    const forceResume = () => screen.getByRole('button', { name: `Force resume ${bobCall}` });
    await waitFor(() => expect(forceResume()).toBeEnabled());
    expect(screen.getByRole('button', { name: `Force resume ${aliceCall}` })).toBeDisabled(); // nothing holds Alice's call

    // Asked first: what it ends, and that card details would be recorded; cancelling changes nothing.
    fireEvent.click(forceResume());
    let dialog = await screen.findByRole('alertdialog', { name: 'Force resume Bob Agent’s call?' });
    expect(dialog).toHaveTextContent(`${sid('CA', 'b')}This ends every pause on the call (Card number) and Twilio records again at once`);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    // Escape cancels too.
    fireEvent.click(forceResume());
    fireEvent.keyDown(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel' }), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(api.count('resume')).toBe(0);
    expect(stateOf(bobTask.taskSid)).toHaveTextContent(/^Paused — Card number/);

    fireEvent.click(forceResume());
    dialog = await screen.findByRole('alertdialog', { name: 'Force resume Bob Agent’s call?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Force resume' }));
    await waitFor(() => expect(stateOf(bobTask.taskSid)).toHaveTextContent(/^Recording$/));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(api.count('resume')).toBe(1);
    expect(api.last('resume')?.fields).toMatchObject({ taskSid: bobTask.taskSid, force: 'true' });
    expect(forceResume()).toBeDisabled();
  });

  it('any other call can be watched by its SID', async () => {
    calls[sid('CA', 'e')] = callStatus([manualHold('alice')], { callSid: sid('CA', 'e') });
    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    fireEvent.change(screen.getByLabelText('Call SID (CA…) or task SID (WT…)'), { target: { value: sid('CA', 'e') } });
    fireEvent.click(screen.getByRole('button', { name: 'Watch a call' }));
    await waitFor(() => expect(row(sid('CA', 'e'))).toHaveTextContent('Paused by alice'));
    expect(api.count('status')).toBe(1);
    // No agent is known for it: its buttons name the call alone.
    expect(screen.getByRole('button', { name: `Force resume call ${sid('CA', 'e')}` })).toBeEnabled();
  });

  it('says so when there are no live calls', async () => {
    sync.removeItem(shardOf(sid('CA', 'a')), sid('CA', 'a'));
    sync.removeItem(shardOf(sid('CA', 'b')), sid('CA', 'b'));
    renderInFlex(<SupervisorView />);
    expect(await screen.findByText('No live calls.')).toBeInTheDocument();
  });
});

describe('when the live-calls index cannot be opened', () => {
  it('says the live list is unavailable, shows the calls Flex knows, and switches to the index once it opens', async () => {
    sync.forbidden.add(SHARDS[5]); // one shard is enough to make the list incomplete
    renderInFlex(<SupervisorView />);
    expect(await screen.findByTestId('live-list-unavailable')).toHaveTextContent('Live list unavailable');
    // The calls in the Flex store, each asked once (no document to follow here), then left alone.
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    await waitFor(() => expect(row(bobTask.taskSid)).toHaveTextContent('Paused — Card number'));
    expect(api.count('status')).toBe(2);

    sync.forbidden.delete(SHARDS[5]);
    // The view tries again with backoff (2 s, then 4 s, 8 s, each up to half as long again): on a busy
    // machine a second or third try may have failed before the shard opened.
    await waitFor(() => expect(screen.queryByTestId('live-list-unavailable')).not.toBeInTheDocument(), { timeout: 15_000 });
    expect(row(aliceTask.taskSid)).toHaveTextContent('Alice Agent');
    expect(api.count('status')).toBe(2);
  });

  it('shows the calls Flex knows where Flex has no Sync client', async () => {
    setRuntime(createPluginRuntime(manager));
    renderInFlex(<SupervisorView />);
    expect(await screen.findByTestId('live-list-unavailable')).toBeInTheDocument();
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    act(() => manager.setFlexState({ supervisor: { workers: [] } }));
    expect(screen.queryByTestId(`recording-row-${aliceTask.taskSid}`)).not.toBeInTheDocument();
  });
});

describe('loading the view', () => {
  it('loads supervisor.js from the functions when opened, and offers to try again when it cannot', async () => {
    let fail = true;
    const load = jest.fn(async (_baseUrl: string): Promise<SupervisorBundle> => {
      if (fail) throw new Error('the request failed');
      return (window as unknown as Record<string, SupervisorBundle>).RecordingControlsSupervisor;
    });
    renderInFlex(<SupervisorView load={load} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      `The Recording Controls view could not be loaded from ${BASE_URL}/supervisor.js: the request failed`,
    );
    expect(load).toHaveBeenCalledWith(BASE_URL);
    fail = false;
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    });
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('says the controls are unavailable, and loads nothing, when the plugin is not configured', () => {
    setRuntime(createRuntime(fakeManager({ identity: 'sam', roles: ['supervisor'] }), defaultConfig, false));
    const load = jest.fn();
    renderInFlex(<SupervisorView load={load} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Recording controls unavailable (configuration error)');
    expect(load).not.toHaveBeenCalled();
  });
});

describe('registration', () => {
  it('puts the controls in the call canvas and the page in the side navigation for supervisors', async () => {
    const keys = (fragments: React.ReactElement[]) => fragments.map((fragment) => (fragment.props.children as React.ReactElement).key);
    expect(keys(Flex.CallCanvas.Content.fragments)).toContain('recording-controls-indicator');
    expect(keys(Flex.CallCanvasActions.Content.fragments)).toContain('recording-controls-button');
    expect(keys(Flex.ViewCollection.Content.fragments)).toContain('recording-controls-view');

    const link = Flex.SideNav.Content.fragments.find((fragment) => (fragment.props.children as React.ReactElement).key === 'recording-controls-side-link');
    expect(link).toBeDefined();
    // Flex's SideLink needs Flex's redux store to render, so press the link it is given.
    const sideLink = SupervisorSideLink({ activeView: 'recording-controls', showLabel: true });
    expect(sideLink.props.isActive).toBe(true);
    expect(sideLink.props.children).toBe('Recording Controls');
    const navigate = jest.fn((_payload: unknown, abort: () => void) => abort());
    Flex.Actions.addListener('beforeNavigateToView', navigate);
    sideLink.props.onClick();
    await waitFor(() => expect(navigate).toHaveBeenCalledWith({ viewName: 'recording-controls' }, expect.any(Function)));
    Flex.Actions.removeListener('beforeNavigateToView', navigate);
  });

  it('gives agents neither the page nor the link', () => {
    setRuntime(createRuntime(fakeManager({ roles: ['agent'] }), { ...defaultConfig, serverlessBaseUrl: BASE_URL }, true));
    const add = jest.fn();
    addSupervisorView({ ViewCollection: { Content: { add } }, SideNav: { Content: { add } } } as unknown as typeof Flex);
    expect(add).not.toHaveBeenCalled();
  });
});
