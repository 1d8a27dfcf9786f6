import { handleDesktopEventsConfigHistory } from '../../../lib/endpoints/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../../lib/wiring/desktopEventsConfigFunction';

/** Every saved version of the desktop item events configuration, newest first (docs/api.md, *Desktop item events — the configuration*). */
export const handler = desktopEventsConfigFunction('desktop-events/config/history', 'invalid_request', handleDesktopEventsConfigHistory);
