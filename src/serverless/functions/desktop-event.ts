import { handleDesktopEvent } from '../lib/desktopEvent';
import { splitEvent, toTwilioResponse, withCors } from '../lib/http';
import { servicesFor } from '../lib/runtime';
import type { FunctionHandler } from '../lib/functionTypes';

export const handler: FunctionHandler = async (context, event, callback) => {
  const services = servicesFor(context);
  const { headers, body } = splitEvent(event);
  const result = await handleDesktopEvent(
    { ...services, config: await services.desktopEventsConfig(), now: () => new Date(), log: console.log },
    { headers, body },
  );
  // The plugin relays CRM fields from the browser, with the agent's Flex token (CONTRACT §1).
  callback(null, withCors(toTwilioResponse(result)));
};
