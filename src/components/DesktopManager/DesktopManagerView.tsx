/**
 * The Desktop Manager: Flex admins configure desktop item events live (docs/desktop-manager.md). The events as
 * a table, then the pause policy of each queue and the caps of manual and API pauses; add, edit and
 * delete in a draft checked by the core's validator; save with the version the draft started from
 * (a conflict names who saved meanwhile and offers to reload); the history of saved versions, each
 * one revertible.
 *
 * Built with Paste and loaded only when an admin opens the view (desktop-manager.js, a public
 * asset of the functions): agents never download it.
 */
import * as React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Badge } from '@twilio-paste/core/badge';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { HelpText } from '@twilio-paste/core/help-text';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import { Theme } from '@twilio-paste/core/theme';
import { ConfigApi, ConfigApiError, ConfigVersion, createConfigApi } from './configApi';
import { configOfDraft, describeProblem, DraftConfig, draftOf, emptyForm, EventForm, formOf, issuesByRow, rowKey } from './draft';
import { EventEditor } from './EventEditor';
import { HistoryModal } from './HistoryModal';
import { PauseCapsEditor, QueuePolicyEditor } from './PolicyEditor';
import { translator, type Translate } from './strings';

export interface DesktopManagerProps {
  /** The functions' base URL (`serverlessBaseUrl`). */
  baseUrl: string;
  /** The admin's Flex token, read at every request (Flex refreshes it). */
  token: () => string | undefined;
  /** `manager.strings`: a customer's overrides of the Desktop Manager's strings. */
  strings: Record<string, unknown>;
  localeTag?: string;
  /** For tests: another client of the configuration API. */
  api?: ConfigApi;
}

type Notice =
  | { kind: 'saved'; version: number }
  | { kind: 'reverted'; version: number }
  | { kind: 'conflict'; current?: ConfigVersion }
  | { kind: 'refused'; problems: string[] }
  | { kind: 'failed'; message: string };

const formatterFor = (localeTag: string | undefined) => (iso: string) => {
  try {
    return new Date(iso).toLocaleString(localeTag, { dateStyle: 'medium', timeStyle: 'medium' });
  } catch {
    return iso;
  }
};

