import { errorResult, fromUrl, type FunctionRequest, functionShell, type HttpResult, ownUrl } from '../base/http';
import type { Verb } from '../../../core/wire';
import { API_BODY_LIMITS, handleRecordingControl, type RecordingControlsDeps } from '../endpoints/recordingControls';
import { earlyRangeProblem } from '../endpoints/report';
import { type Services, servicesFor } from './services';

/** The API's services: the container's, and where Twilio should report the recordings it starts. */
type ApiServices = Services & Pick<RecordingControlsDeps, 'recordingStatusCallback'>;

/** The shell of each function of the API (the verbs, /automation-health): read the event, answer the result. */
export const apiFunction = (name: string, endpoint: (services: ApiServices, request: FunctionRequest) => Promise<HttpResult>) =>
  functionShell({ name, invalidCode: 'invalid_request', limits: API_BODY_LIMITS, cors: true }, async (context, request) => {
    // Credentials never come from the URL (it ends up in logs).
    if (fromUrl(request, 'Token')) return errorResult(401, 'unauthenticated', 'send the Flex token in the body or as a Token header, never in the URL');
    return endpoint({ ...servicesFor(context), recordingStatusCallback: ownUrl(context.DOMAIN_NAME, '/recording-status') }, request);
  });

/** The shell every /recording-controls/<verb> function is. */
export const recordingControlsFunction = (verb: Verb) =>
  apiFunction(`recording-controls/${verb}`, async (services, request) => {
    // A report's range is checked before anything else: no token check, no Twilio request, however wide it is.
    const rangeProblem = verb === 'report' ? earlyRangeProblem(request.body) : undefined;
    if (rangeProblem) return errorResult(400, 'invalid_request', rangeProblem);
    return handleRecordingControl(verb, services, request);
  });
