import * as React from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { RecordingControlButton } from '../../src/components/RecordingControlButton';
import { RecordingIndicator } from '../../src/components/RecordingIndicator';
import { setRuntime } from '../../src/flex/runtime';
import { createPluginRuntime } from '../../src/flex/pluginRuntime';
import { callStatus, deferred, fakeApi, fakeManager, manualHold, renderInFlex, voiceTask, usePluginInFlex } from './support';

const api = fakeApi();
const manager = fakeManager({ identity: 'alice' });

usePluginInFlex(api, manager);

const button = () => screen.getByTestId('recording-control-button');

/** The server's behaviour for pause/resume: open or close alice's hold and answer the new state. */
function serverPausesAndResumes() {
  api.on.pause = () => {
    api.state = callStatus([manualHold('alice')]);
    return { status: 200, body: api.state };
  };
  api.on.resume = () => {
    api.state = callStatus();
    return { status: 200, body: api.state };
  };
}

describe('pause/resume control', () => {
  it('is disabled for a call that is not live, and clicking it sends nothing', async () => {
    renderInFlex(<RecordingControlButton />, voiceTask({ status: 'wrapping', taskStatus: 'wrapping' }));
    expect(button()).toHaveAttribute('aria-disabled', 'true');
    fireEvent.click(button());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.requests).toHaveLength(0);
  });

  it('is disabled while the call has no recording', async () => {
    api.state = callStatus([], { recording: 'absent', recordings: [] });
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(api.count('status')).toBe(1));
    await waitFor(() => expect(button()).toHaveAttribute('aria-disabled', 'true'));
    fireEvent.click(button());
    expect(api.count('pause')).toBe(0);
  });

  it('is disabled until the server has told the state', async () => {
    const answer = deferred();
    api.on.status = async () => {
      await answer.promise;
      return { status: 200, body: api.state };
    };
    renderInFlex(<RecordingControlButton />, voiceTask());
    expect(button()).toHaveAttribute('aria-disabled', 'true');
    answer.resolve();
    await waitFor(() => expect(button()).toHaveAttribute('aria-disabled', 'false'));
    expect(button()).toHaveAccessibleName('Pause recording');
  });

  it('is disabled, saying why, on a queue whose calls must be recorded in full', async () => {
    api.state = callStatus([], { pausePolicy: 'never' });
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(button()).toHaveAccessibleName("Pause recording is off: this queue's calls must be recorded in full"));
    expect(button()).toHaveAttribute('aria-disabled', 'true');
    expect(button()).toHaveAttribute('title', "Pause recording is off: this queue's calls must be recorded in full");
    fireEvent.click(button());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.count('pause')).toBe(0);
  });

  it('on a queue where only card fields pause, ends a pause of the agent’s own, then is disabled saying why', async () => {
    serverPausesAndResumes();
    api.state = callStatus([manualHold('alice')], { pausePolicy: 'desktop-events-only' });
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(button()).toHaveAccessibleName('Resume recording'));
    expect(button()).toHaveAttribute('aria-disabled', 'false');
    fireEvent.click(button());
    // The resume's answer does not name the policy: the one the status gave still holds.
    await waitFor(() => expect(button()).toHaveAccessibleName('Pause recording is off on this queue: its card fields pause the recording by themselves'));
    expect(button()).toHaveAttribute('aria-disabled', 'true');
    expect(api.count('resume')).toBe(1);
  });

  it('is busy while the pause is in flight, then offers to resume', async () => {
    serverPausesAndResumes();
    const release = deferred();
    api.on.pause = async () => {
      await release.promise;
      api.state = callStatus([manualHold('alice')]);
      return { status: 200, body: api.state };
    };
    renderInFlex(
      <>
        <RecordingIndicator />
        <RecordingControlButton />
      </>,
      voiceTask(),
    );
    await waitFor(() => expect(button()).toHaveAccessibleName('Pause recording'));
    expect(button()).toHaveAttribute('aria-disabled', 'false');

    fireEvent.click(button());
    await waitFor(() => expect(button()).toHaveAccessibleName('Pausing recording…'));
    expect(button()).toHaveAttribute('aria-busy', 'true');
    expect(button()).toHaveAttribute('aria-disabled', 'true');
    fireEvent.click(button()); // a second click while busy does nothing
    expect(api.count('pause')).toBe(1);
    expect(api.last('pause')?.fields).toMatchObject({ Token: 'flex-token-alice', taskSid: voiceTask().taskSid });

    release.resolve();
    await waitFor(() => expect(button()).toHaveAccessibleName('Resume recording'));
    expect(button()).toHaveAttribute('aria-busy', 'false');
    expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Paused by you$/);
    expect(screen.getByText('Recording paused. You may take the card details.')).toBeInTheDocument();

    fireEvent.click(button());
    await waitFor(() => expect(button()).toHaveAccessibleName('Pause recording'));
    expect(api.count('resume')).toBe(1);
    expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Recording$/);
    expect(screen.getByText('Recording resumed.')).toBeInTheDocument();
  });
});

