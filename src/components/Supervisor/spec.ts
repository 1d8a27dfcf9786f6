/**
 * supervisor.js as the plugin finds it (src/flex/viewBundle.ts): how the Recording Controls view
 * looks (Paste), given what it shows. What the rows say and what their buttons do stay in the plugin
 * (src/components/SupervisorView.tsx), which follows the live calls; the bundle only draws them.
 */
import type * as React from 'react';
import type { Tone } from '../../flex/describe';
import type { ViewBundleSpec } from '../../flex/viewBundle';

export const SUPERVISOR_BUNDLE: ViewBundleSpec = { file: 'supervisor.js', global: 'RecordingControlsSupervisor', version: 1 };

export interface RowAction {
  /** What the button says. */
  label: string;
  /** Its accessible name: the action and the call it acts on (every row has the same buttons). */
  name: string;
  enabled: boolean;
  destructive?: boolean;
  /** Asked first, in a dialog: the action happens only once confirmed. */
  confirm?: {
    heading: string;
    body: string;
    /** The call's SID, shown apart (it has no place to break). */
    call: string;
    confirmLabel: string;
    cancelLabel: string;
  };
  run(): void;
}

export interface CallRowModel {
  testId: string;
  agent: string;
  callName: string;
  from?: string;
  state: { tone: Tone; text: string };
  /** Twilio has not confirmed the last change. */
  outOfSync?: string;
  alerts: Array<{ id: string; text: string; severity: 'error' | 'warning' }>;
  /** Who or what holds the pause, and since when (with its countdown). */
  holds: Array<{ id: string; name: string; detail: string }>;
  actions: RowAction[];
}

export interface SupervisorPageProps {
  title: string;
  intro: string;
  /** Lines about the whole list (calls needing attention, the live list unavailable). */
  notes: Array<{ testId: string; text: string; severity: 'error' | 'warning' }>;
  watch: { label: string; button: string; value: string; pattern: string; onChange(value: string): void; onSubmit(): void };
  columns: { agent: string; call: string; state: string; holds: string; actions: string };
  /** Said instead of the table when there is no row. */
  empty?: string;
  /** The rows: each a `CallRow`, rendered by the plugin's components (they follow their call). */
  children?: React.ReactNode;
}

export interface SupervisorBundle {
  version: number;
  SupervisorPage: React.ComponentType<SupervisorPageProps>;
  CallRow: React.ComponentType<{ row: CallRowModel }>;
}
