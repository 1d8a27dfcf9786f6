/**
 * The Desktop Manager's sections beside the events: the pause policy of each TaskRouter queue, and
 * the caps of manual and API pauses. They edit the draft in place; the view checks the whole draft
 * with the core's validator and hands each row its problems, shown next to the input that has them.
 */
import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { HelpText } from '@twilio-paste/core/help-text';
import { Input } from '@twilio-paste/core/input';
import { Label } from '@twilio-paste/core/label';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Option, Select } from '@twilio-paste/core/select';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { useUID } from '@twilio-paste/core/uid-library';
import { ConfigIssue, DesktopEventsConfig, MAX_QUEUE_POLICIES } from '../../core/desktopEvents';
import { DEFAULT_PAUSE_CAP_SECONDS, PAUSE_POLICIES, PausePolicy } from '../../core/pausePolicy';
import { CAP_FIELDS, CapField, DraftConfig, problemsByPlace, QueuePolicyForm, rowKey } from './draft';
import type { ManagerStringKey, Translate } from './strings';

/** A new row's policy: card entry still pauses (desktop item events), pauses by hand do not; never pausing is a deliberate choice. */
const NEW_ROW_POLICY: PausePolicy = 'desktop-events-only';

const problemsOf = (issues: Map<string, ConfigIssue[]>, row: string, t: Translate) => problemsByPlace(issues.get(row) ?? [], t);

export interface QueuePolicyEditorProps {
  t: Translate;
  queuePolicies: QueuePolicyForm[];
  /** The draft's issues by row (`issuesByRow`). */
  issues: Map<string, ConfigIssue[]>;
  disabled: boolean;
  onChange(queuePolicies: QueuePolicyForm[]): void;
}

