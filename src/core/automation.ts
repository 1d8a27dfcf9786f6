/**
 * What can keep card fields from pausing the recording by themselves, as the agent's plugin reports
 * it for supervisors (docs/architecture.md, "Supervisors' alerts"): the CRM page's fields cannot be
 * read, or the plugin cannot reach Twilio Sync.
 */
export const AUTOMATION_PROBLEMS = ['crm-fields', 'sync'] as const;
export type AutomationProblemCode = (typeof AUTOMATION_PROBLEMS)[number];

/** The problems in one order, each once: two reports of the same problems compare equal. */
export const normalProblems = (problems: readonly AutomationProblemCode[]): AutomationProblemCode[] =>
  AUTOMATION_PROBLEMS.filter((problem) => problems.includes(problem));
