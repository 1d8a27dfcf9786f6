import { handleDesktopEventsConfigHistory } from '../../../lib/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../../lib/desktopEventsConfigFunction';

/** Every saved version of the desktop item events configuration, newest first (CONTRACT §2). */
export const handler = desktopEventsConfigFunction(handleDesktopEventsConfigHistory);
