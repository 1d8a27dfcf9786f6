/** Finding calls in the Flex store: the selected task, the live voice tasks a supervisor sees. */
import type { CallRef, ManagerLike, TaskLike } from './types';

export const isVoiceTask = (task: TaskLike | undefined): task is TaskLike => !!task && (task.taskChannelUniqueName === 'voice' || task.channelType === 'voice');

/** An accepted voice reservation (or an assigned voice task, as supervisors see them). */
export const isLiveVoiceTask = (task: TaskLike | undefined): task is TaskLike =>
  isVoiceTask(task) && (task.status === 'accepted' || task.taskStatus === 'assigned');

const CALL_SID = /^CA[0-9a-f]{32}$/i;

export function refOf(task: TaskLike): CallRef {
  const callSid = task.attributes?.call_sid;
  return { taskSid: task.taskSid, ...(typeof callSid === 'string' && CALL_SID.test(callSid) && { callSid }) };
}

const valuesOf = <T>(collection: unknown): T[] => {
  if (collection instanceof Map) return Array.from(collection.values()) as T[];
  if (Array.isArray(collection)) return collection as T[];
  if (collection && typeof collection === 'object') return Object.values(collection) as T[];
  return [];
};

/** The task the agent has selected in Flex, if any. */
export function selectedTask(manager: ManagerLike): TaskLike | undefined {
  const flex = manager.store.getState()?.flex;
  const sid: string | undefined = flex?.view?.selectedTaskSid;
  if (!sid) return undefined;
  return valuesOf<TaskLike>(flex?.worker?.tasks).find((task) => task.sid === sid || task.taskSid === sid);
}

/** The user's own live voice calls, as Flex has their tasks. */
export const ownLiveVoiceTasks = (manager: ManagerLike): TaskLike[] =>
  valuesOf<TaskLike>(manager.store.getState()?.flex?.worker?.tasks).filter(isLiveVoiceTask);

export interface LiveCallRow {
  ref: CallRef;
  agent: string;
  from?: string;
}

/**
 * Live voice calls from the Flex store: the supervisor's view of the workers' tasks (filled by
 * Flex's TaskRouter live query) and the user's own tasks. There is no list verb in the API.
 */
export function liveCallRows(manager: ManagerLike): LiveCallRow[] {
  const flex = manager.store.getState()?.flex;
  const rows = new Map<string, LiveCallRow>();
  const add = (task: TaskLike, agent: string) => {
    if (isLiveVoiceTask(task) && !rows.has(task.taskSid)) {
      rows.set(task.taskSid, { ref: refOf(task), agent, from: task.defaultFrom ?? task.attributes?.from });
    }
  };
  for (const entry of valuesOf<{ worker?: { fullName?: string; name?: string }; tasks?: unknown }>(flex?.supervisor?.workers)) {
    const agent = entry.worker?.fullName || entry.worker?.name || '';
    valuesOf<TaskLike>(entry.tasks).forEach((task) => add(task, agent));
  }
  const me = flex?.worker?.worker?.fullName || flex?.worker?.worker?.name || manager.user?.identity || '';
  valuesOf<TaskLike>(flex?.worker?.tasks).forEach((task) => add(task, me));
  return Array.from(rows.values());
}
