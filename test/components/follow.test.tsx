/**
 * The plugin follows a call, it does not poll it: the call's state comes from its Sync document
 * (Flex's Sync client, here FakeSync, which behaves like twilio-sync), and the functions are
 * asked only when a call comes on screen and its document cannot say its state, when a hold is
 * due, or — as a fallback while the document cannot be followed — every 15 s or more.
 *
 * The clock is Jest's: a simulated minute passes in milliseconds. Requests still go over HTTP
 * (msw) and are counted there.
 */
import * as React from 'react';
import { act, screen } from '@testing-library/react';
import { RecordingControlButton } from '../../src/components/RecordingControlButton';
import { RecordingIndicator } from '../../src/components/RecordingIndicator';
import { useCall } from '../../src/components/hooks';
import { createPluginRuntime } from '../../src/flex/pluginRuntime';
import { FIRST_STATE_GRACE_MS } from '../../src/flex/liveState';
import { getRuntime, setRuntime } from '../../src/flex/runtime';
import { callDocumentName } from '../../src/flex/syncData';
import type { CallStatus } from '../../src/flex/types';
import { FakeSync } from '../../src/rig/fakeSync';
import { CALL_SID, callStatus, desktopHold, fakeApi, fakeManager, manualHold, renderInFlex, usePluginInFlex, voiceTask } from './support';

const api = fakeApi();
const manager = fakeManager({
  identity: 'alice',
  config: { serverlessBaseUrl: 'https://rc.example.test', indicator: { labels: { 'card-number': 'Card number' } } },
});
usePluginInFlex(api, manager);

const DOCUMENT = callDocumentName(CALL_SID);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

let sync: FakeSync;

/** The call's document as the functions write it (BRIEF: the document is enough to render). */
const documentOf = (status: CallStatus, extra: Record<string, unknown> = {}) => ({
  call: { callSid: status.callSid, taskSid: voiceTask().taskSid, agent: 'alice' },
  recording: status.recording,
  recordings: status.recordings.map((recording) => ({ ...recording, startedAt: '2030-01-01T09:59:00.000Z' })),
  holds: status.holds,
  intervals: status.intervals,
  outOfSync: false,
  updatedAt: new Date().toISOString(),
  ...extra,
});

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2030-01-01T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  sync = new FakeSync();
  setRuntime(createPluginRuntime({ ...manager, insightsClient: sync.client }));
});

/** Lets the simulated clock run; requests in flight are answered on the way. */
async function pass(ms: number): Promise<void> {
  await act(async () => {
    await jest.advanceTimersByTimeAsync(ms);
  });
}

/** Lets pending answers (HTTP through msw, Sync opens) arrive without moving the clock much. */
async function settle(): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    await act(async () => {
      await jest.advanceTimersByTimeAsync(1);
    });
  }
}

const indicatorText = () => screen.getByTestId('recording-indicator-text');
const notification = (text: string | RegExp) => screen.queryByText(text);

describe('a call followed through its Sync document', () => {
  it('makes no request over an idle minute: the document says the state, so not even a first status', async () => {
    api.state = callStatus();
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    expect(api.requests).toEqual([]);
    expect(sync.subscriptions(DOCUMENT)).toBe(1);

    await pass(MINUTE);
    expect(api.requests).toEqual([]);
    expect(sync.reads).toBe(1); // the document was read once, when it was opened
  });

  it('shows a change the moment the document changes, tells the agent, and asks nothing', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent(/^Recording$/);

    // The desktop relay paused the call: the functions rewrote the document.
    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus([desktopHold()]))));
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);
    expect(notification('Recording paused. You may take the card details.')).toBeInTheDocument();

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus([manualHold('sam.supervisor', { id: 'supervisor:sam.supervisor' })]))));
    expect(indicatorText()).toHaveTextContent(/^Paused by supervisor$/);

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus())));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    expect(notification('Recording resumed.')).toBeInTheDocument();
    expect(api.requests).toEqual([]);
  });

  it('says "Pausing" while the functions wait on Twilio for a relay signal\'s pause, not a calm "Recording"; an old mark is not believed', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent(/^Recording$/);

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus(), { pausing: new Date().toISOString() })));
    expect(indicatorText()).toHaveTextContent('Pausing recording…');
    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus([desktopHold()]))));
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);

    // A function that stopped half-way (its 10 s are long over) left the mark: the state Twilio confirmed is shown.
    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus(), { pausing: new Date(Date.now() - 60_000).toISOString() })));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    expect(api.requests).toEqual([]);
  });

  it('renders from the document alone: the recording state Twilio confirmed, its intervals, not a guess from the holds', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();

    // A hold is open but Twilio did not confirm the pause: the call is being recorded.
    const unconfirmed = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z' })], { recording: 'in-progress' });
    act(() => sync.setDocument(DOCUMENT, documentOf(unconfirmed, { outOfSync: true })));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    expect(notification(/The recording was NOT paused \(Twilio did not confirm the pause\)\. Do not take card details\./)).toBeInTheDocument();

    const paused = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z' })]);
    act(() => sync.setDocument(DOCUMENT, documentOf(paused)));
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);
    expect(screen.getByRole('list', { name: 'Paused intervals' })).toHaveTextContent('Card number');
    expect(api.requests).toEqual([]);
  });

  it('keeps what status said while the document has no confirmed recording state yet (made when the task was accepted)', async () => {
    api.state = callStatus([], { recording: 'absent', recordings: [] });
    sync.setDocument(DOCUMENT, documentOf(callStatus(), { recording: 'unknown', recordings: [] }));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    // The conference's start usually writes the state within moments: only then is the server asked.
    expect(api.requests).toEqual([]);
    await pass(FIRST_STATE_GRACE_MS);
    await settle();
    expect(api.requests.map((request) => request.verb)).toEqual(['status']);
    expect(indicatorText()).toHaveTextContent(/^Not recording$/);
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus())));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
  });

  it('asks nothing when the document learns the state moments after acceptance (the conference started)', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus(), { recording: 'unknown', recordings: [] }));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    await pass(FIRST_STATE_GRACE_MS / 2);
    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus())));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    await pass(MINUTE);
    expect(api.requests).toEqual([]);
  });

  it('is watched once however many components show it', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    function AlsoWatching() {
      useCall({ taskSid: voiceTask().taskSid, callSid: CALL_SID });
      return null;
    }
    renderInFlex(
      <>
        <RecordingIndicator />
        <RecordingControlButton />
        <AlsoWatching />
      </>,
      voiceTask(),
    );
    await settle();
    await pass(MINUTE);
    expect(api.requests).toEqual([]);
    expect(sync.subscriptions(DOCUMENT)).toBe(1);
  });

  it('lets go of the document when the call leaves the screen', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    const { unmount } = renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(sync.subscriptions(DOCUMENT)).toBe(1);
    unmount();
    expect(sync.subscriptions(DOCUMENT)).toBe(0);
    await pass(MINUTE);
    expect(api.requests).toEqual([]);
  });
});

