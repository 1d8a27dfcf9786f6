/**
 * The plugin's Flex notifications. The failure to pause stays (no timeout) until the agent
 * acknowledges it: while it shows, the call is being recorded and card details must not be
 * taken.
 */
import * as React from 'react';
import { Button, Notifications, NotificationType, type Notification } from '@twilio/flex-ui';
import type { AutomationProblemCode } from '../core/automation';
import { minutesSeconds, RESUME_WARNING_MS, resumesAt, type Hold } from '../core/holds';
import { getRuntime, type Runtime } from './runtime';
import type { StringKey } from './strings';
import { watchSupervisorAlerts } from './supervisorAlerts';

export const NotificationIds = {
  paused: 'RecordingControlsPaused',
  resumed: 'RecordingControlsResumed',
  resumedByTime: 'RecordingControlsResumedByTime',
  stillPaused: 'RecordingControlsStillPaused',
  noRecording: 'RecordingControlsNoRecording',
  pauseFailed: 'RecordingControlsPauseFailed',
  actionFailed: 'RecordingControlsActionFailed',
} as const;

/** Supervisors' alerts on other agents' calls: apart from the notices of the user's own call. */
export const AlertNotificationIds = {
  pauseFailed: 'RecordingControlsAlertPauseFailed',
  pausedLong: 'RecordingControlsAlertPausedLong',
  automationOff: 'RecordingControlsAlertAutomationOff',
} as const;

/** Renders a plugin string with the notification's context (Flex clones `notificationContext` in). */
function NotificationText({ stringKey, notificationContext, alert }: { stringKey: StringKey; notificationContext?: Record<string, string>; alert?: boolean }) {
  return <span role={alert ? 'alert' : undefined}>{getRuntime().t(stringKey, notificationContext)}</span>;
}

const text = (stringKey: StringKey, { alert = false } = {}) => <NotificationText stringKey={stringKey} alert={alert} />;

/**
 * "I understand", named just that. Flex's NotificationBar.Action names its button "<label> <task
 * channel> task", which leaves a hole for a notice that is about no task. Flex calls `onClick` with
 * the notification.
 */
function AcknowledgeButton({ onClick }: { onClick: (event: React.MouseEvent<HTMLElement>, notification?: Notification) => void }) {
  return (
    <Button size="small" variant="secondary" onClick={(event: React.MouseEvent<HTMLElement>) => onClick(event)}>
      {getRuntime().t('RecordingControlsAcknowledge')}
    </Button>
  );
}

export function registerNotifications(): void {
  const register = (notification: Parameters<typeof Notifications.registerNotification>[0]) => {
    if (!Notifications.registeredNotifications.has(notification.id)) Notifications.registerNotification(notification);
  };
  register({ id: NotificationIds.paused, type: NotificationType.success, content: text('RecordingControlsNotifyPaused'), timeout: 5000 });
  register({ id: NotificationIds.resumed, type: NotificationType.information, content: text('RecordingControlsNotifyResumed'), timeout: 5000 });
  // Spoken at once: the agent may be reading card details out that are now recorded.
  register({
    id: NotificationIds.resumedByTime,
    type: NotificationType.warning,
    content: text('RecordingControlsNotifyResumedByTime', { alert: true }),
    timeout: 15000,
  });
  register({ id: NotificationIds.stillPaused, type: NotificationType.information, content: text('RecordingControlsNotifyStillPaused'), timeout: 8000 });
  register({ id: NotificationIds.noRecording, type: NotificationType.warning, content: text('RecordingControlsNotifyNoRecording'), timeout: 8000 });
  register({
    id: NotificationIds.pauseFailed,
    type: NotificationType.error,
    // An alert a screen reader speaks at once; no ×: only "I understand" (or a confirmed pause) takes it down.
    content: text('RecordingControlsNotifyPauseFailed', { alert: true }),
    timeout: 0,
    closeButton: false,
    actions: [<AcknowledgeButton key="acknowledge" onClick={(_event, notification) => notification && Notifications.dismissNotification(notification)} />],
  });
  register({ id: NotificationIds.actionFailed, type: NotificationType.error, content: text('RecordingControlsNotifyActionFailed'), timeout: 10000 });
  // Each alert's instances stack (one per call); a failed pause stays until closed.
  register({
    id: AlertNotificationIds.pauseFailed,
    type: NotificationType.error,
    content: text('RecordingControlsAlertPauseFailed', { alert: true }),
    timeout: 0,
  });
  register({ id: AlertNotificationIds.pausedLong, type: NotificationType.warning, content: text('RecordingControlsAlertPausedLong'), timeout: 30000 });
  register({ id: AlertNotificationIds.automationOff, type: NotificationType.warning, content: text('RecordingControlsAlertAutomationOff'), timeout: 30000 });
}

