/**
 * A trace of a pause that must be put right, kept where a Sync outage cannot hide it: the task's
 * attributes in TaskRouter. When a pause went out but its ledger could neither be read, written nor
 * flagged (Sync failing for longer than the retries), the call is marked on its task; the sweep
 * looks for marked tasks, sets the recordings to what the ledger says once Sync answers, and
 * clears the mark. The mark sits where the task's agent may write too: a mark counts only for the
 * call the task was created for (taskOrigins.ts), and the repair goes by that call's own ledger.
 */
import { parseAttributes } from '../twilio/taskCalls';
import { mergeTaskAttributes } from '../twilio/taskAttributes';
import type { Retries } from '../twilio/retry';
import type { TwilioClient } from '../twilio/twilioClient';
import type { LiveCall } from '../base/recordingBackend';
import type { TaskOrigins } from '../twilio/taskOrigins';

/** Under the task's `recording_controls`: the call whose recordings may disagree with its ledger, and a flag TaskRouter can filter on. */
export const REPAIR_FIELD = 'repair_call_sid';
const REPAIR_FLAG = 'repair_needed';
/** Marked tasks are rare: the sweep asks TaskRouter for them at most this often. */
export const REPAIR_CHECK_EVERY_MS = 5_000;

type Attributes = Record<string, unknown>;
const controlsOf = (attributes: Attributes): Attributes => (attributes.recording_controls as Attributes | undefined) ?? {};

export interface RepairMark {
  taskSid: string;
  callSid: string;
}

export class RepairMarks {
  private lastCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: TwilioClient,
    private readonly retries: Retries,
    private readonly workspaceSid: string,
    private readonly origins: TaskOrigins,
  ) {}

  /** Marks the call on its task; false when the call names no task (nothing to mark). */
  async mark(call: LiveCall): Promise<boolean> {
    if (!call.taskSid) return false;
    await mergeTaskAttributes(this.client, this.retries, this.workspaceSid, call.taskSid, (attributes) => ({
      ...attributes,
      recording_controls: { ...controlsOf(attributes), [REPAIR_FLAG]: true, [REPAIR_FIELD]: call.callSid },
    }));
    return true;
  }

  /** The marked tasks, unless they were asked for less than REPAIR_CHECK_EVERY_MS ago (`force` asks anyway). */
  async due(nowMs: number, force = false): Promise<RepairMark[]> {
    if (!force && nowMs - this.lastCheck < REPAIR_CHECK_EVERY_MS) return [];
    this.lastCheck = nowMs;
    const tasks = await this.retries.run(() =>
      this.client.taskrouter.v1.workspaces(this.workspaceSid).tasks.list({ evaluateTaskAttributes: `recording_controls.${REPAIR_FLAG} == true`, limit: 50 }),
    );
    const marks = tasks.flatMap((task) => {
      const callSid = controlsOf(parseAttributes(task.attributes))[REPAIR_FIELD];
      return typeof callSid === 'string' && callSid.length > 0 ? [{ taskSid: task.sid, callSid }] : [];
    });
    const checked = await Promise.all(marks.map(async (mark) => ((await this.origins.isOf(mark.taskSid, mark.callSid)) ? mark : undefined)));
    return checked.filter((mark): mark is RepairMark => mark !== undefined);
  }

  /** The call agrees with its ledger again. */
  async clear(mark: RepairMark): Promise<void> {
    await mergeTaskAttributes(this.client, this.retries, this.workspaceSid, mark.taskSid, (attributes) => {
      const { [REPAIR_FIELD]: _call, [REPAIR_FLAG]: _flag, ...rest } = controlsOf(attributes);
      return { ...attributes, recording_controls: rest };
    });
  }
}
