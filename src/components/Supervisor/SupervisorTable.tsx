/**
 * How the Recording Controls view looks, in Paste: the page, and one row per call. The columns keep
 * their widths whatever the rows say (a fixed table layout), the call SID breaks rather than
 * overflows, and a row's buttons wrap onto more lines in a narrow view instead of being cut off.
 * Force resume asks first, in an alert dialog (focus moved into it and kept there, Escape cancels).
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { AlertDialog } from '@twilio-paste/core/alert-dialog';
import { Badge, type BadgeProps } from '@twilio-paste/core/badge';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { Input } from '@twilio-paste/core/input';
import { Label } from '@twilio-paste/core/label';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import { Theme } from '@twilio-paste/core/theme';
import { useUID } from '@twilio-paste/core/uid-library';
import type { Tone } from '../../flex/describe';
import type { CallRowModel, RowAction, SupervisorPageProps } from './spec';

const badgeOf: Record<Tone, BadgeProps['variant']> = {
  recording: 'success',
  paused: 'warning',
  absent: 'neutral',
  unknown: 'neutral',
  error: 'error',
};

const colorOf = { error: 'colorTextError', warning: 'colorTextWarningStrong' } as const;

/** Agent, call, state, holds, actions: the actions wide enough for the three buttons in a row, never narrower than the widest. */
const COLUMN_WIDTHS = ['12%', '22%', undefined, '20%', 'clamp(9rem, 24%, 20rem)'];

function ActionButton({ action }: { action: RowAction }) {
  const [asking, setAsking] = useState(false);
  // Paste's alert dialog leaves Escape alone (its content drops key handlers); a dialog's keyboard users expect it to cancel.
  useEffect(() => {
    if (!asking) return undefined;
    const cancelOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setAsking(false);
    };
    // Captured: the dialog's overlay stops the key from bubbling any further.
    document.addEventListener('keydown', cancelOnEscape, true);
    return () => document.removeEventListener('keydown', cancelOnEscape, true);
  }, [asking]);
  return (
    <>
      <Button
        size="small"
        variant={action.destructive ? 'destructive_secondary' : 'secondary'}
        disabled={!action.enabled}
        aria-label={action.name}
        onClick={() => (action.confirm ? setAsking(true) : action.run())}
      >
        {action.label}
      </Button>
      {action.confirm && (
        <AlertDialog
          heading={action.confirm.heading}
          isOpen={asking}
          destructive={action.destructive}
          onConfirmLabel={action.confirm.confirmLabel}
          onDismissLabel={action.confirm.cancelLabel}
          onDismiss={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            // The call may have changed while the dialog was open.
            if (action.enabled) action.run();
          }}
        >
          <Box fontFamily="fontFamilyCode" fontSize="fontSize20" wordBreak="break-all" marginBottom="space30">
            {action.confirm.call}
          </Box>
          {action.confirm.body}
        </AlertDialog>
      )}
    </>
  );
}

export function CallRow({ row }: { row: CallRowModel }) {
  return (
    <Tr data-testid={row.testId} verticalAlign="top">
      <Td>{row.agent}</Td>
      <Td>
        <Box fontFamily="fontFamilyCode" fontSize="fontSize20" wordBreak="break-all">
          {row.callName}
        </Box>
        {row.from && (
          <Text as="div" color="colorTextWeak" fontSize="fontSize20">
            {row.from}
          </Text>
        )}
      </Td>
      <Td>
        <Badge as="span" variant={badgeOf[row.state.tone]} data-testid="recording-state">
          {row.state.text}
        </Badge>
        {row.outOfSync && (
          <Text as="div" color="colorTextError" marginTop="space20">
            {row.outOfSync}
          </Text>
        )}
        <Box data-testid="recording-alerts">
          {row.alerts.map((alert) => (
            <Text
              as="div"
              key={alert.id}
              role="status"
              data-testid={`alert-${alert.id}`}
              color={colorOf[alert.severity]}
              fontWeight="fontWeightSemibold"
              marginTop="space20"
            >
              {alert.text}
            </Text>
          ))}
        </Box>
      </Td>
      <Td>
        {row.holds.length > 0 && (
          <Box as="ul" margin="space0" padding="space0" listStyleType="none">
            {row.holds.map((hold) => (
              <Box as="li" key={hold.id} marginBottom="space20">
                <Text as="div">{hold.name}</Text>
                <Text as="div" color="colorTextWeak" fontSize="fontSize20">
                  {hold.detail}
                </Text>
              </Box>
            ))}
          </Box>
        )}
      </Td>
      <Td>
        <Box display="flex" flexWrap="wrap" columnGap="space30" rowGap="space30">
          {row.actions.map((action) => (
            <ActionButton key={action.label} action={action} />
          ))}
        </Box>
      </Td>
    </Tr>
  );
}

export function SupervisorPage({ title, intro, notes, watch, columns, empty, children }: SupervisorPageProps) {
  const sidInput = useUID();
  return (
    <Theme.Provider theme="default">
      <Box padding="space70" width="100%" overflow="auto" data-testid="supervisor-view">
        <Heading as="h1" variant="heading20">
          {title}
        </Heading>
        <Text as="p" color="colorTextWeak" marginBottom="space50">
          {intro}
        </Text>
        {notes.map((note) => (
          <Text
            as="p"
            key={note.testId}
            role="status"
            data-testid={note.testId}
            color={colorOf[note.severity]}
            fontWeight="fontWeightSemibold"
            marginBottom="space50"
          >
            {note.text}
          </Text>
        ))}
        <Box
          as="form"
          display="flex"
          alignItems="flex-end"
          flexWrap="wrap"
          columnGap="space40"
          rowGap="space30"
          marginBottom="space60"
          onSubmit={(event: React.FormEvent) => {
            event.preventDefault();
            watch.onSubmit();
          }}
        >
          <Box width="size40" maxWidth="100%">
            <Label htmlFor={sidInput}>{watch.label}</Label>
            <Input id={sidInput} type="text" value={watch.value} pattern={watch.pattern} onChange={(event) => watch.onChange(event.target.value)} />
          </Box>
          <Button type="submit" variant="secondary">
            {watch.button}
          </Button>
        </Box>
        {empty !== undefined ? (
          <Text as="p">{empty}</Text>
        ) : (
          <Table tableLayout="fixed">
            <colgroup>
              {COLUMN_WIDTHS.map((width, index) => (
                <col key={index} style={width ? { width } : undefined} />
              ))}
            </colgroup>
            <THead>
              <Tr>
                <Th>{columns.agent}</Th>
                <Th>{columns.call}</Th>
                <Th>{columns.state}</Th>
                <Th>{columns.holds}</Th>
                <Th>{columns.actions}</Th>
              </Tr>
            </THead>
            <TBody>
              <>{children}</>
            </TBody>
          </Table>
        )}
      </Box>
    </Theme.Provider>
  );
}
