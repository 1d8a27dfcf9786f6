import * as React from 'react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { RecordingIndicator } from '../../src/components/RecordingIndicator';
import { registerToggleShortcut } from '../../src/flex/keyboard';
import { CALL_SID, TASK_SID, callStatus, fakeApi, fakeManager, manualHold, renderInFlex, voiceTask, usePluginInFlex } from './support';

const api = fakeApi();
const task = voiceTask();
// The agent has the call selected, as when they press the shortcut.
const manager = fakeManager({ identity: 'alice', tasks: [task], selectedTaskSid: task.sid });

usePluginInFlex(api, manager);

/** Listens to before/after events of an action for one test. */
function listen(action: string) {
  const before = jest.fn();
  const after = jest.fn();
  Flex.Actions.addListener(`before${action}`, before);
  Flex.Actions.addListener(`after${action}`, after);
  return {
    before,
    after,
    remove() {
      Flex.Actions.removeListener(`before${action}`, before);
      Flex.Actions.removeListener(`after${action}`, after);
    },
  };
}

function serverPausesAndResumes() {
  api.on.pause = () => {
    api.state = callStatus([manualHold('alice')]);
    return { status: 200, body: api.state };
  };
  api.on.resume = (fields) => {
    api.state = fields.force === 'true' ? callStatus() : callStatus(api.state.holds.filter((hold) => hold.by !== 'alice'));
    return { status: 200, body: api.state };
  };
}

describe('Flex actions', () => {
  it('PauseRecording is invokable by other plugins, runs its listeners and resolves with the confirmed state', async () => {
    serverPausesAndResumes();
    const listeners = listen('PauseRecording');
    const state = await Flex.Actions.invokeAction('PauseRecording', { task, reason: 'card details' });

    expect(api.last('pause')?.fields).toEqual({ Token: 'flex-token-alice', taskSid: TASK_SID, callSid: CALL_SID, reason: 'card details' });
    expect(listeners.before).toHaveBeenCalledWith(expect.objectContaining({ task, reason: 'card details' }), expect.any(Function));
    expect(listeners.after).toHaveBeenCalledWith(expect.objectContaining({ task, reason: 'card details' }));
    expect(state).toEqual(expect.objectContaining({ recording: 'paused' }));
    listeners.remove();
  });

  it('a before-listener can cancel the pause, and then nothing is sent', async () => {
    const cancel = (_payload: unknown, abort: () => void) => abort();
    Flex.Actions.addListener('beforePauseRecording', cancel);
    await Flex.Actions.invokeAction('PauseRecording', { task }).catch(() => undefined);
    Flex.Actions.removeListener('beforePauseRecording', cancel);
    expect(api.count('pause')).toBe(0);
  });

  it('ResumeRecording with force closes every hold (supervisors)', async () => {
    serverPausesAndResumes();
    api.state = callStatus([manualHold('bob'), manualHold('alice')]);
    const listeners = listen('ResumeRecording');
    renderInFlex(<div />);
    await Flex.Actions.invokeAction('ResumeRecording', { callSid: CALL_SID, force: true });
    expect(api.last('resume')?.fields).toEqual({ Token: 'flex-token-alice', callSid: CALL_SID, force: 'true' });
    expect(listeners.after).toHaveBeenCalled();
    expect(await screen.findByText('Recording resumed.')).toBeInTheDocument();
    listeners.remove();
  });

  it('ResumeRecording says so when other holds keep the call paused', async () => {
    serverPausesAndResumes();
    api.state = callStatus([manualHold('sam', { id: 'supervisor:sam' }), manualHold('alice')]);
    renderInFlex(<div />);
    await Flex.Actions.invokeAction('ResumeRecording', { task });
    expect(await screen.findByText('Your pause is released; the recording stays paused: Paused by supervisor')).toBeInTheDocument();
  });

  it('ToggleRecording pauses the selected call, then resumes it, through the Pause/Resume actions', async () => {
    serverPausesAndResumes();
    const pause = listen('PauseRecording');
    const resume = listen('ResumeRecording');

    await Flex.Actions.invokeAction('ToggleRecording');
    expect(api.count('pause')).toBe(1);
    expect(pause.after).toHaveBeenCalledTimes(1);

    await Flex.Actions.invokeAction('ToggleRecording');
    expect(api.count('resume')).toBe(1);
    expect(resume.after).toHaveBeenCalledTimes(1);
    expect(api.last('resume')?.fields).toMatchObject({ taskSid: TASK_SID });
    pause.remove();
    resume.remove();
  });

  it("StartRecording reports the server's refusal to the agent", async () => {
    api.on.start = () => ({ status: 409, body: { error: { code: 'already_recording', message: 'a recording is already active' } } });
    renderInFlex(<div />);
    await expect(Flex.Actions.invokeAction('StartRecording', { task })).rejects.toThrow('a recording is already active');
    expect(await screen.findByText('Start recording failed: a recording is already active')).toBeInTheDocument();
  });

  it('StopRecording reports when stopping is not allowed', async () => {
    api.on.stop = () => ({ status: 403, body: { error: { code: 'stop_not_allowed', message: 'stopping is not allowed' } } });
    renderInFlex(<div />);
    await expect(Flex.Actions.invokeAction('StopRecording', { task })).rejects.toThrow('stopping is not allowed');
    expect(await screen.findByText('Stop recording failed: stopping is not allowed')).toBeInTheDocument();
  });

  it('TagRecording sends tags and metadata, and refuses malformed ones without calling the server', async () => {
    api.on.tags = () => ({ status: 200, body: { ok: true } });
    await Flex.Actions.invokeAction('TagRecording', { task, tags: ['vip', 'refund'], metadata: { ticket: 'T-1' } });
    expect(api.last('tags')?.fields).toMatchObject({ taskSid: TASK_SID, tags: '["vip","refund"]', metadata: '{"ticket":"T-1"}' });

    await expect(Flex.Actions.invokeAction('TagRecording', { task, tags: 'vip' })).rejects.toThrow('tags must be strings');
    expect(api.count('tags')).toBe(1);
  });
});

