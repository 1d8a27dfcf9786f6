import * as React from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { addSupervisorView, SupervisorSideLink, SupervisorView } from '../../src/components/SupervisorView';
import { createRuntime, setRuntime } from '../../src/flex/runtime';
import { defaultConfig } from '../../src/flex/config';
import { createPluginRuntime, setupRecordingControls } from '../../src/flex/setup';
import type { CallStatus } from '../../src/flex/types';
import { BASE_URL, callStatus, desktopHold, fakeApi, fakeManager, manualHold, renderInFlex, voiceTask } from './support';

const sid = (prefix: string, digit: string) => prefix + digit.repeat(32);
const aliceTask = voiceTask({ taskSid: sid('WT', 'a'), sid: sid('WR', 'a'), attributes: { call_sid: sid('CA', 'a'), from: '+15550101' } });
const bobTask = voiceTask({ taskSid: sid('WT', 'b'), sid: sid('WR', 'b'), attributes: { call_sid: sid('CA', 'b'), from: '+15550102' } });
const wrappingTask = voiceTask({ taskSid: sid('WT', 'c'), sid: sid('WR', 'c'), status: 'wrapping', taskStatus: 'wrapping' });

const api = fakeApi();
const manager = fakeManager({
  identity: 'sam',
  roles: ['supervisor'],
  supervisorWorkers: [
    { worker: { fullName: 'Alice Agent', name: 'alice' }, tasks: [aliceTask] },
    { worker: { fullName: 'Bob Agent', name: 'bob' }, tasks: [bobTask, wrappingTask] },
  ],
});

/** Each call's state on the server, by task SID (or call SID), changed by pause/resume. */
let calls: Record<string, CallStatus>;
const keyOfFields = (fields: Record<string, string>) => fields.taskSid ?? fields.callSid;

beforeAll(() => {
  api.server.listen({ onUnhandledRequest: 'error' });
  setupRecordingControls(Flex, manager);
});
beforeEach(() => {
  setRuntime(createPluginRuntime(manager));
  calls = {
    [aliceTask.taskSid]: callStatus([], { callSid: sid('CA', 'a') }),
    [bobTask.taskSid]: callStatus([desktopHold({ resumeAt: new Date(Date.now() + 42_000).toISOString() })], { callSid: sid('CA', 'b') }),
  };
  api.on.status = (fields) => ({ status: calls[keyOfFields(fields)] ? 200 : 404, body: calls[keyOfFields(fields)] ?? { error: { code: 'call_not_found', message: 'no such call' } } });
  api.on.pause = (fields) => {
    const key = keyOfFields(fields);
    calls[key] = { ...calls[key], recording: 'paused', holds: [...calls[key].holds, manualHold('sam')] };
    return { status: 200, body: calls[key] };
  };
  api.on.resume = (fields) => {
    const key = keyOfFields(fields);
    const holds = fields.force === 'true' ? [] : calls[key].holds.filter((hold) => hold.by !== 'sam');
    calls[key] = { ...calls[key], recording: holds.length > 0 ? 'paused' : 'in-progress', holds };
    return { status: 200, body: calls[key] };
  };
});
afterEach(() => {
  api.requests.length = 0;
  Flex.Notifications.dismissAll();
});
afterAll(() => api.server.close());

const row = (taskSid: string) => screen.getByTestId(`recording-row-${taskSid}`);
const stateOf = (taskSid: string) => within(row(taskSid)).getByTestId('recording-state');

describe('Recording Controls page', () => {
  it('lists the live calls with their recording state and what holds each pause', async () => {
    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    expect(row(aliceTask.taskSid)).toHaveTextContent('Alice Agent');
    expect(row(aliceTask.taskSid)).toHaveTextContent(sid('CA', 'a'));

    await waitFor(() => expect(row(bobTask.taskSid)).toHaveTextContent(/Paused — Card number — resumes in 0:4[12]/));
    const holds = within(row(bobTask.taskSid)).getAllByRole('listitem');
    expect(holds).toHaveLength(1);
    expect(holds[0]).toHaveTextContent(/Card number · since .* · 0:4[12]/);

    expect(screen.queryByTestId(`recording-row-${wrappingTask.taskSid}`)).not.toBeInTheDocument();
  });

  it('pauses and resumes a call for the supervisor', async () => {
    renderInFlex(<SupervisorView />);
    const alice = () => within(row(aliceTask.taskSid));
    await waitFor(() => expect(alice().getByRole('button', { name: 'Pause recording' })).toHaveAttribute('aria-disabled', 'false'));
    expect(alice().getByRole('button', { name: 'Resume recording' })).toHaveAttribute('aria-disabled', 'true');

    fireEvent.click(alice().getByRole('button', { name: 'Pause recording' }));
    await waitFor(() => expect(stateOf(aliceTask.taskSid)).toHaveTextContent(/^Paused by you$/));
    expect(api.last('pause')?.fields).toMatchObject({ taskSid: aliceTask.taskSid });
    expect(alice().getByRole('listitem')).toHaveTextContent('you (sam)');

    fireEvent.click(alice().getByRole('button', { name: 'Resume recording' }));
    await waitFor(() => expect(stateOf(aliceTask.taskSid)).toHaveTextContent(/^Recording$/));
    expect(api.last('resume')?.fields.force).toBeUndefined();
  });

  it('force-resumes a call someone else paused', async () => {
    renderInFlex(<SupervisorView />);
    const bob = () => within(row(bobTask.taskSid));
    await waitFor(() => expect(bob().getByRole('button', { name: 'Force resume' })).toHaveAttribute('aria-disabled', 'false'));
    fireEvent.click(bob().getByRole('button', { name: 'Force resume' }));
    await waitFor(() => expect(stateOf(bobTask.taskSid)).toHaveTextContent(/^Recording$/));
    expect(api.last('resume')?.fields).toMatchObject({ taskSid: bobTask.taskSid, force: 'true' });
  });

  it('adds calls as Flex learns about them, and any call can be watched by its SID', async () => {
    const carolTask = voiceTask({ taskSid: sid('WT', 'd'), sid: sid('WR', 'd'), attributes: { call_sid: sid('CA', 'd') } });
    calls[carolTask.taskSid] = callStatus([], { callSid: sid('CA', 'd') });
    calls[sid('CA', 'e')] = callStatus([manualHold('alice')], { callSid: sid('CA', 'e') });

    renderInFlex(<SupervisorView />);
    await waitFor(() => expect(row(aliceTask.taskSid)).toHaveTextContent('Recording'));
    act(() =>
      manager.setFlexState({
        supervisor: { workers: [{ worker: { fullName: 'Carol Agent', name: 'carol' }, tasks: [carolTask] }] },
      }),
    );
    await waitFor(() => expect(row(carolTask.taskSid)).toHaveTextContent('Carol Agent'));
    expect(screen.queryByTestId(`recording-row-${aliceTask.taskSid}`)).not.toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Call SID (CA…) or task SID (WT…)'), { target: { value: sid('CA', 'e') } });
    fireEvent.click(screen.getByRole('button', { name: 'Watch a call' }));
    await waitFor(() => expect(row(sid('CA', 'e'))).toHaveTextContent('Paused by alice'));
  });

  it('says so when there are no live calls', () => {
    setRuntime(createPluginRuntime(fakeManager({ roles: ['supervisor'] })));
    renderInFlex(<SupervisorView />);
    expect(screen.getByText('No live calls.')).toBeInTheDocument();
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
