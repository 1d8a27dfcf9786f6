import { handleDesktopEventsConfig } from '../../lib/endpoints/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../lib/wiring/desktopEventsConfigFunction';

/** Reading (GET, or a POST with neither version nor events) and saving (POST) of the desktop item events configuration (docs/api.md, *Desktop item events — the configuration*). */
export const handler = desktopEventsConfigFunction('desktop-events/config', 'invalid_config', handleDesktopEventsConfig);