describe('keyboard shortcut', () => {
  it("Ctrl+Shift+P is registered with Flex's shortcut manager and toggles the pause", async () => {
    serverPausesAndResumes();
    const shortcut = Flex.KeyboardShortcutManager.keyboardShortcuts.P;
    expect(shortcut.name).toBe('Toggle recording pause');
    shortcut.action();
    await waitFor(() => expect(api.count('pause')).toBe(1));
  });

  it('falls back to a keydown listener where Flex has no shortcut manager', async () => {
    serverPausesAndResumes();
    const remove = registerToggleShortcut(undefined, '9', 'Toggle recording pause', () => {
      Flex.Actions.invokeAction('ToggleRecording').catch(() => undefined);
    });
    fireEvent.keyDown(document, { key: '(', code: 'Digit9', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(api.count('pause')).toBe(1));
    remove();
    fireEvent.keyDown(document, { key: '(', code: 'Digit9', ctrlKey: true, shiftKey: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.count('pause')).toBe(1);
  });
});

describe('tags dialog', () => {
  it('saves tags and metadata for the call from the call canvas', async () => {
    api.on.tags = () => ({ status: 200, body: { ok: true } });
    renderInFlex(<RecordingIndicator />, task);
    fireEvent.click(await screen.findByRole('button', { name: 'Recording tags' }));

    const dialog = screen.getByRole('dialog', { name: 'Tag this recording' });
    fireEvent.change(screen.getByLabelText('Tags (comma-separated)'), { target: { value: 'vip, refund' } });
    fireEvent.change(screen.getByLabelText('Metadata (one key=value per line)'), { target: { value: 'ticket=T-1\nreason = billing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.last('tags')?.fields).toMatchObject({ tags: '["vip","refund"]', metadata: '{"ticket":"T-1","reason":"billing"}' });
  });

  it('points at a malformed metadata line and sends nothing', async () => {
    renderInFlex(<RecordingIndicator />, task);
    fireEvent.click(await screen.findByRole('button', { name: 'Recording tags' }));
    fireEvent.change(screen.getByLabelText('Metadata (one key=value per line)'), { target: { value: 'ticket=T-1\nno equals sign' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Line 2 is not key=value');
    expect(api.count('tags')).toBe(0);
  });
});
