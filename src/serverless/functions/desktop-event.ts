import { handleDesktopEvent } from '../lib/desktopEvent';
import { browserResponse, isPreflight, preflightResponse } from '../lib/browserAccess';
import { splitEvent } from '../lib/http';
import { servicesFor } from '../lib/runtime';
import type { FunctionHandler } from '../lib/functionTypes';

export const handler: FunctionHandler = async (context, event, callback) => {
  const services = servicesFor(context);
  const { headers, body } = splitEvent(event);
  // The plugin relays CRM fields from the browser, with the agent's Flex token (CONTRACT §1).
  if (isPreflight(headers, body)) return callback(null, preflightResponse('POST, OPTIONS'));
  const result = await handleDesktopEvent(
    { ...services, config: await services.desktopEventsConfig(), now: () => new Date(), log: console.log },
    { headers, body },
  );
  callback(null, browserResponse(result, 'POST, OPTIONS'));
};
