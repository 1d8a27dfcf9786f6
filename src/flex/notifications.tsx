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
  stillPaused: 'RecordingControlsStillPaused',
  noRecording: 'RecordingControlsNoRecording',
  pauseFailed: 'RecordingControlsPauseFailed',
  actionFailed: 'RecordingControlsActionFailed',
} as const;

/** Renders a plugin string with the notification's context (Flex clones `notificationContext` in). */
function NotificationText({ stringKey, notificationContext }: { stringKey: StringKey; notificationContext?: Record<string, string> }) {
  return <span>{getRuntime().t(stringKey, notificationContext)}</span>;
}

const text = (stringKey: StringKey) => <NotificationText stringKey={stringKey} />;

export function registerNotifications(): void {
  const register = (notification: Parameters<typeof Notifications.registerNotification>[0]) => {
    if (!Notifications.registeredNotifications.has(notification.id)) Notifications.registerNotification(notification);
  };
  register({ id: NotificationIds.paused, type: NotificationType.success, content: text('RecordingControlsNotifyPaused'), timeout: 5000 });
  register({ id: NotificationIds.resumed, type: NotificationType.information, content: text('RecordingControlsNotifyResumed'), timeout: 5000 });
  register({ id: NotificationIds.stillPaused, type: NotificationType.information, content: text('RecordingControlsNotifyStillPaused'), timeout: 8000 });
  register({ id: NotificationIds.noRecording, type: NotificationType.warning, content: text('RecordingControlsNotifyNoRecording'), timeout: 8000 });
  register({
    id: NotificationIds.pauseFailed,
    type: NotificationType.error,
    content: text('RecordingControlsNotifyPauseFailed'),
    timeout: 0,
    closeButton: true,
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
  if (Notifications.isNotificationActive(id)) Notifications.dismissNotificationById(id);
  Notifications.showNotification(id, context);
}

export const notify = {
  paused: () => show(NotificationIds.paused),
  resumed: () => show(NotificationIds.resumed),
  stillPaused: (state: string) => show(NotificationIds.stillPaused, { state }),
  noRecording: () => show(NotificationIds.noRecording),
  pauseFailed: (message: string) => {
    // Never silently replace an unacknowledged failure: each one must be seen.
    Notifications.showNotification(NotificationIds.pauseFailed, { message });
  },
  actionFailed: (action: string, message: string) => show(NotificationIds.actionFailed, { action, message }),
};
