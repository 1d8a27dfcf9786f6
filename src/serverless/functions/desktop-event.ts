import { handleDesktopEvent } from '../lib/desktopEvent';
import { splitEvent, toTwilioResponse } from '../lib/http';
import { servicesFor } from '../lib/runtime';
import type { FunctionHandler } from '../lib/functionTypes';

export const handler: FunctionHandler = async (context, event, callback) => {
  const services = servicesFor(context);
  const { headers, body } = splitEvent(event);
  const result = await handleDesktopEvent(
    { ...services, config: services.desktopEventsConfig(), now: () => new Date(), log: console.log },
    { headers, body },
  );
  callback(null, toTwilioResponse(result));
};
