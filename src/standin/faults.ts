/**
 * Fault injection: make the next N Twilio requests of one operation fail.
 *
 * Operation names (each Twilio REST route of the stand-in belongs to exactly one):
 *   recording.update        POST Calls/{CA}/Recordings/{RE|Twilio.CURRENT}.json, POST Conferences/{CF}/Recordings/{…}.json
 *   recording.create        POST Calls/{CA}/Recordings.json
 *   recording.list          GET  Calls/{CA}/Recordings.json, GET Conferences/{CF}/Recordings.json
 *   recording.fetch         GET  Calls|Conferences/{…}/Recordings/{…}.json, GET Recordings/{RE}.json
 *   call.fetch              GET  Calls/{CA}.json
 *   call.update             POST Calls/{CA}.json
 *   conference.fetch        GET  Conferences/{CF}.json
 *   conference.list         GET  Conferences.json (FriendlyName, Status, DateCreated…, DateUpdated… filters)
 *   sync.document.fetch     GET  Services/{IS}/Documents/{ET|UniqueName}
 *   sync.document.create    POST Services/{IS}/Documents
 *   sync.document.update    POST Services/{IS}/Documents/{ET|UniqueName}
 *   sync.document.list      GET  Services/{IS}/Documents
 *   sync.document.delete    DELETE Services/{IS}/Documents/{ET|UniqueName}
 *   syncMap.create|fetch|update|delete|list         Services/{IS}/Maps[/{MP|UniqueName}]
 *   syncMapItem.create|fetch|update|delete|list     Services/{IS}/Maps/{MP|UniqueName}/Items[/{Key}]
 *   syncList.create|fetch|update|delete|list        Services/{IS}/Lists[/{ES|UniqueName}]
 *   syncListItem.create|fetch|update|delete|list    Services/{IS}/Lists/{ES|UniqueName}/Items[/{Index}]
 *   syncService.create|fetch                        POST Services, GET Services/{IS|default}
 *   syncPermission.fetch|update|delete              Services/{IS}/{Documents|Maps|Lists}/{…}/Permissions/{Identity}
 *     (create: POST on the collection; list: GET on it; fetch: GET, update: POST, delete: DELETE on one)
 *   taskrouter.worker.list  GET  Workspaces/{WS}/Workers
 *   taskrouter.worker.fetch GET  Workspaces/{WS}/Workers/{WK}
 *   taskrouter.reservation.list GET Workspaces/{WS}/Workers/{WK}/Reservations
 *   taskrouter.task.fetch   GET  Workspaces/{WS}/Tasks/{WT}
 *   taskrouter.task.update  POST Workspaces/{WS}/Tasks/{WT}
 *   taskrouter.task.list    GET  Workspaces/{WS}/Tasks
 *   taskrouter.event.list   GET  Workspaces/{WS}/Events (TaskRouter's event log: TaskSid, EventType, Minutes… filters)
 *   taskrouter.event.fetch  GET  Workspaces/{WS}/Events/{EV}
 *   token.validate          POST /v1/Accounts/{AC}/Tokens/validate (the Flex token check)
 */
function syncOperations<T extends string>(resource: T) {
  return [`${resource}.create`, `${resource}.fetch`, `${resource}.update`, `${resource}.delete`, `${resource}.list`] as const;
}

export const FAULT_OPERATIONS = [
  'recording.update',
  'recording.create',
  'recording.list',
  'recording.fetch',
  'call.fetch',
  'call.update',
  'conference.fetch',
  'conference.list',
  'sync.document.fetch',
  'sync.document.create',
  'sync.document.update',
  'sync.document.list',
  'sync.document.delete',
  ...syncOperations('syncMap'),
  ...syncOperations('syncMapItem'),
  ...syncOperations('syncList'),
  ...syncOperations('syncListItem'),
  'syncService.create',
  'syncService.fetch',
  'syncPermission.fetch',
  'syncPermission.update',
  'syncPermission.delete',
  'taskrouter.worker.list',
  'taskrouter.worker.fetch',
  'taskrouter.reservation.list',
  'taskrouter.task.fetch',
  'taskrouter.task.update',
  'taskrouter.task.list',
  'taskrouter.event.list',
  'taskrouter.event.fetch',
  'token.validate',
  'key.create',
  'events.sink.create',
  'events.sink.list',
  'events.sink.delete',
  'events.subscription.create',
  'events.subscription.list',
  'events.subscription.delete',
  'flex.configuration.fetch',
  'flex.configuration.update',
  'flex.plugin.list',
  'flex.plugin.create',
  'flex.plugin.fetch',
  'flex.plugin.update',
  'flex.pluginVersion.list',
  'flex.pluginVersion.create',
  'flex.pluginVersion.fetch',
  'flex.pluginConfiguration.create',
  'flex.pluginConfiguration.fetch',
  'flex.release.list',
  'flex.release.create',
] as const;

export type Operation = (typeof FAULT_OPERATIONS)[number];

export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && (FAULT_OPERATIONS as readonly string[]).includes(value);
}

export interface FaultSpec {
  operation: Operation;
  /** HTTP status to answer; 0 means the connection is reset (a network error, no answer at all). */
  status: number;
  /** Twilio error code put in the error body. */
  code: number;
  /** How many of the next requests of that operation fail (0: none any more, the pending ones cleared). */
  times: number;
  /**
   * Only requests about this call fail (an outage one call meets, while others go on): those whose
   * path names it, its other leg, its conference or one of their recordings. Without it, any request.
   */
  callSid?: string;
}

/** Faults wait in the order they were injected; each failing request uses up one of the first one's `times`. */
export class FaultQueue {
  private pending: FaultSpec[] = [];

  /** `times: 0` clears the operation's pending faults instead (with `callSid`, only that call's). */
  add(fault: FaultSpec): void {
    const cleared = (pending: FaultSpec) => pending.operation === fault.operation && (fault.callSid === undefined || pending.callSid === fault.callSid);
    if (fault.times === 0) this.pending = this.pending.filter((pending) => !cleared(pending));
    else this.pending.push({ ...fault });
  }

  /**
   * The fault the next request of `operation` must suffer, if any (and counts it as used);
   * `concerns` tells whether the request is about a fault's call.
   */
  take(operation: Operation, concerns: (callSid: string) => boolean = () => false): FaultSpec | undefined {
    const index = this.pending.findIndex((fault) => fault.operation === operation && (fault.callSid === undefined || concerns(fault.callSid)));
    if (index < 0) return undefined;
    const fault = this.pending[index];
    fault.times -= 1;
    if (fault.times <= 0) this.pending.splice(index, 1);
    return { ...fault };
  }

  clear(): void {
    this.pending = [];
  }
}
