import { handleCrmFields } from '../../lib/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../lib/desktopEventsConfigFunction';

/** The CRM fields that fire desktop triggers, for the plugin of every Flex user. */
export const handler = desktopEventsConfigFunction(handleCrmFields);
