/**
 * Merges into a task's attributes without losing another writer's change: read with the task's
 * ETag, write with If-Match, and on a conflict read again and merge again.
 */
import { httpStatus } from './retry';
import type { Retries } from './retry';
import type { TwilioClient } from './twilioClient';
import { parseAttributes } from './taskCalls';

const MAX_ATTEMPTS = 8;
type Attributes = Record<string, unknown>;

export interface TaskRead {
  attributes: Attributes;
  etag?: string;
}

/** The task's attributes with its ETag (the SDK's fetch hides the header, so this read goes through the raw request). */
export async function readTask(client: TwilioClient, retries: Retries, workspaceSid: string, taskSid: string): Promise<TaskRead> {
  // The raw request answers an error status instead of throwing it: thrown here, a 429 or 5xx is retried.
  const response = await retries.run(async () => {
    const answer = await client.request({ method: 'get', uri: `https://taskrouter.twilio.com/v1/Workspaces/${workspaceSid}/Tasks/${taskSid}` });
    if (answer.statusCode >= 400) throw Object.assign(new Error('the task could not be read'), { status: answer.statusCode });
    return answer;
  });
  const body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
  const headers = response.headers as Record<string, string | undefined>;
  return { attributes: parseAttributes(body.attributes), etag: headers.etag ?? headers.ETag };
}

/** `firstRead`: the task as read already (started early, alongside other requests). */
export async function mergeTaskAttributes(
  client: TwilioClient,
  retries: Retries,
  workspaceSid: string,
  taskSid: string,
  change: (attributes: Attributes) => Attributes,
  firstRead?: Promise<TaskRead>,
): Promise<Attributes> {
  const task = client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const { attributes, etag } = await (attempt === 0 && firstRead ? firstRead : readTask(client, retries, workspaceSid, taskSid));
    const next = change(attributes);
    try {
      await retries.run(() => task.update({ attributes: JSON.stringify(next), ...(etag && { ifMatch: etag }) }));
      return next;
    } catch (error) {
      if (httpStatus(error) !== 412) throw error;
    }
  }
  throw new Error('the task attributes are changing too fast to merge');
}
