/**
 * Adding or editing one desktop item event, in a Paste modal. Every keystroke is checked by the
 * core's validator against the whole list (so a duplicate id shows too), and each problem appears
 * under its field; Apply takes the event into the draft once it has none.
 */
import * as React from 'react';
import { useMemo, useState } from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Checkbox } from '@twilio-paste/core/checkbox';
import { Heading } from '@twilio-paste/core/heading';
import { HelpText } from '@twilio-paste/core/help-text';
import { Input } from '@twilio-paste/core/input';
import { Label } from '@twilio-paste/core/label';
import { Modal, ModalBody, ModalFooter, ModalFooterActions, ModalHeader, ModalHeading } from '@twilio-paste/core/modal';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Stack } from '@twilio-paste/core/stack';
import { useUID } from '@twilio-paste/core/uid-library';
import type { DesktopItemEvent } from '../../core/desktopEvents';
import { EventForm, eventOf, issuesByRow, problemsByPlace, rowKey } from './draft';
import type { Translate } from './strings';

export interface EventEditorProps {
  t: Translate;
  /** The draft's events; `index` is the one edited, or the list's length for a new one. */
  events: DesktopItemEvent[];
  index: number;
  initial: EventForm;
  onApply(event: DesktopItemEvent): void;
  onCancel(): void;
}

type TextField = 'name' | 'id' | 'startTrigger' | 'durationSeconds' | 'stopTrigger';

export function EventEditor({ t, events, index, initial, onApply, onCancel }: EventEditorProps) {
  const [form, setForm] = useState<EventForm>(initial);
  const headingId = useUID();
  const idBase = useUID();
  const original = events[index];
  const candidate = eventOf(form, original);
  // Checked again when what the form makes changes, not for every render's new object (`t` is fixed per view).
  const candidateKey = JSON.stringify(candidate);
  const problems = useMemo(() => {
    const list = [...events];
    list[index] = candidate;
    return problemsByPlace(issuesByRow({ events: list }).get(rowKey('events', index)) ?? [], t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [candidateKey, events, index]);

  const set = (field: TextField) => (event: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [field]: event.target.value });
  const setCrm = (row: number, key: 'selector' | 'origin') => (event: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, fields: form.fields.map((field, at) => (at === row ? { ...field, [key]: event.target.value } : field)) });

  const errorOf = (place: string) => problems.get(place);
  // A number field is text with a numeric keyboard: a browser's number input reports "abc" as
  // empty, and the admin would be told the wrong problem.
  const textField = (field: TextField, label: string, help: string, options: { required?: boolean; numeric?: boolean } = {}) => {
    const id = `${idBase}-${field}`;
    const error = errorOf(field);
    return (
      <Box key={field}>
        <Label htmlFor={id} required={options.required}>
          {label}
        </Label>
        <Input
          id={id}
          name={field}
          type="text"
          inputMode={options.numeric ? 'numeric' : undefined}
          value={form[field]}
          onChange={set(field)}
          hasError={!!error}
          aria-describedby={`${id}-help`}
          required={options.required}
          data-testid={`editor-${field}`}
        />
        <HelpText id={`${id}-help`} variant={error ? 'error' : 'default'}>
          {error ?? help}
        </HelpText>
      </Box>
    );
  };
  const eventProblem = errorOf('');
  const valid = problems.size === 0;

  return (
    <Modal isOpen onDismiss={onCancel} size="wide" ariaLabelledby={headingId}>
      <ModalHeader>
        <ModalHeading as="h3" id={headingId}>
          {original ? t('DesktopManagerEditorEditTitle', { name: original.name ?? original.id }) : t('DesktopManagerEditorAddTitle')}
        </ModalHeading>
      </ModalHeader>
      <ModalBody>
        <Stack orientation="vertical" spacing="space60">
          {textField('name', t('DesktopManagerFieldName'), t('DesktopManagerFieldNameHelp'))}
          {textField('id', t('DesktopManagerFieldId'), t('DesktopManagerFieldIdHelp'), { required: true })}
          {textField('startTrigger', t('DesktopManagerFieldStart'), t('DesktopManagerFieldStartHelp'), { required: true })}
          {textField('durationSeconds', t('DesktopManagerFieldDuration'), t('DesktopManagerFieldDurationHelp'), { numeric: true })}
          {textField('stopTrigger', t('DesktopManagerFieldStop'), t('DesktopManagerFieldStopHelp'))}
          {eventProblem && (
            <HelpText variant="error" data-testid="editor-event-problem">
              {eventProblem}
            </HelpText>
          )}
          <Box>
            <Heading as="h4" variant="heading50">
              {t('DesktopManagerCrmTitle')}
            </Heading>
            <Paragraph>{t('DesktopManagerCrmHelp')}</Paragraph>
            <Stack orientation="vertical" spacing="space40">
              {form.fields.map((field, row) => {
                const selectorError = errorOf(`fields.${row}.selector`);
                const originError = errorOf(`fields.${row}.origin`);
                return (
                  <Box key={row} display="flex" alignItems="flex-start" data-testid={`editor-crm-${row}`}>
                    <Box flexGrow={1} marginRight="space40">
                      <Label htmlFor={`${idBase}-selector-${row}`}>{t('DesktopManagerCrmSelector')}</Label>
                      <Input
                        id={`${idBase}-selector-${row}`}
                        type="text"
                        value={field.selector}
                        onChange={setCrm(row, 'selector')}
                        hasError={!!selectorError}
                        placeholder="input[name=cardNumber]"
                      />
                      {selectorError && <HelpText variant="error">{selectorError}</HelpText>}
                    </Box>
                    <Box flexGrow={1} marginRight="space40">
                      <Label htmlFor={`${idBase}-origin-${row}`}>{t('DesktopManagerCrmOrigin')}</Label>
                      <Input
                        id={`${idBase}-origin-${row}`}
                        type="text"
                        value={field.origin}
                        onChange={setCrm(row, 'origin')}
                        hasError={!!originError}
                        placeholder="https://crm.example.com"
                      />
                      {originError && <HelpText variant="error">{originError}</HelpText>}
                    </Box>
                    <Box paddingTop="space80">
                      <Button variant="secondary" size="small" onClick={() => setForm({ ...form, fields: form.fields.filter((_, at) => at !== row) })}>
                        {t('DesktopManagerCrmRemove')}
                      </Button>
                    </Box>
                  </Box>
                );
              })}
              {errorOf('fields') && <HelpText variant="error">{errorOf('fields')}</HelpText>}
              <Box>
                <Button variant="secondary" size="small" onClick={() => setForm({ ...form, fields: [...form.fields, { selector: '', origin: '' }] })}>
                  {t('DesktopManagerCrmAdd')}
                </Button>
              </Box>
              <Checkbox
                id={`${idBase}-keep`}
                checked={form.keepPausedWhileFocused}
                onChange={(event) => setForm({ ...form, keepPausedWhileFocused: event.target.checked })}
                helpText={t('DesktopManagerKeepPausedHelp')}
              >
                {t('DesktopManagerKeepPaused')}
              </Checkbox>
            </Stack>
          </Box>
        </Stack>
      </ModalBody>
      <ModalFooter>
        <ModalFooterActions>
          <Button variant="secondary" onClick={onCancel}>
            {t('DesktopManagerCancel')}
          </Button>
          <Button variant="primary" disabled={!valid} onClick={() => valid && onApply(candidate)}>
            {t('DesktopManagerApply')}
          </Button>
        </ModalFooterActions>
      </ModalFooter>
    </Modal>
  );
}
