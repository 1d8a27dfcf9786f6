/**
 * Merges into a task's attributes without losing another writer's change: read with the task's
 * ETag, write with If-Match, and on a conflict read again and merge again.
 */
import { httpStatus } from './retry';
import { withRetries } from './retry';
import type { TwilioClient } from './twilioClient';
import { parseAttributes } from './liveCalls';

const MAX_ATTEMPTS = 8;
type Attributes = Record<string, unknown>;

export async function mergeTaskAttributes(
  client: TwilioClient,
  workspaceSid: string,
  taskSid: string,
  change: (attributes: Attributes) => Attributes,
): Promise<Attributes> {
  const task = client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    // The SDK's fetch hides the ETag header, so this one read goes through the raw request.
    const response = await withRetries(() =>
      client.request({ method: 'get', uri: `https://taskrouter.twilio.com/v1/Workspaces/${workspaceSid}/Tasks/${taskSid}` }),
    );
    if (response.statusCode >= 400) throw Object.assign(new Error('the task could not be read'), { status: response.statusCode });
    const body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
    const etag = (response.headers as Record<string, string | undefined>).etag ?? (response.headers as Record<string, string | undefined>).ETag;
    const next = change(parseAttributes(body.attributes));
    try {
      await withRetries(() => task.update({ attributes: JSON.stringify(next), ...(etag && { ifMatch: etag }) }));
      return next;
    } catch (error) {
      if (httpStatus(error) !== 412) throw error;
    }
  }
  throw new Error('the task attributes are changing too fast to merge');
}
