/**
 * The pause/resume button in the call canvas actions (next to hold and mute). Disabled while
 * the call is not live, not recorded or its state is unknown, and — saying why — while the call's
 * queue allows no pause by hand; busy while a request is in flight.
 */
import * as React from 'react';
import { Actions, IconButton, withTaskContext } from '@twilio/flex-ui';
import { RecordingActions } from '../actions/recordingActions';
import { isLiveVoiceTask, refOf } from '../flex/calls';
import { pauseAllowed } from '../core/pausePolicy';
import { hasOwnHold } from '../flex/describe';
import { getRuntime } from '../flex/runtime';
import type { TaskLike } from '../flex/types';
import { useCall } from './hooks';

const ResumeIcon = (
  <svg width="1em" height="1em" viewBox="0 0 12 16" aria-hidden="true">
    <path fill="currentColor" d="M1 0.8v14.4a.8.8 0 0 0 1.2.7l9.4-7.2a.8.8 0 0 0 0-1.3L2.2.1A.8.8 0 0 0 1 .8z" />
  </svg>
);

export function RecordingControlButtonView({ task }: { task?: TaskLike }) {
  const runtime = getRuntime();
  const live = isLiveVoiceTask(task);
  const entry = useCall(runtime.configured && live && task ? refOf(task) : undefined, { notify: true });
  const status = entry?.status;
  const mine = hasOwnHold(status?.holds, runtime.identity());
  const busy = !!entry?.pending;
  // A hold of the agent's own can always be ended; a new one only where the queue's policy allows it.
  const refused = !mine && !!status?.pausePolicy && !pauseAllowed(status.pausePolicy, 'manual');
  const usable = runtime.configured && live && !!status && status.recording !== 'absent' && !entry?.error && !refused;

  const label = busy
    ? runtime.t(
        entry?.pending === 'pause' ? 'RecordingControlsPausing' : entry?.pending === 'resume' ? 'RecordingControlsResuming' : 'RecordingControlsWorking',
      )
    : refused
      ? runtime.t(status?.pausePolicy === 'never' ? 'RecordingControlsPauseOffNever' : 'RecordingControlsPauseOffDesktopOnly')
      : runtime.t(mine ? 'RecordingControlsResume' : 'RecordingControlsPause');

  const onClick = () => {
    // Flex's IconButton only sets aria-disabled, so guard the click ourselves.
    if (!usable || busy || !task) return;
    Actions.invokeAction(mine ? RecordingActions.resume : RecordingActions.pause, { task }).catch(() => undefined);
  };

  return (
    <IconButton
      icon={mine ? ResumeIcon : 'Pause'}
      title={label}
      aria-label={label}
      aria-busy={busy}
      aria-pressed={mine}
      disabled={!usable || busy}
      variant="secondary"
      onClick={onClick}
      data-testid="recording-control-button"
    />
  );
}

export const RecordingControlButton = withTaskContext(RecordingControlButtonView);

export function addRecordingControlButton(flex: typeof import('@twilio/flex-ui')): void {
  flex.CallCanvasActions.Content.add(<RecordingControlButton key="recording-controls-button" />);
}
