/**
 * The call drawn over time: one lane for the pause intervals the functions keep (what holds the
 * recording paused), and one lane per recording as Twilio (the stand-in) reports its status.
 * The two must line up: that is the product's promise.
 */
import * as React from 'react';
import { holdName } from '../../flex/describe';
import type { PauseInterval } from '../../flex/types';
import type { RecordingReport } from './demoApi';

export interface CallTimelineProps {
  startedAt: number;
  endedAt: number | null;
  now: number;
  intervals: PauseInterval[];
  recordings: Array<RecordingReport & { kind?: string }>;
  labels: Record<string, string>;
}

/** Short calls are drawn on at least this span, so the bar fills up as the call goes on. */
const MIN_SPAN_MS = 30_000;
const TICK_STEPS_S = [5, 10, 15, 30, 60, 120, 300, 600, 1800];

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

const statusClass = (status: string) => (status === 'in-progress' ? 'on' : status === 'paused' ? 'paused' : 'off');

export function CallTimeline({ startedAt, endedAt, now, intervals, recordings, labels }: CallTimelineProps) {
  const end = endedAt ?? now;
  const span = Math.max(MIN_SPAN_MS, end - startedAt);
  const x = (time: number) => `${(Math.min(Math.max(time - startedAt, 0), span) / span) * 100}%`;
  const width = (from: number, to: number) => `${(Math.max(0, Math.min(to, startedAt + span) - Math.max(from, startedAt)) / span) * 100}%`;
  const step = TICK_STEPS_S.find((seconds) => span / 1000 / seconds <= 6) ?? 3600;
  const ticks = Array.from({ length: Math.floor(span / 1000 / step) + 1 }, (_, index) => index * step);

  return (
    <div className="timeline" data-testid="call-timeline">
      <div className="lane">
        <div className="lane-name">Pauses (holds)</div>
        <div className="lane-track">
          {intervals.map((interval) => {
            const from = Date.parse(interval.from);
            const to = interval.to === null ? end : Date.parse(interval.to);
            const names = interval.holdIds.map((id) => holdName(id, labels)).join(' + ');
            return (
              <div
                key={interval.from}
                className="segment hold"
                style={{ left: x(from), width: width(from, to) }}
                title={`${names}: ${clock((from - startedAt) / 1000)}–${clock((to - startedAt) / 1000)}`}
              >
                <span>{names}</span>
              </div>
            );
          })}
        </div>
      </div>
      {recordings.map((recording) => (
        <div className="lane" key={recording.sid}>
          <div className="lane-name">
            {recording.kind === 'conference' ? 'Conference recording' : recording.kind === 'call' ? 'Call recording' : 'Recording'}
            <small>{recording.sid.slice(0, 10)}…</small>
          </div>
          <div className="lane-track">
            {recording.history.map((entry, index) => {
              const from = Date.parse(entry.at);
              const next = recording.history[index + 1];
              const to = next ? Date.parse(next.at) : end;
              if (statusClass(entry.status) === 'off') return null;
              return (
                <div
                  key={entry.at + entry.status}
                  className={`segment ${statusClass(entry.status)}`}
                  style={{ left: x(from), width: width(from, to) }}
                  title={entry.status}
                />
              );
            })}
          </div>
        </div>
      ))}
      <div className="lane axis">
        <div className="lane-name" />
        <div className="lane-track">
          {ticks.map((seconds) => (
            <span key={seconds} className="tick" style={{ left: `${((seconds * 1000) / span) * 100}%` }}>
              {clock(seconds)}
            </span>
          ))}
          {!endedAt && <span className="now" style={{ left: x(now) }} />}
        </div>
      </div>
      <div className="legend">
        <span>
          <i className="swatch on" /> recording
        </span>
        <span>
          <i className="swatch paused" /> paused
        </span>
        <span>
          <i className="swatch hold" /> hold open (a card field, or a manual pause)
        </span>
      </div>
    </div>
  );
}
