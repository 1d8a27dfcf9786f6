/**
 * The plugin's Flex notifications. The failure to pause stays (no timeout) until the agent
 * acknowledges it: while it shows, the call is being recorded and card details must not be
 * taken.
 */
import * as React from 'react';
import { NotificationBar, Notifications, NotificationType } from '@twilio/flex-ui';
import { getRuntime } from './runtime';
import type { StringKey } from './strings';

export const NotificationIds = {
  paused: 'RecordingControlsPaused',
  resumed: 'RecordingControlsResumed',
  resumedByTime: 'RecordingControlsResumedByTime',
  stillPaused: 'RecordingControlsStillPaused',
  noRecording: 'RecordingControlsNoRecording',
  pauseFailed: 'RecordingControlsPauseFailed',
  actionFailed: 'RecordingControlsActionFailed',
} as const;

/** Renders a plugin string with the notification's context (Flex clones `notificationContext` in). */
function NotificationText({ stringKey, notificationContext, alert }: { stringKey: StringKey; notificationContext?: Record<string, string>; alert?: boolean }) {
  return <span role={alert ? 'alert' : undefined}>{getRuntime().t(stringKey, notificationContext)}</span>;
}

const text = (stringKey: StringKey, { alert = false } = {}) => <NotificationText stringKey={stringKey} alert={alert} />;

export function registerNotifications(): void {
  const register = (notification: Parameters<typeof Notifications.registerNotification>[0]) => {
    if (!Notifications.registeredNotifications.has(notification.id)) Notifications.registerNotification(notification);
  };
  register({ id: NotificationIds.paused, type: NotificationType.success, content: text('RecordingControlsNotifyPaused'), timeout: 5000 });
  register({ id: NotificationIds.resumed, type: NotificationType.information, content: text('RecordingControlsNotifyResumed'), timeout: 5000 });
  register({ id: NotificationIds.resumedByTime, type: NotificationType.warning, content: text('RecordingControlsNotifyResumedByTime'), timeout: 15000 });
  register({ id: NotificationIds.stillPaused, type: NotificationType.information, content: text('RecordingControlsNotifyStillPaused'), timeout: 8000 });
  register({ id: NotificationIds.noRecording, type: NotificationType.warning, content: text('RecordingControlsNotifyNoRecording'), timeout: 8000 });
  register({
    id: NotificationIds.pauseFailed,
    type: NotificationType.error,
    // An alert a screen reader speaks at once; no ×: only "I understand" (or a confirmed pause) takes it down.
    content: text('RecordingControlsNotifyPauseFailed', { alert: true }),
    timeout: 0,
    closeButton: false,
    // A NotificationBar.Action element itself: Flex hands it the notification instance to dismiss.
    actions: [
      <NotificationBar.Action
        key="acknowledge"
        label={getRuntime().t('RecordingControlsAcknowledge')}
        onClick={(_event, notification) => Notifications.dismissNotification(notification)}
      />,
    ],
  });
  register({ id: NotificationIds.actionFailed, type: NotificationType.error, content: text('RecordingControlsNotifyActionFailed'), timeout: 10000 });
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

export const notify = {
  paused: () => showState(NotificationIds.paused),
  resumed: () => showState(NotificationIds.resumed),
  resumedByTime: (reasons: string) => showState(NotificationIds.resumedByTime, { reasons }),
  stillPaused: (state: string) => showState(NotificationIds.stillPaused, { state }),
  noRecording: () => showState(NotificationIds.noRecording),
  pauseFailed: (message: string) => showState(NotificationIds.pauseFailed, { message }),
  actionFailed: (action: string, message: string) => show(NotificationIds.actionFailed, { action, message }),
  /** The call left the screen (ended, or another task chosen): its passing notices go; an unacknowledged failure stays. */
  callLeft: () => STATE_NOTICES.filter((id) => id !== NotificationIds.pauseFailed).forEach(dismiss),
};