export function QueuePolicyEditor({ t, queuePolicies, issues, disabled, onChange }: QueuePolicyEditorProps) {
  const update = (row: number, change: Partial<QueuePolicyForm>) => onChange(queuePolicies.map((entry, at) => (at === row ? { ...entry, ...change } : entry)));
  const listProblem = problemsOf(issues, 'queuePolicies', t).get('');
  const full = queuePolicies.length >= MAX_QUEUE_POLICIES;
  const idBase = useUID();

  return (
    <Box marginTop="space100" data-testid="desktop-manager-queue-policies">
      <Heading as="h2" variant="heading30">
        {t('DesktopManagerQueuesTitle')}
      </Heading>
      <Paragraph>{t('DesktopManagerQueuesIntro')}</Paragraph>
      {queuePolicies.length === 0 ? (
        <Paragraph>{t('DesktopManagerQueuesEmpty')}</Paragraph>
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>{t('DesktopManagerColumnQueue')}</Th>
              <Th>{t('DesktopManagerColumnPolicy')}</Th>
              <Th>{t('DesktopManagerColumnActions')}</Th>
            </Tr>
          </THead>
          <TBody>
            {queuePolicies.map((entry, row) => {
              const problems = problemsOf(issues, rowKey('queuePolicies', row), t);
              const queue = entry.queue.trim();
              const helpId = (place: string) => `${idBase}-${row}-${place}-help`;
              return (
                // By position: a queue's name is what is being edited.
                <Tr key={row} data-testid={`queue-policy-${row}`} verticalAlign="top">
                  <Td>
                    <Input
                      type="text"
                      aria-label={t('DesktopManagerQueueName')}
                      value={entry.queue}
                      onChange={(event) => update(row, { queue: event.target.value })}
                      hasError={problems.has('queue')}
                      aria-describedby={problems.has('queue') ? helpId('queue') : undefined}
                      disabled={disabled}
                    />
                    {problems.has('queue') && (
                      <HelpText id={helpId('queue')} variant="error">
                        {problems.get('queue')}
                      </HelpText>
                    )}
                  </Td>
                  <Td>
                    <Select
                      aria-label={queue ? t('DesktopManagerPolicyOf', { queue }) : t('DesktopManagerColumnPolicy')}
                      value={entry.policy}
                      onChange={(event) => update(row, { policy: event.target.value as PausePolicy })}
                      hasError={problems.has('policy')}
                      aria-describedby={helpId('policy')}
                      disabled={disabled}
                    >
                      {PAUSE_POLICIES.map((policy) => (
                        <Option key={policy} value={policy}>
                          {t(`DesktopManagerPolicy_${policy}`)}
                        </Option>
                      ))}
                    </Select>
                    <HelpText id={helpId('policy')} variant={problems.has('policy') ? 'error' : 'default'}>
                      {problems.get('policy') ?? t(`DesktopManagerPolicyHelp_${entry.policy}`)}
                    </HelpText>
                    {problems.has('') && <HelpText variant="error">{problems.get('')}</HelpText>}
                  </Td>
                  <Td>
                    <Button
                      variant="destructive_secondary"
                      size="small"
                      onClick={() => onChange(queuePolicies.filter((_, at) => at !== row))}
                      disabled={disabled}
                      aria-label={queue ? t('DesktopManagerQueueRemoveNamed', { queue }) : t('DesktopManagerQueueRemove')}
                    >
                      {t('DesktopManagerQueueRemove')}
                    </Button>
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      )}
      {listProblem && <HelpText variant="error">{listProblem}</HelpText>}
      <Box marginTop="space40">
        <Button variant="secondary" onClick={() => onChange([...queuePolicies, { queue: '', policy: NEW_ROW_POLICY }])} disabled={disabled || full}>
          {t('DesktopManagerQueueAdd')}
        </Button>
        {full && <HelpText>{t('DesktopManagerQueueLimit', { max: MAX_QUEUE_POLICIES })}</HelpText>}
      </Box>
    </Box>
  );
}

/** Each cap's input label, and its words in the history. */
const CAP_STRINGS: Record<CapField, { label: ManagerStringKey; short: ManagerStringKey }> = {
  manualSeconds: { label: 'DesktopManagerCapManual', short: 'DesktopManagerCapManualShort' },
  apiSeconds: { label: 'DesktopManagerCapApi', short: 'DesktopManagerCapApiShort' },
};

export interface PauseCapsEditorProps {
  t: Translate;
  pauseCaps: DraftConfig['pauseCaps'];
  issues: Map<string, ConfigIssue[]>;
  disabled: boolean;
  onChange(pauseCaps: DraftConfig['pauseCaps']): void;
}

export function PauseCapsEditor({ t, pauseCaps, issues, disabled, onChange }: PauseCapsEditorProps) {
  const idBase = useUID();
  const problems = problemsOf(issues, 'pauseCaps', t);
  return (
    <Box marginTop="space100" data-testid="desktop-manager-pause-caps">
      <Heading as="h2" variant="heading30">
        {t('DesktopManagerCapsTitle')}
      </Heading>
      <Paragraph>{t('DesktopManagerCapsIntro')}</Paragraph>
      <Box display="flex" columnGap="space80" flexWrap="wrap">
        {CAP_FIELDS.map((field) => {
          const id = `${idBase}-${field}`;
          const error = problems.get(field);
          return (
            <Box key={field} width="size30">
              <Label htmlFor={id}>{t(CAP_STRINGS[field].label)}</Label>
              {/* Text with a numeric keyboard, as the event editor's duration: a number input reports "abc" as empty. */}
              <Input
                id={id}
                type="text"
                inputMode="numeric"
                value={pauseCaps[field]}
                placeholder={String(DEFAULT_PAUSE_CAP_SECONDS)}
                onChange={(event) => onChange({ ...pauseCaps, [field]: event.target.value })}
                hasError={!!error}
                aria-describedby={`${id}-help`}
                disabled={disabled}
              />
              <HelpText id={`${id}-help`} variant={error ? 'error' : 'default'}>
                {error ?? t('DesktopManagerCapHelp', { seconds: DEFAULT_PAUSE_CAP_SECONDS })}
              </HelpText>
            </Box>
          );
        })}
      </Box>
      {problems.has('') && <HelpText variant="error">{problems.get('')}</HelpText>}
    </Box>
  );
}

/** A version's queue policies and caps in a few words, for the history. */
export function policySummary(config: DesktopEventsConfig, t: Translate): string {
  const policies = (config.queuePolicies ?? []).map(({ queue, policy }) => `${queue}: ${t(`DesktopManagerPolicy_${policy}`)}`);
  const caps = CAP_FIELDS.flatMap((field) => {
    const seconds = config.pauseCaps?.[field];
    return seconds === undefined ? [] : [t(CAP_STRINGS[field].short, { seconds })];
  });
  return [...policies, ...caps].join(', ') || t('DesktopManagerNone');
}
