/**
 * The recording indicator at the top of the call canvas: what the server last confirmed
 * ("Recording", "Paused — Card number — resumes in 0:42", "Paused by you"), the paused
 * intervals of the call, and the less frequent controls (start, stop, tags).
 */
import * as React from 'react';
import { useState } from 'react';
import { Actions, Button, withTaskContext } from '@twilio/flex-ui';
import { RecordingActions } from '../actions/recordingActions';
import { isLiveVoiceTask, refOf } from '../flex/calls';
import { describe, plain, resumesSoon, type Tone } from '../flex/describe';
import { notify } from '../flex/notifications';
import { getRuntime } from '../flex/runtime';
import { userLocaleTag } from '../flex/strings';
import type { TaskLike } from '../flex/types';
import { useAutomationProblems, useCall, useNow } from './hooks';
import { PauseTimeline } from './PauseTimeline';
import { TagsDialog } from './TagsDialog';

export const toneColors: Record<Tone, string> = {
  recording: '#14b053',
  paused: '#f2a900',
  absent: '#8891aa',
  unknown: '#8891aa',
  error: '#d61f1f',
};

/** A short tone each time `on` becomes true (the warning begins); silent where the browser has no Web Audio. */
function useToneWhen(on: boolean): void {
  React.useEffect(() => {
    if (!on) return;
    const Context =
      typeof window !== 'undefined' ? (window.AudioContext ?? (window as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext) : undefined;
    if (!Context) return;
    try {
      const audio = new Context();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.value = 0.2;
      tone.connect(volume).connect(audio.destination);
      tone.onended = () => void audio.close();
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch {
      // A browser that will not play (no user gesture yet) shows the warning all the same.
    }
  }, [on]);
}

/** Read by screen readers, not drawn. */
const visuallyHidden: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

export function RecordingIndicatorView({ task }: { task?: TaskLike }) {
  const runtime = getRuntime();
  const live = isLiveVoiceTask(task);
  const entry = useCall(runtime.configured && live && task ? refOf(task) : undefined, { notify: true });
  const [tagsOpen, setTagsOpen] = useState(false);
  const context = { t: runtime.t, identity: runtime.identity(), labels: runtime.config.indicator.labels };
  // Tick every second only while a countdown or an open pause interval is on screen.
  const ticking = !!entry?.status?.holds.length;
  const now = useNow(ticking);
  // "Recording paused. You may take the card details." must not outlive the call it was about.
  const watched = runtime.configured && live;
  React.useEffect(() => (watched ? () => notify.callLeft() : undefined), [watched]);

  const description = runtime.configured ? describe(entry, { ...context, now }) : plain('error', runtime.t('RecordingControlsUnavailable'));
  const warning = live && resumesSoon(description, now);
  const automationOff = useAutomationProblems();
  useToneWhen(warning && runtime.config.indicator.warningSound);
  // "You may take the card details" never stays beside the warning to stop (before the screen is drawn).
  React.useLayoutEffect(() => {
    if (warning) notify.resumesSoon();
  }, [warning]);

  if (!live || !task) return null;
  const status = entry?.status;
  const busy = !!entry?.pending;
  const canStop = runtime.config.agentsMayStop || runtime.isSupervisor();
  const run = (action: string) => () => {
    Actions.invokeAction(action, { task }).catch(() => undefined);
  };

  return (
    <div data-testid="recording-indicator" style={{ padding: '8px 12px', fontSize: 13 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, fontWeight: 600 }}>
        <span aria-hidden="true" style={{ width: 10, height: 10, borderRadius: '50%', background: toneColors[description.tone] }} />
        <span data-testid="recording-indicator-text">{description.text}</span>
      </div>
      {automationOff.length > 0 && (
        // For as long as it lasts: the agent must pause by hand.
        <div
          role="alert"
          data-testid="recording-indicator-automation-off"
          style={{ marginTop: 4, padding: '4px 8px', borderRadius: 4, background: '#fff4d6', color: '#6b4e00', fontWeight: 600 }}
        >
          {runtime.t('RecordingControlsAutomationOff', { reasons: automationOff.map((problem) => runtime.t(problem)).join('; ') })}
        </div>
      )}
      {warning && (
        // Where the agent looks, before the recording resumes by itself; said once (the countdown is above).
        <div
          role="alert"
          data-testid="recording-indicator-warning"
          style={{ marginTop: 4, padding: '4px 8px', borderRadius: 4, background: '#d61f1f', color: '#fff', fontWeight: 600 }}
        >
          {runtime.t('RecordingControlsResumeWarning')}
        </div>
      )}
      {/* Announced when the state changes, not at every tick of the countdown. */}
      <span role="status" aria-live="polite" data-testid="recording-indicator-announcement" style={visuallyHidden}>
        {description.announcement}
      </span>

      {runtime.configured && status && (
        <div style={{ display: 'flex', gap: 8, marginTop: 6, flexWrap: 'wrap' }}>
          {status.recording === 'absent' && (
            <Button size="small" variant="secondary" disabled={busy} onClick={busy ? undefined : run(RecordingActions.start)}>
              {runtime.t('RecordingControlsStart')}
            </Button>
          )}
          {status.recording !== 'absent' && canStop && (
            <Button size="small" variant="destructive" disabled={busy} onClick={busy ? undefined : run(RecordingActions.stop)}>
              {runtime.t('RecordingControlsStop')}
            </Button>
          )}
          <Button size="small" variant="secondary" onClick={() => setTagsOpen(true)}>
            {runtime.t('RecordingControlsTags')}
          </Button>
        </div>
      )}

      {runtime.config.indicator.showTimeline && status && (
        <PauseTimeline
          intervals={status.intervals}
          startedAt={task.dateCreated ? new Date(task.dateCreated).getTime() : undefined}
          now={now}
          labels={context.labels}
          t={runtime.t}
          localeTag={userLocaleTag(runtime.manager)}
        />
      )}

      {tagsOpen && <TagsDialog task={task} onClose={() => setTagsOpen(false)} />}
    </div>
  );
}

export const RecordingIndicator = withTaskContext(RecordingIndicatorView);

export function addRecordingIndicator(flex: typeof import('@twilio/flex-ui')): void {
  flex.CallCanvas.Content.add(<RecordingIndicator key="recording-controls-indicator" />, { sortOrder: -1 });
}