describe('auto-resume at resumeAt', () => {
  const resumeAt = '2030-01-01T10:00:05.000Z';

  it('asks once, within a second of resumeAt, and shows the resume', async () => {
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt })]);
    // The server closes the due hold when asked after resumeAt (and rewrites the document).
    api.on.status = () => {
      if (Date.now() >= Date.parse(resumeAt)) {
        api.state = callStatus();
        sync.setDocument(DOCUMENT, documentOf(api.state));
      }
      return { status: 200, body: api.state };
    };
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent('Paused — Card number — resumes in 0:05');

    await pass(Date.parse(resumeAt) - Date.now() - 50);
    expect(api.count('status')).toBe(0);
    await pass(SECOND);
    expect(api.count('status')).toBe(1);
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    // Said plainly: the pause ended by itself, the agent may still be in the field.
    expect(notification('The pause for Card number ran out: the call is being recorded again. Do not take card details now.')).toBeInTheDocument();

    await pass(MINUTE);
    expect(api.count('status')).toBe(1);
  });

  it('asks at most once for an expiry, even if the answer still shows the hold open', async () => {
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt })]);
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    await pass(MINUTE);
    expect(api.count('status')).toBe(1);
  });

  it('asks nothing when a hold runs out while another stays open: the recording does not resume then', async () => {
    api.state = callStatus([
      desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt }),
      { ...desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt: null }), id: 'cvv' },
    ]);
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    await pass(MINUTE);
    expect(api.count('status')).toBe(0);
  });

  it("keeps showing the pushed state when that request fails; the sweep's write brings the resume", async () => {
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt })]);
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    api.on.status = () => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } });

    await pass(Date.parse(resumeAt) - Date.now() + SECOND);
    expect(api.count('status')).toBe(1);
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number/);

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus())));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
  });

  it('asks nothing when the document already shows the hold closed (the sweep got there first)', async () => {
    api.state = callStatus([desktopHold({ openedAt: '2030-01-01T10:00:00.000Z', resumeAt })]);
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();

    await pass(Date.parse(resumeAt) - Date.now());
    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus())));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    await pass(MINUTE);
    expect(api.count('status')).toBe(0);
  });
});

