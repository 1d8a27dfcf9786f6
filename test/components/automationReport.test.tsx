/**
 * The agent's plugin tells the functions, for supervisors, what keeps its card fields from pausing
 * the recording by themselves (the warning the agent sees in the call canvas): when it begins and
 * ends, for each live call, and for a call that begins while it lasts — never twice the same, and
 * nothing at all while all is well.
 */
import { waitFor } from '@testing-library/react';
import { reportAutomation } from '../../src/flex/automationReport';
import { createPluginRuntime } from '../../src/flex/pluginRuntime';
import { setRuntime } from '../../src/flex/runtime';
import { CALL_SID, fakeApi, fakeManager, TASK_SID, TOKEN, usePluginInFlex, voiceTask } from './support';

const api = fakeApi();
const manager = fakeManager({ identity: 'alice', tasks: [voiceTask()] });
usePluginInFlex(api, manager);

const reports = () => api.automationReports.map(({ Token, taskSid, callSid, problems }) => ({ Token, taskSid, callSid, problems }));

test('the CRM fields cannot be read: said once for the live call, and said again when they can', async () => {
  const runtime = createPluginRuntime(manager);
  setRuntime(runtime);
  const stop = reportAutomation(runtime);
  try {
    await new Promise((done) => setTimeout(done, 50));
    expect(reports()).toEqual([]); // all is well: nothing is sent

    runtime.health.report('RecordingControlsOffCrmFields', true);
    await waitFor(() => expect(reports()).toEqual([{ Token: TOKEN, taskSid: TASK_SID, callSid: CALL_SID, problems: 'crm-fields' }]));
    runtime.health.report('RecordingControlsOffCrmFields', true); // no change: nothing more
    manager.setFlexState({}); // Flex's store changes for its own reasons
    runtime.health.report('RecordingControlsOffSync', true);
    await waitFor(() => expect(reports().map((report) => report.problems)).toEqual(['crm-fields', 'crm-fields,sync']));

    // A second call begins while the problems last: it is told at once.
    const second = voiceTask({ taskSid: 'WT' + '2'.repeat(32), sid: 'WR' + '2'.repeat(32), attributes: { call_sid: 'CA' + '2'.repeat(32) } });
    manager.setFlexState({
      worker: {
        ...manager.store.getState().flex.worker,
        tasks: new Map([
          [voiceTask().sid, voiceTask()],
          [second.sid, second],
        ]),
      },
    });
    await waitFor(() => expect(reports()).toHaveLength(3));
    expect(reports()[2]).toEqual({ Token: TOKEN, taskSid: second.taskSid, callSid: 'CA' + '2'.repeat(32), problems: 'crm-fields,sync' });

    runtime.health.report('RecordingControlsOffCrmFields', false);
    runtime.health.report('RecordingControlsOffSync', false);
    await waitFor(() =>
      expect(
        reports()
          .slice(3)
          .map((report) => [report.taskSid, report.problems]),
      ).toEqual([
        [TASK_SID, 'sync'],
        [second.taskSid, 'sync'],
        [TASK_SID, ''],
        [second.taskSid, ''],
      ]),
    );
  } finally {
    stop();
  }
});
