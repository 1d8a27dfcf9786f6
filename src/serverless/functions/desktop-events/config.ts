import { handleDesktopEventsConfig } from '../../lib/api/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../lib/api/desktopEventsConfigFunction';

/** GET (read) and PUT (save) of the desktop item events configuration (CONTRACT §2). */
export const handler = desktopEventsConfigFunction('desktop-events/config', 'invalid_config', handleDesktopEventsConfig);
