/** A small bar of the call so far with its paused stretches, and the same as a list for reading. */
import * as React from 'react';
import { minutesSeconds } from '../core/holds';
import { intervalLabel, type Translate } from '../flex/describe';
import type { PauseInterval } from '../flex/types';
import { formatSeconds } from '../flex/wording';

export interface PauseTimelineProps {
  intervals: PauseInterval[];
  /** Start of the bar: the task's creation, else the first pause. */
  startedAt?: number;
  now: number;
  labels: Record<string, string>;
  t: Translate;
  /** How numbers are written (the Flex user's locale). */
  localeTag?: string;
}

const clock = (time: number) => new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

const duration = (ms: number) => minutesSeconds(Math.max(0, Math.round(ms / 1000)));

/** Below a tenth of a second, the exposure reads as such rather than "0.0 s". */
const AT_ONCE_MS = 100;

/** How long the audio ran on after the agent's action (docs/compliance.md). */
export const exposureText = (exposureMs: number, t: Translate, localeTag: string | undefined): string =>
  exposureMs < AT_ONCE_MS
    ? t('RecordingControlsExposureWithin', { seconds: formatSeconds(AT_ONCE_MS, localeTag) })
    : t('RecordingControlsExposure', { seconds: formatSeconds(exposureMs, localeTag) });

/** The list shows the newest few; the bar always shows them all. */
export const NEWEST_SHOWN = 3;

export function PauseTimeline({ intervals, startedAt, now, labels, t, localeTag }: PauseTimelineProps) {
  const [all, setAll] = React.useState(false);
  if (intervals.length === 0) return null;
  const listed = all ? intervals : intervals.slice(-NEWEST_SHOWN);
  const start = Math.min(startedAt ?? Infinity, ...intervals.map((interval) => Date.parse(interval.from)));
  const span = Math.max(1, now - start);
  const title = t('RecordingControlsTimeline');

  return (
    <div style={{ marginTop: 6, fontSize: 12 }}>
      <div aria-hidden="true" style={{ position: 'relative', height: 6, borderRadius: 3, background: '#d6f5e3', overflow: 'hidden' }}>
        {intervals.map((interval) => {
          const from = Date.parse(interval.from);
          const to = interval.to === null ? now : Date.parse(interval.to);
          return (
            <span
              key={interval.from}
              style={{
                position: 'absolute',
                top: 0,
                bottom: 0,
                left: `${((from - start) / span) * 100}%`,
                width: `${Math.max(1, ((to - from) / span) * 100)}%`,
                background: '#f2a900',
              }}
            />
          );
        })}
      </div>
      <ol aria-label={title} start={intervals.length - listed.length + 1} style={{ margin: '4px 0 0', paddingLeft: 18 }}>
        {listed.map((interval) => {
          const from = Date.parse(interval.from);
          const to = interval.to === null ? now : Date.parse(interval.to);
          return (
            <li key={interval.from}>
              {clock(from)}–{interval.to === null ? t('RecordingControlsIntervalOpen') : clock(to)} ({duration(to - from)}) {intervalLabel(interval, labels)}
              {interval.exposureMs !== undefined && ` · ${exposureText(interval.exposureMs, t, localeTag)}`}
            </li>
          );
        })}
      </ol>
      {intervals.length > NEWEST_SHOWN && (
        <button
          type="button"
          onClick={() => setAll(!all)}
          style={{ marginTop: 2, padding: 0, border: 0, background: 'none', color: '#0263e0', cursor: 'pointer', fontSize: 12 }}
        >
          {all ? t('RecordingControlsTimelineNewest') : t('RecordingControlsTimelineAll', { count: intervals.length })}
        </button>
      )}
    </div>
  );
}
