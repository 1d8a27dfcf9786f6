/**
 * The redaction timeline: each pause interval as offsets in seconds from a recording's start —
 * what a screen recording must be redacted to match. Pure: intervals and starts in, offsets out.
 */
import type { HoldSource, PauseInterval } from './holds';

export interface TimelineRecording {
  sid: string;
  startedAt: string;
}

export interface TimelinePause {
  from: number;
  /** null while the pause is still open */
  to: number | null;
  holdIds: string[];
  sources: HoldSource[];
}

export interface RecordingTimeline {
  sid: string;
  startedAt: string;
  pauses: TimelinePause[];
}

const seconds = (at: string, start: number): number => Math.round((Date.parse(at) - start) / 10) / 100;

/** Intervals that ended before a recording started do not concern it; one that began earlier starts at 0. */
export function redactionTimeline(recordings: TimelineRecording[], intervals: PauseInterval[]): RecordingTimeline[] {
  return recordings.map((recording) => {
    const start = Date.parse(recording.startedAt);
    const pauses = intervals
      .filter((interval) => interval.to === null || Date.parse(interval.to) > start)
      .map((interval) => ({
        from: Math.max(0, seconds(interval.from, start)),
        to: interval.to === null ? null : seconds(interval.to, start),
        holdIds: interval.holdIds,
        sources: interval.sources,
      }));
    return { sid: recording.sid, startedAt: recording.startedAt, pauses };
  });
}
