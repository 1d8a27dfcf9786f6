import { handleDesktopEventsConfigHistory } from '../../../lib/api/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../../lib/api/desktopEventsConfigFunction';

/** Every saved version of the desktop item events configuration, newest first (CONTRACT §2). */
export const handler = desktopEventsConfigFunction('desktop-events/config/history', 'invalid_request', handleDesktopEventsConfigHistory);