const PROBLEM_STRINGS: Record<AutomationProblemCode, StringKey> = { 'crm-fields': 'RecordingControlsProblemCrmFields', sync: 'RecordingControlsProblemSync' };

/** What keeps a call's card fields from pausing by themselves, in the user's words. */
export const problemsText = (t: Runtime['t'], problems: AutomationProblemCode[]): string => problems.map((problem) => t(PROBLEM_STRINGS[problem])).join('; ');

/**
 * For supervisors and admins: a Flex notification whenever a live call gains an alert, wherever in
 * Flex they are. It keeps the live-calls index open for the session (Sync pushes its changes).
 */
export function startSupervisorAlerts(runtime: Runtime): () => void {
  const threshold = minutesSeconds(runtime.config.alertPausedSeconds);
  return watchSupervisorAlerts(runtime.index, runtime.config.alertPausedSeconds * 1000, (alert, call) => {
    Notifications.showNotification(AlertNotificationIds[alert], {
      agent: call.agents.join(', ') || call.callSid,
      threshold,
      problems: problemsText(runtime.t, call.automationOff),
    });
  });
}

/** Shows one instance at a time of the short-lived ones; the new context replaces the old. */
function show(id: string, context?: Record<string, string>): void {
  dismiss(id);
  Notifications.showNotification(id, context);
}

const dismiss = (id: string) => {
  if (Notifications.isNotificationActive(id)) Notifications.dismissNotificationById(id);
};

/** The notices that say what the recording is doing now: one of them shows at a time. */
const STATE_NOTICES: string[] = Object.values(NotificationIds).filter((id) => id !== NotificationIds.actionFailed);

/**
 * Shows the recording's new state in place of the state notices before it. A failure to pause
 * gives way only to a confirmed pause or a newer failure (or the agent's acknowledgement):
 * "Recording resumed" does not make "NOT paused" any less true.
 */
function showState(id: string, context?: Record<string, string>): void {
  const keepsFailure = id === NotificationIds.resumed || id === NotificationIds.resumedByTime || id === NotificationIds.noRecording;
  for (const other of STATE_NOTICES) if (!(keepsFailure && other === NotificationIds.pauseFailed)) dismiss(other);
  Notifications.showNotification(id, context);
}

/** The pause ends by itself within the warning window: the indicator warns instead of saying "go ahead". */
const endsWithinWarning = (holds: Hold[]): boolean => {
  const at = resumesAt({ holds, intervals: [] });
  return at !== null && Date.parse(at) - Date.now() <= RESUME_WARNING_MS;
};

export const notify = {
  /**
   * The recording paused with `holds` open. "You may take the card details" only for a pause that
   * outlasts the warning window; a shorter one goes straight to the indicator's warning to stop.
   */
  paused: (holds: Hold[]) => {
    if (!endsWithinWarning(holds)) showState(NotificationIds.paused);
    else for (const other of STATE_NOTICES) dismiss(other);
  },
  /** The indicator warns that the recording resumes in seconds: the go-ahead to take card details goes. */
  resumesSoon: () => dismiss(NotificationIds.paused),
  resumed: () => showState(NotificationIds.resumed),
  resumedByTime: (reasons: string) => showState(NotificationIds.resumedByTime, { reasons }),
  stillPaused: (state: string) => showState(NotificationIds.stillPaused, { state }),
  noRecording: () => showState(NotificationIds.noRecording),
  pauseFailed: (message: string) => showState(NotificationIds.pauseFailed, { message }),
  actionFailed: (action: string, message: string) => show(NotificationIds.actionFailed, { action, message }),
  /** The call left the screen (ended, or another task chosen): its passing notices go; an unacknowledged failure stays. */
  callLeft: () => STATE_NOTICES.filter((id) => id !== NotificationIds.pauseFailed).forEach(dismiss),
};
