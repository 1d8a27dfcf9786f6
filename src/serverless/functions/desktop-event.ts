import { DESKTOP_EVENT_LIMITS } from '../../core/desktopEventRequest';
import { functionShell } from '../lib/base/http';
import { handleDesktopEvent } from '../lib/endpoints/desktopEvent';
import { desktopEventDeps, servicesFor } from '../lib/wiring/services';

// cors: the plugin relays CRM fields from the browser, with the agent's Flex token (docs/api.md, *Desktop events*).
export const handler = functionShell({ name: 'desktop-event', invalidCode: 'invalid_event', limits: DESKTOP_EVENT_LIMITS, cors: true }, (context, request) =>
  handleDesktopEvent(desktopEventDeps(servicesFor(context)), request),
);
