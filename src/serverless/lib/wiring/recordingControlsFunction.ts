import { errorResult, fromUrl, functionShell, ownUrl } from '../base/http';
import type { Verb } from '../../../core/wire';
import { API_BODY_LIMITS, handleRecordingControl } from '../endpoints/recordingControls';
import { earlyRangeProblem } from '../endpoints/report';
import { servicesFor } from './services';

/** The shell every /recording-controls/<verb> function is: read the event, answer the result. */
export const recordingControlsFunction = (verb: Verb) =>
  functionShell({ name: `recording-controls/${verb}`, invalidCode: 'invalid_request', limits: API_BODY_LIMITS, cors: true }, async (context, request) => {
    // Credentials never come from the URL (it ends up in logs).
    if (fromUrl(request, 'Token')) return errorResult(401, 'unauthenticated', 'send the Flex token in the body or as a Token header, never in the URL');
    // A report's range is checked before anything else: no token check, no Twilio request, however wide it is.
    const rangeProblem = verb === 'report' ? earlyRangeProblem(request.body) : undefined;
    if (rangeProblem) return errorResult(400, 'invalid_request', rangeProblem);
    return handleRecordingControl(
      verb,
      { ...servicesFor(context), recordingStatusCallback: ownUrl(context.DOMAIN_NAME, '/recording-status'), now: () => new Date() },
      request,
    );
  });