describe('failure to pause', () => {
  it('a queue that must be recorded in full says so, in the agent’s words', async () => {
    api.on.pause = () => ({ status: 403, body: { error: { code: 'pause_not_allowed', message: "this call's queue must be recorded in full" } } });
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(button()).toHaveAttribute('aria-disabled', 'false'));
    fireEvent.click(button());
    expect(
      await screen.findByText(
        "The recording was NOT paused (this queue's calls must be recorded in full). Do not take card details. Try again or ask your supervisor.",
      ),
    ).toBeInTheDocument();
  });

  it('shows a blocking notification that stays until the agent acknowledges it', async () => {
    api.on.pause = () => ({ status: 502, body: { error: { code: 'recording_update_failed', message: 'Twilio did not confirm the pause' } } });
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(button()).toHaveAttribute('aria-disabled', 'false'));

    fireEvent.click(button());
    const warning = await screen.findByText(
      'The recording was NOT paused (Twilio did not confirm the pause). Do not take card details. Try again or ask your supervisor.',
    );
    // The control shows the truth again: still recording, so "Pause" is offered once more.
    await waitFor(() => expect(button()).toHaveAccessibleName('Pause recording'));

    // Ordinary notifications go after a few seconds; this one does not.
    jest.useFakeTimers();
    act(() => {
      Flex.Notifications.showNotification('RecordingControlsResumed');
    });
    expect(screen.getByText('Recording resumed.')).toBeInTheDocument();
    act(() => {
      jest.advanceTimersByTime(10 * 60 * 1000);
    });
    expect(screen.queryByText('Recording resumed.')).not.toBeInTheDocument();
    expect(warning).toBeInTheDocument();
    jest.useRealTimers();

    // An alert, acknowledged only by "I understand": no × to close it in passing.
    expect(screen.getByRole('alert')).toHaveTextContent(/The recording was NOT paused/);
    expect(warning.closest('[role="alert"]')).not.toBeNull();
    expect(screen.queryByRole('button', { name: 'Close notification' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /I understand/ }));
    await waitFor(() => expect(warning).not.toBeInTheDocument());
  });

  it('gives way to the confirmed pause of a retry: one notice at a time, the current one', async () => {
    let twilioAnswers = false;
    api.on.pause = () => {
      if (!twilioAnswers) return { status: 502, body: { error: { code: 'recording_update_failed', message: 'Twilio did not confirm the pause' } } };
      api.state = callStatus([manualHold('alice')]);
      return { status: 200, body: api.state };
    };
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(button()).toHaveAttribute('aria-disabled', 'false'));

    fireEvent.click(button());
    const warning = await screen.findByText(/The recording was NOT paused/);
    await waitFor(() => expect(button()).toHaveAccessibleName('Pause recording'));
    fireEvent.click(button());
    await waitFor(() => expect(button()).toHaveAccessibleName('Pause recording'));
    // A second failure replaces the first rather than stacking on it.
    expect(screen.getAllByText(/The recording was NOT paused/)).toHaveLength(1);

    twilioAnswers = true;
    fireEvent.click(button());
    expect(await screen.findByText('Recording paused. You may take the card details.')).toBeInTheDocument();
    expect(warning).not.toBeInTheDocument();
    expect(screen.queryByText(/The recording was NOT paused/)).not.toBeInTheDocument();
  });

  it('is also shown when the server answers but the recording is still running', async () => {
    api.on.pause = () => ({ status: 200, body: callStatus() });
    renderInFlex(<RecordingControlButton />, voiceTask());
    await waitFor(() => expect(button()).toHaveAttribute('aria-disabled', 'false'));
    fireEvent.click(button());
    expect(await screen.findByText(/The recording was NOT paused/)).toBeInTheDocument();
  });

  it('is shown when the plugin is misconfigured, instead of pretending to pause', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = fakeManager({ config: { serverlessBaseUrl: 'not a url', pauseBehavior: 'mute' } });
    setRuntime(createPluginRuntime(broken));
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('serverlessBaseUrl must be the http(s) URL'));
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('pauseBehavior must be "skip" or "silence"'));
    errors.mockRestore();

    renderInFlex(
      <>
        <RecordingIndicator />
        <RecordingControlButton />
      </>,
      voiceTask(),
    );
    expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent('Recording controls unavailable (configuration error)');
    expect(button()).toHaveAttribute('aria-disabled', 'true');
    await expect(Flex.Actions.invokeAction('PauseRecording', { task: voiceTask() })).rejects.toThrow('configuration error');
    expect(await screen.findByText(/The recording was NOT paused/)).toBeInTheDocument();
    expect(api.count('pause')).toBe(0);
  });
});
