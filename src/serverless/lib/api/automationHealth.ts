/**
 * POST /automation-health (docs/api.md): the agent's plugin says what keeps card fields on its call
 * from pausing the recording by themselves (the CRM fields cannot be read, Sync cannot be reached),
 * or that nothing does. It goes on the call's ledger, for that agent, and so into the live-calls
 * index, where supervisors are alerted (docs/architecture.md, "Supervisors' alerts"). Sent by the
 * plugin only when it changes.
 */
import { z } from 'zod';
import { AUTOMATION_PROBLEMS, normalProblems, type AutomationProblemCode } from '../../../core/automation';
import { errorResult, HttpResult } from '../http';
import { newCallRecord } from '../ledger/ledgerStore';
import { safeProblems } from '../../../core/safeProblems';
import { callerOf, callFields, onCallerCall, RecordingControlsDeps, RecordingControlsRequest } from './recordingControls';

const problemList = z
  .union([z.array(z.string()), z.string().transform((value) => (value === '' ? [] : value.split(',')))])
  .pipe(z.array(z.enum(AUTOMATION_PROBLEMS, { message: `each problem: ${AUTOMATION_PROBLEMS.join(' or ')}` })).max(AUTOMATION_PROBLEMS.length));

const body = z.strictObject({ ...callFields, problems: problemList });

export async function automationHealth(deps: RecordingControlsDeps, request: RecordingControlsRequest): Promise<HttpResult> {
  const parsed = body.safeParse(request.body);
  if (!parsed.success) return errorResult(400, 'invalid_request', safeProblems(parsed.error.issues).join('; '));
  const { Token, problems } = parsed.data;
  const authenticated = await callerOf(deps, request, Token);
  if (!authenticated.ok) return authenticated.result;
  const { caller } = authenticated;
  if (caller.kind !== 'flex') return errorResult(403, 'forbidden', 'only the agent’s own Flex says what its desktop can do');
  return onCallerCall('automation-health', deps, caller, parsed.data, async (found) => {
    const said = normalProblems(problems as AutomationProblemCode[]);
    await deps.control.commit(found.call.callSid, (stored) => {
      // A call whose acceptance has not reached the functions yet gets its ledger now, as a signal's would.
      const current = stored ?? newCallRecord({ ...found.call, agent: caller.identity });
      const before = current.automationOff?.agent === caller.identity ? current.automationOff : undefined;
      if (said.length === 0) return before ? { ...current, automationOff: undefined } : null;
      if (before && before.problems.join(',') === said.join(',')) return null;
      return { ...current, automationOff: { agent: caller.identity, problems: said, since: before?.since ?? deps.now().toISOString() } };
    });
    return { status: 200, body: { problems: said } };
  });
}
