import { handleCrmFields } from '../../lib/endpoints/desktopEventsConfigApi';
import { desktopEventsConfigFunction } from '../../lib/wiring/desktopEventsConfigFunction';

/** The CRM fields that fire desktop triggers, for the plugin of every Flex user. */
export const handler = desktopEventsConfigFunction('desktop-events/crm-fields', 'invalid_request', handleCrmFields);