function NoticeAlert({
  notice,
  t,
  formatTime,
  onReload,
  onDismiss,
}: {
  notice: Notice;
  t: Translate;
  formatTime(iso: string): string;
  onReload(): void;
  onDismiss(): void;
}) {
  switch (notice.kind) {
    case 'saved':
      return (
        <Alert variant="neutral" onDismiss={onDismiss}>
          {t('DesktopManagerSaved', { version: notice.version })}
        </Alert>
      );
    case 'reverted':
      return (
        <Alert variant="warning" onDismiss={onDismiss}>
          {t('DesktopManagerReverted', { version: notice.version })}
        </Alert>
      );
    case 'conflict': {
      const { current } = notice;
      const text =
        current?.updatedBy && current.updatedAt
          ? t('DesktopManagerConflict', { who: current.updatedBy, version: current.version, time: formatTime(current.updatedAt) })
          : t('DesktopManagerConflictUnknown', { version: current?.version ?? '?' });
      return (
        <Alert variant="error">
          <Box display="flex" alignItems="center" justifyContent="space-between">
            <Text as="span" data-testid="desktop-manager-conflict">
              {text}
            </Text>
            <Box marginLeft="space40">
              <Button variant="secondary" size="small" onClick={onReload}>
                {t('DesktopManagerReload')}
              </Button>
            </Box>
          </Box>
        </Alert>
      );
    }
    case 'refused':
      return (
        <Alert variant="error" onDismiss={onDismiss}>
          <Text as="span">{t('DesktopManagerRefused')}</Text>
          <ul>
            {notice.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Alert>
      );
    default:
      return (
        <Alert variant="error" onDismiss={onDismiss}>
          {t('DesktopManagerSaveFailed', { message: notice.message })}
        </Alert>
      );
  }
}

export function DesktopManagerView({ baseUrl, token, strings, localeTag, api: givenApi }: DesktopManagerProps) {
  const t = useMemo(() => translator(strings, localeTag), [strings, localeTag]);
  const formatTime = useMemo(() => formatterFor(localeTag), [localeTag]);
  const tokenNow = useRef(token);
  tokenNow.current = token;
  const api = useMemo(() => givenApi ?? createConfigApi(baseUrl, () => tokenNow.current()), [givenApi, baseUrl]);

  const [saved, setSaved] = useState<ConfigVersion>();
  const [draft, setDraft] = useState<DraftConfig>(() => draftOf({ events: [] }));
  const [loadProblem, setLoadProblem] = useState<string>();
  const [notice, setNotice] = useState<Notice>();
  const [saving, setSaving] = useState(false);
  const [editing, setEditing] = useState<{ index: number; form: EventForm }>();
  const [showHistory, setShowHistory] = useState(false);

  const load = useCallback(async () => {
    setLoadProblem(undefined);
    try {
      const current = await api.read();
      setSaved(current);
      setDraft(draftOf(current));
      setNotice(undefined);
    } catch (error) {
      setLoadProblem(error instanceof Error ? error.message : String(error));
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  const config = useMemo(() => configOfDraft(draft), [draft]);
  const issues = useMemo(() => issuesByRow(config), [config]);
  // Both sides as the draft describes them, so a section the saved version lacks equals an empty one.
  const savedConfig = useMemo(() => saved && JSON.stringify(configOfDraft(draftOf(saved))), [saved]);
  const dirty = !!saved && JSON.stringify(config) !== savedConfig;
  const conflict = notice?.kind === 'conflict';

  const save = async () => {
    if (!saved || issues.size > 0) return;
    setSaving(true);
    try {
      const next = await api.save(saved.version, config);
      setSaved(next);
      setDraft(draftOf(next));
      setNotice({ kind: 'saved', version: next.version });
    } catch (error) {
      if (error instanceof ConfigApiError && error.code === 'version_conflict') setNotice({ kind: 'conflict', current: error.current });
      else if (error instanceof ConfigApiError && error.problems.length > 0) setNotice({ kind: 'refused', problems: error.problems });
      else setNotice({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      setSaving(false);
    }
  };

  if (!saved) {
    return (
      <Theme.Provider theme="default">
        <Box padding="space80" data-testid="desktop-manager">
          <Heading as="h1" variant="heading20">
            {t('DesktopManagerTitle')}
          </Heading>
          {loadProblem ? (
            <Alert variant="error">
              <Text as="span">{t('DesktopManagerLoadFailed', { message: loadProblem })}</Text>{' '}
              <Button variant="link" onClick={() => void load()}>
                {t('DesktopManagerRetry')}
              </Button>
            </Alert>
          ) : (
            <Paragraph>{t('DesktopManagerLoading')}</Paragraph>
          )}
        </Box>
      </Theme.Provider>
    );
  }

  const { events } = draft;
  const rowProblems = (index: number) => issues.get(rowKey('events', index)) ?? [];
  // The configuration's and the event list's own problems; every other one is shown on its row.
  const listProblems = [...(issues.get('') ?? []), ...(issues.get('events') ?? [])];

  return (
    <Theme.Provider theme="default">
      <Box padding="space80" overflow="auto" width="100%" data-testid="desktop-manager">
        <Heading as="h1" variant="heading20">
          {t('DesktopManagerTitle')}
        </Heading>
        <Paragraph>{t('DesktopManagerIntro')}</Paragraph>
        <Box display="flex" alignItems="center" marginBottom="space60">
          <Text as="span" color="colorTextWeak" data-testid="desktop-manager-version">
            {saved.version > 0 && saved.updatedAt
              ? t('DesktopManagerVersion', { version: saved.version, who: saved.updatedBy ?? '', time: formatTime(saved.updatedAt) })
              : t('DesktopManagerVersionDefault')}
          </Text>
          {dirty && (
            <Box marginLeft="space40">
              <Badge as="span" variant="warning">
                {t('DesktopManagerUnsaved')}
              </Badge>
            </Box>
          )}
        </Box>
        {notice && (
          <Box marginBottom="space60">
            <NoticeAlert notice={notice} t={t} formatTime={formatTime} onReload={() => void load()} onDismiss={() => setNotice(undefined)} />
          </Box>
        )}
        <Box display="flex" alignItems="center" marginBottom="space60">
          <Box marginRight="space40">
            <Button variant="secondary" onClick={() => setEditing({ index: events.length, form: emptyForm() })} disabled={conflict}>
              {t('DesktopManagerAdd')}
            </Button>
          </Box>
          <Box marginRight="space40">
            <Button variant="secondary" onClick={() => setShowHistory(true)}>
              {t('DesktopManagerHistory')}
            </Button>
          </Box>
          <Box flexGrow={1} />
          {dirty && (
            <Box marginRight="space40">
              <Button variant="secondary" onClick={() => setDraft(draftOf(saved))} disabled={saving}>
                {t('DesktopManagerDiscard')}
              </Button>
            </Box>
          )}
          <Button variant="primary" onClick={() => void save()} disabled={!dirty || issues.size > 0 || saving || conflict} loading={saving}>
            {saving ? t('DesktopManagerSaving') : t('DesktopManagerSave')}
          </Button>
        </Box>
        {issues.size > 0 && (
          <Box marginBottom="space40">
            <HelpText variant="error">{[t('DesktopManagerFixFirst'), ...listProblems.map((issue) => describeProblem(issue, t))].join(' ')}</HelpText>
          </Box>
        )}
        {events.length === 0 ? (
          <Paragraph>{t('DesktopManagerEmpty')}</Paragraph>
        ) : (
          <Table data-testid="desktop-manager-events">
            <THead>
              <Tr>
                <Th>{t('DesktopManagerColumnEvent')}</Th>
                <Th>{t('DesktopManagerColumnStart')}</Th>
                <Th>{t('DesktopManagerColumnAction')}</Th>
                <Th>{t('DesktopManagerColumnDuration')}</Th>
                <Th>{t('DesktopManagerColumnStop')}</Th>
                <Th>{t('DesktopManagerColumnStopAction')}</Th>
                <Th>{t('DesktopManagerColumnFields')}</Th>
                <Th>{t('DesktopManagerColumnActions')}</Th>
              </Tr>
            </THead>
            <TBody>
              {events.map((event, index) => (
                <Tr key={`${index}-${event.id}`} data-testid={`desktop-event-${event.id}`}>
                  <Td>
                    <Text as="div" fontWeight="fontWeightSemibold">
                      {event.name ?? event.id}
                    </Text>
                    <Text as="div" color="colorTextWeak" fontSize="fontSize20">
                      {event.id}
                    </Text>
                    {rowProblems(index).length > 0 && (
                      <HelpText variant="error">
                        {rowProblems(index)
                          .map((issue) => describeProblem(issue, t))
                          .join(' · ')}
                      </HelpText>
                    )}
                  </Td>
                  <Td>
                    <code>{event.startTrigger}</code>
                  </Td>
                  <Td>{t('DesktopManagerActionPause')}</Td>
                  <Td data-testid="duration">
                    {event.durationSeconds ? t('DesktopManagerSeconds', { seconds: event.durationSeconds }) : t('DesktopManagerUntilStop')}
                  </Td>
                  <Td>{event.stopTrigger ? <code>{event.stopTrigger}</code> : t('DesktopManagerNone')}</Td>
                  {/* The stop action follows the stop trigger or the duration, whichever comes first. */}
                  <Td>{t('DesktopManagerActionResume')}</Td>
                  <Td>
                    {(event.fields ?? []).length === 0
                      ? t('DesktopManagerNone')
                      : (event.fields ?? []).map((field) => (
                          <Text as="div" fontSize="fontSize20" key={`${field.origin} ${field.selector}`}>
                            <code>{field.selector}</code> · {field.origin}
                          </Text>
                        ))}
                    {event.keepPausedWhileFocused && (event.fields ?? []).length > 0 && (
                      <Text as="div" fontSize="fontSize20" color="colorTextWeak">
                        {t('DesktopManagerKeptPaused')}
                      </Text>
                    )}
                  </Td>
                  <Td>
                    <Box display="flex">
                      <Box marginRight="space30">
                        <Button
                          variant="secondary"
                          size="small"
                          onClick={() => setEditing({ index, form: formOf(event) })}
                          disabled={conflict}
                          aria-label={t('DesktopManagerEditNamed', { name: event.name ?? event.id })}
                        >
                          {t('DesktopManagerEdit')}
                        </Button>
                      </Box>
                      <Button
                        variant="destructive_secondary"
                        size="small"
                        onClick={() => setDraft({ ...draft, events: events.filter((_, at) => at !== index) })}
                        disabled={conflict}
                        aria-label={t('DesktopManagerDeleteNamed', { name: event.name ?? event.id })}
                      >
                        {t('DesktopManagerDelete')}
                      </Button>
                    </Box>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        <QueuePolicyEditor
          t={t}
          queuePolicies={draft.queuePolicies}
          issues={issues}
          disabled={conflict}
          onChange={(queuePolicies) => setDraft({ ...draft, queuePolicies })}
        />
        <PauseCapsEditor t={t} pauseCaps={draft.pauseCaps} issues={issues} disabled={conflict} onChange={(pauseCaps) => setDraft({ ...draft, pauseCaps })} />
        {editing && (
          <EventEditor
            t={t}
            events={events}
            index={editing.index}
            initial={editing.form}
            onCancel={() => setEditing(undefined)}
            onApply={(event) => {
              const next = [...events];
              next[editing.index] = event;
              setDraft({ ...draft, events: next });
              setEditing(undefined);
            }}
          />
        )}
        {showHistory && (
          <HistoryModal
            t={t}
            api={api}
            currentVersion={saved.version}
            formatTime={formatTime}
            onClose={() => setShowHistory(false)}
            onRevert={(version) => {
              setDraft(draftOf(version));
              setNotice({ kind: 'reverted', version: version.version });
              setShowHistory(false);
            }}
          />
        )}
      </Box>
    </Theme.Provider>
  );
}