describe('when the document cannot be followed', () => {
  /** Requests sent so far, by the simulated second they were sent at. */
  const sentAt: number[] = [];
  const start = Date.parse('2030-01-01T10:00:00Z');
  beforeEach(() => {
    sentAt.length = 0;
    api.on.status = () => {
      sentAt.push(Math.round((Date.now() - start) / SECOND));
      return { status: 200, body: api.state };
    };
  });

  it('polls every 15 s or more while the document does not exist, and stops once it can be followed', async () => {
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    expect(sentAt).toEqual([0]);

    await pass(14.9 * SECOND);
    expect(sentAt).toEqual([0]);
    await pass(8 * SECOND); // 15 s jittered by at most half again
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]).toBeGreaterThanOrEqual(15);

    // The functions write the document (the call's first change); the plugin keeps trying to open it.
    api.state = callStatus([desktopHold()]);
    sync.setDocument(DOCUMENT, documentOf(api.state));
    await pass(MINUTE);
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);

    const polls = sentAt.length;
    await pass(5 * MINUTE);
    expect(sentAt).toHaveLength(polls);
    // Never closer together than 15 s.
    sentAt.slice(1).forEach((at, index) => expect(at - sentAt[index]).toBeGreaterThanOrEqual(15));
  });

  it('polls slowly when Sync refuses the document, and follows it once it is allowed', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    sync.forbidden.add(DOCUMENT);
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    await pass(2 * MINUTE);
    // Back off: 15–22.5 s, then 30–45 s, then 60–90 s between polls.
    expect(sentAt.length).toBeGreaterThanOrEqual(3);
    expect(sentAt.length).toBeLessThanOrEqual(5);

    sync.forbidden.delete(DOCUMENT);
    await pass(2 * MINUTE);
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);
    const polls = sentAt.length;
    await pass(5 * MINUTE);
    expect(sentAt).toHaveLength(polls);
  });

  it('falls back to polling when the connection is lost, and follows again once it is back', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(sync.subscriptions(DOCUMENT)).toBe(1);

    act(() => sync.setConnectionState('connecting'));
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(false);
    await pass(14 * SECOND);
    expect(sentAt).toEqual([]); // the document said the state: no first status
    api.state = callStatus([desktopHold()]); // a change while Sync is away
    await pass(9 * SECOND);
    expect(sentAt).toHaveLength(1);
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);

    sync.documents.set(DOCUMENT, documentOf(api.state));
    act(() => sync.setConnectionState('connected'));
    await settle();
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);
    expect(sync.subscriptions(DOCUMENT)).toBe(1);
    await pass(5 * MINUTE);
    expect(sentAt).toHaveLength(1);

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus())));
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
  });

  it('falls back when the subscription fails or the document is removed, and subscribes again', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();

    act(() => sync.breakSubscription(DOCUMENT));
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(false);
    await pass(4 * SECOND); // subscribing again costs a Sync read, not a Function
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);
    expect(sentAt).toEqual([]);

    act(() => sync.removeDocument(DOCUMENT));
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(false);
    await pass(MINUTE);
    expect(sentAt.length).toBeGreaterThanOrEqual(1);
    expect(sentAt.length).toBeLessThanOrEqual(2);
  });

  it('polls every 15 s or more where Flex has no Sync client, and shows "unknown" when the server stops answering', async () => {
    setRuntime(createPluginRuntime(manager)); // no insightsClient
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent(/^Recording$/);

    api.on.status = () => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } });
    await pass(14 * SECOND);
    expect(indicatorText()).toHaveTextContent(/^Recording$/);
    await pass(9 * SECOND);
    expect(indicatorText()).toHaveTextContent('Recording state unknown — checking…');
  });
});

describe("the plugin's own Sync client, on the product's service", () => {
  it("follows the call with a token the functions gave for the user, never through Flex's own client", async () => {
    api.state = callStatus([desktopHold()]);
    sync.setDocument(DOCUMENT, documentOf(api.state));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);
    expect(api.syncTokens).toEqual(['sync-token-1']);
    // Flex's own client was given no token and opened nothing; the plugin's client has the functions' token.
    expect(sync.client.token).toBeUndefined();
    expect(sync.tokens).toEqual(['sync-token-1']);
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);
  });

  it('renews its token before it runs out and goes on following, with no poll', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    await pass(55 * MINUTE);
    act(() => sync.tokenAboutToExpire());
    await settle();
    expect(api.syncTokens).toEqual(['sync-token-1', 'sync-token-2']);
    expect(sync.tokens).toEqual(['sync-token-1', 'sync-token-2']);
    expect(api.requests).toEqual([]);

    act(() => sync.setDocument(DOCUMENT, documentOf(callStatus([desktopHold()]))));
    expect(indicatorText()).toHaveTextContent(/^Paused — Card number$/);
  });

  it('polls while no Sync token can be had, says so in the call canvas once it lasts, and follows once one can', async () => {
    sync.setDocument(DOCUMENT, documentOf(callStatus()));
    api.on['sync-token'] = () => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } });
    renderInFlex(<RecordingIndicator />, voiceTask());
    await settle();
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(false);
    expect(screen.queryByTestId('recording-indicator-automation-off')).not.toBeInTheDocument(); // moments are not an outage
    await pass(30 * SECOND); // the first poll comes 15 s after, stretched by up to half again at random
    expect(api.count('status')).toBeGreaterThanOrEqual(2); // the fallback
    expect(screen.getByTestId('recording-indicator-automation-off')).toHaveTextContent(
      'Card fields may not pause the recording by themselves: Twilio Sync cannot be reached (the state shown may be late). Pause by hand before taking card details.',
    );

    delete api.on['sync-token'];
    await pass(MINUTE);
    expect(getRuntime().live.isFollowing({ taskSid: voiceTask().taskSid })).toBe(true);
    expect(screen.queryByTestId('recording-indicator-automation-off')).not.toBeInTheDocument();
    expect(sync.tokens).toEqual(['sync-token-1']);
    const polled = api.count('status');
    await pass(5 * MINUTE);
    expect(api.count('status')).toBe(polled);
  });
});
