/**
 * Event Streams deliveries read as the workspace's Event Callback parameters: a batch in order, one
 * event alone, other products' events left out, and anything else left to the Event Callback path.
 */
import { eventStreamsEvents } from '../../src/serverless/lib/control/eventStreams';

const taskEvent = (type: string, payload: Record<string, unknown>) => ({
  specversion: '1.0',
  type: `com.twilio.taskrouter.${type}`,
  id: `EV-${type}`,
  data: { payload },
});

test('a batch (numbered keys, as a Function receives a JSON array) comes out in order, with TaskRouter’s parameter names', () => {
  const body = {
    1: taskEvent('task.wrapup', { task_sid: 'WT1', task_attributes: '{"call_sid":"CA1"}', task_assignment_status: 'wrapping' }),
    0: taskEvent('reservation.accepted', {
      eventtype: 'reservation.accepted',
      task_sid: 'WT1',
      worker_sid: 'WK1',
      worker_attributes: '{"contact_uri":"client:alice"}',
      task_age: 3,
    }),
    2: { specversion: '1.0', type: 'com.twilio.voice.insights.call-summary.complete', id: 'EV-x', data: { call_sid: 'CA1' } },
  };
  expect(eventStreamsEvents(body)).toEqual([
    { EventType: 'reservation.accepted', TaskSid: 'WT1', WorkerSid: 'WK1', WorkerAttributes: '{"contact_uri":"client:alice"}', TaskAge: '3' },
    { EventType: 'task.wrapup', TaskSid: 'WT1', TaskAttributes: '{"call_sid":"CA1"}', TaskAssignmentStatus: 'wrapping' },
  ]);
});

test('a sink that does not batch sends one CloudEvent; the type decides the event, not a payload that says otherwise', () => {
  expect(eventStreamsEvents(taskEvent('task.updated', { eventtype: 'task.completed', task_sid: 'WT2' }))).toEqual([
    { EventType: 'task.updated', TaskSid: 'WT2' },
  ]);
});

test('a workspace Event Callback (form fields) is not an Event Streams delivery', () => {
  expect(eventStreamsEvents({ EventType: 'task.updated', TaskSid: 'WT3' })).toBeUndefined();
  expect(eventStreamsEvents({ 0: 'not an event' })).toBeUndefined();
});
