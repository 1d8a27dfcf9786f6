import * as React from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { RecordingIndicator } from '../../src/components/RecordingIndicator';
import { notify } from '../../src/flex/notifications';
import { refOf } from '../../src/flex/calls';
import { getRuntime, setRuntime } from '../../src/flex/runtime';
import { createPluginRuntime } from '../../src/flex/pluginRuntime';
import { callStatus, desktopHold, fakeApi, fakeManager, manualHold, renderInFlex, voiceTask, usePluginInFlex } from './support';

const api = fakeApi();
const manager = fakeManager({
  identity: 'alice',
  config: { serverlessBaseUrl: 'https://rc.example.test', indicator: { labels: { 'card-number': 'Card number' } } },
});

usePluginInFlex(api, manager);

const indicatorText = () => screen.getByTestId('recording-indicator-text');

describe('recording indicator', () => {
  it('shows "Recording" when the server says the recording runs', async () => {
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Recording$/));
    expect(api.last('status')?.fields).toMatchObject({ taskSid: voiceTask().taskSid, callSid: voiceTask().attributes?.call_sid });
  });

  it('names the desktop event and counts down to its resume', async () => {
    // Only the clock and the one-second ticker are faked; requests and polling run for real.
    jest.useFakeTimers({
      now: new Date('2030-01-01T10:00:00Z'),
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
    });
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt: '2030-01-01T10:00:42.000Z' })]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent('Paused — Card number — resumes in 0:42'));
    act(() => {
      jest.advanceTimersByTime(2000);
    });
    await waitFor(() => expect(indicatorText()).toHaveTextContent('Paused — Card number — resumes in 0:40'));
  });

  it("counts a 60 s event down from 1:00 when the browser's clock is a little behind the server's", async () => {
    jest.useFakeTimers({
      now: new Date('2030-01-01T09:59:59.600Z'),
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
    });
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt: '2030-01-01T10:01:00.000Z' })]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent('Paused — Card number — resumes in 1:00'));
  });

  it('tells a screen reader when the state changes, not at every second of the countdown', async () => {
    jest.useFakeTimers({
      now: new Date('2030-01-01T10:00:00Z'),
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
    });
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt: '2030-01-01T10:00:42.000Z' })]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    const announced = screen.getByRole('status');
    await waitFor(() => expect(announced).toHaveTextContent(/^Paused — Card number$/));
    act(() => {
      jest.advanceTimersByTime(2000);
    });
    await waitFor(() => expect(indicatorText()).toHaveTextContent('resumes in 0:40'));
    expect(announced).toHaveTextContent(/^Paused — Card number$/);
    expect(indicatorText()).not.toHaveAttribute('aria-live');
  });

  it('takes "Recording paused" down when the call leaves the screen; an unacknowledged failure stays', async () => {
    const holds = [desktopHold()];
    api.state = callStatus(holds);
    const { showTask } = renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused — Card number/));
    act(() => notify.paused(holds));
    expect(screen.getByText('Recording paused. You may take the card details.')).toBeInTheDocument();
    showTask(voiceTask({ status: 'wrapping', taskStatus: 'wrapping' }));
    await waitFor(() => expect(screen.queryByText('Recording paused. You may take the card details.')).not.toBeInTheDocument());

    showTask(voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused — Card number/));
    act(() => notify.pauseFailed('Twilio did not confirm the pause'));
    showTask(voiceTask({ status: 'wrapping', taskStatus: 'wrapping' }));
    expect(screen.getByText(/The recording was NOT paused/)).toBeInTheDocument();
    // Its one button says what it does, and nothing more.
    fireEvent.click(screen.getByRole('button', { name: 'I understand' }));
    await waitFor(() => expect(screen.queryByText(/The recording was NOT paused/)).not.toBeInTheDocument());
  });

  it('warns in the last seconds before the recording resumes by itself, once, as an alert', async () => {
    jest.useFakeTimers({
      now: new Date('2030-01-01T10:00:00Z'),
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
    });
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt: '2030-01-01T10:00:13.000Z' })]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent('resumes in 0:13'));
    expect(screen.queryByTestId('recording-indicator-warning')).not.toBeInTheDocument();
    act(() => {
      jest.advanceTimersByTime(4000);
    });
    await waitFor(() => expect(indicatorText()).toHaveTextContent('resumes in 0:09'));
    const warning = screen.getByTestId('recording-indicator-warning');
    expect(warning).toHaveAttribute('role', 'alert');
    expect(warning).toHaveTextContent('The recording resumes in a few seconds: stop taking card details.');
    act(() => {
      jest.advanceTimersByTime(2000);
    });
    // The same words: an alert is spoken again only when its words change.
    expect(screen.getByTestId('recording-indicator-warning')).toHaveTextContent(/^The recording resumes in a few seconds: stop taking card details\.$/);
  });

  it('goes straight to the warning for a pause shorter than the warning window: never "you may take the card details"', async () => {
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Recording$/));
    // A CVV field paused for 10 s, told by the call's document.
    const holds = [desktopHold({ id: 'cvv', resumeAt: new Date(Date.now() + 10_000).toISOString() })];
    act(() => getRuntime().live.apply(refOf(voiceTask()), callStatus(holds)));
    expect(indicatorText()).toHaveTextContent(/^Paused — Cvv — resumes in/);
    expect(screen.getByRole('alert')).toHaveTextContent('The recording resumes in a few seconds: stop taking card details.');
    expect(screen.queryByText('Recording paused. You may take the card details.')).not.toBeInTheDocument();
  });

  it('takes "you may take the card details" down as the warning begins: never both at once', async () => {
    jest.useFakeTimers({
      now: new Date('2030-01-01T10:00:00Z'),
      doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
    });
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Recording$/));
    const holds = [desktopHold({ id: 'cvv', openedAt: '2030-01-01T10:00:00.000Z', resumeAt: '2030-01-01T10:00:12.000Z' })];
    act(() => getRuntime().live.apply(refOf(voiceTask()), callStatus(holds)));
    expect(screen.getByText('Recording paused. You may take the card details.')).toBeInTheDocument();
    act(() => {
      jest.advanceTimersByTime(3000);
    });
    expect(screen.getByTestId('recording-indicator-warning')).toBeInTheDocument();
    expect(screen.queryByText('Recording paused. You may take the card details.')).not.toBeInTheDocument();
  });

  it('plays a short tone as the warning begins, when the contact center turned the sound on', async () => {
    const tones: number[] = [];
    class FakeAudio {
      currentTime = 0;
      destination = {};
      createGain = () => ({ gain: { value: 1 }, connect: (next: unknown) => next });
      createOscillator = () => ({
        frequency: { value: 0 },
        connect: (next: unknown) => next,
        start: () => tones.push(Date.now()),
        stop: () => undefined,
        onended: null,
      });
      close = () => Promise.resolve();
    }
    (window as { AudioContext?: unknown }).AudioContext = FakeAudio;
    try {
      setRuntime(createPluginRuntime(manager, { indicator: { showTimeline: true, warningSound: true, labels: { 'card-number': 'Card number' } } }));
      jest.useFakeTimers({
        now: new Date('2030-01-01T10:00:00Z'),
        doNotFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
      });
      api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt: '2030-01-01T10:00:12.000Z' })]);
      renderInFlex(<RecordingIndicator />, voiceTask());
      await waitFor(() => expect(indicatorText()).toHaveTextContent('resumes in 0:12'));
      expect(tones).toHaveLength(0);
      act(() => {
        jest.advanceTimersByTime(3000);
      });
      await waitFor(() => expect(screen.getByTestId('recording-indicator-warning')).toBeInTheDocument());
      act(() => {
        jest.advanceTimersByTime(3000);
      });
      // Once as the warning begins, not every second of it.
      expect(tones).toHaveLength(1);
    } finally {
      delete (window as { AudioContext?: unknown }).AudioContext;
    }
  });

  it('says plainly that the call is recorded again when a pause ran out', async () => {
    api.state = callStatus([desktopHold({ id: 'cvv', openedAt: new Date().toISOString(), resumeAt: new Date(Date.now() + 1000).toISOString() })]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused — Cvv — resumes in/));
    api.state = callStatus();
    // The plugin asks once the hold's time has come, and Twilio says it runs again.
    // An alert, spoken at once: the agent may be reading card details out.
    expect(
      await screen.findByText('The pause for Cvv ran out: the call is being recorded again. Do not take card details now.', {}, { timeout: 5000 }),
    ).toHaveAttribute('role', 'alert');
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    expect(screen.queryByText('Recording resumed.')).not.toBeInTheDocument();
  });

  it('says "Paused by you" for the agent\'s own pause', async () => {
    api.state = callStatus([manualHold('alice')]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused by you$/));
  });

  it('names the agent whose pause is still open after a transfer', async () => {
    api.state = callStatus([manualHold('bob')]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused by bob$/));
  });

  it('says "Paused by supervisor" when a supervisor paused the call', async () => {
    api.state = callStatus([manualHold('sam.supervisor', { id: 'supervisor:sam.supervisor' })]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused by supervisor$/));
  });

  it('lists every reason when several holds keep the call paused', async () => {
    api.state = callStatus([desktopHold(), manualHold('alice')]);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused — Card number, by you$/));
  });

  it('says "Not recording" and offers to start one when the call has no recording', async () => {
    api.state = callStatus([], { recording: 'absent', recordings: [] });
    renderInFlex(<RecordingIndicator />, voiceTask());
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Not recording$/));
    expect(screen.getByRole('button', { name: 'Start recording' })).toBeInTheDocument();
  });

  it("draws the call's paused intervals on a small timeline", async () => {
    const start = Date.now() - 50_000;
    api.state = {
      ...callStatus(),
      intervals: [
        {
          from: new Date(start).toISOString(),
          to: new Date(start + 42_000).toISOString(),
          holdIds: ['card-number'],
          sources: ['desktop'],
          by: [],
          exposureMs: 420,
        },
      ],
    };
    renderInFlex(<RecordingIndicator />, voiceTask());
    const timeline = await screen.findByRole('list', { name: 'Paused intervals' });
    // With how long the audio ran on after the agent's click.
    expect(within(timeline).getByRole('listitem')).toHaveTextContent('(0:42) Card number · paused 0.4 s after the action');
  });

  it('lists the newest paused intervals of a long call, and all of them on request', async () => {
    const start = Date.now() - 20 * 60_000;
    const interval = (index: number) => ({
      from: new Date(start + index * 60_000).toISOString(),
      to: new Date(start + index * 60_000 + 10_000 + index * 1000).toISOString(),
      holdIds: ['card-number'],
      sources: ['desktop' as const],
      by: [],
    });
    api.state = { ...callStatus(), intervals: Array.from({ length: 16 }, (_, index) => interval(index)) };
    renderInFlex(<RecordingIndicator />, voiceTask());
    const timeline = await screen.findByRole('list', { name: 'Paused intervals' });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['(0:23) Card number', '(0:24) Card number', '(0:25) Card number'].map((text) => expect.stringContaining(text)));
    fireEvent.click(screen.getByRole('button', { name: 'Show all 16' }));
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(16);
    fireEvent.click(screen.getByRole('button', { name: 'Show the newest only' }));
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(3);
  });

  it('renders nothing for a call that is no longer live', () => {
    renderInFlex(<RecordingIndicator />, voiceTask({ status: 'wrapping', taskStatus: 'wrapping' }));
    expect(screen.queryByTestId('recording-indicator')).not.toBeInTheDocument();
  });
});

describe('a call coming on screen', () => {
  it('after a refresh or a transfer, the agent on the call sees the state the server keeps', async () => {
    // Bob received the call by transfer: a new task, same call, and a browser that knows nothing.
    const bob = fakeManager({ identity: 'bob', config: manager.serviceConfiguration!.ui_attributes!.recordingControls });
    setRuntime(createPluginRuntime(bob));
    api.state = callStatus([desktopHold({ resumeAt: new Date(Date.now() + 30_500).toISOString() })]);
    renderInFlex(<RecordingIndicator />, voiceTask({ taskSid: 'WT' + '2'.repeat(32) }));
    await waitFor(() => expect(indicatorText()).toHaveTextContent(/^Paused — Card number — resumes in 0:3[01]$/));
    expect(api.last('status')?.fields).toMatchObject({ taskSid: 'WT' + '2'.repeat(32), callSid: voiceTask().attributes?.call_sid });
  });
});
