import { DESKTOP_EVENT_LIMITS } from '../../core/desktopEventRequest';
import { handleDesktopEvent } from '../lib/signals/desktopEvent';
import { functionShell } from '../lib/http';
import { servicesFor } from '../lib/runtime';

export const handler = functionShell({ name: 'desktop-event', invalidCode: 'invalid_event', limits: DESKTOP_EVENT_LIMITS }, async (context, request) => {
  const services = servicesFor(context);
  return handleDesktopEvent({ ...services, config: services.desktopEventsConfig(), now: () => new Date(), log: console.log }, request);
});
