import { handleDesktopEventsConfig } from '../../lib/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../lib/desktopEventsConfigFunction';

/** GET (read) and PUT (save) of the desktop item events configuration (CONTRACT §2). */
export const handler = desktopEventsConfigFunction(handleDesktopEventsConfig);
