/**
 * The saved versions, newest first, a page at a time, with who saved each and when; any older one
 * can be reverted to, every section of it (events, queue policies, pause caps).
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Badge } from '@twilio-paste/core/badge';
import { Button } from '@twilio-paste/core/button';
import { Modal, ModalBody, ModalFooter, ModalFooterActions, ModalHeader, ModalHeading } from '@twilio-paste/core/modal';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { useUID } from '@twilio-paste/core/uid-library';
import type { ConfigApi, ConfigVersion } from './configApi';
import { policySummary } from './PolicyEditor';
import type { Translate } from './strings';

export interface HistoryModalProps {
  t: Translate;
  api: ConfigApi;
  /** The version in force (not offered for revert). */
  currentVersion: number;
  formatTime(iso: string): string;
  onRevert(version: ConfigVersion): void;
  onClose(): void;
}

export function HistoryModal({ t, api, currentVersion, formatTime, onRevert, onClose }: HistoryModalProps) {
  const headingId = useUID();
  const [versions, setVersions] = useState<ConfigVersion[]>();
  const [next, setNext] = useState<number>();
  const [problem, setProblem] = useState<string>();
  const open = React.useRef(true);
  const load = React.useCallback(
    (before?: number) =>
      api.history(before).then(
        (page) => {
          if (!open.current) return;
          setVersions((shown) => [...(before === undefined ? [] : (shown ?? [])), ...page.versions]);
          setNext(page.next);
        },
        (error: Error) => open.current && setProblem(error.message),
      ),
    [api],
  );
  useEffect(() => {
    open.current = true;
    void load();
    return () => {
      open.current = false;
    };
  }, [load]);

  return (
    <Modal isOpen onDismiss={onClose} size="wide" ariaLabelledby={headingId}>
      <ModalHeader>
        <ModalHeading as="h3" id={headingId}>
          {t('DesktopManagerHistoryTitle')}
        </ModalHeading>
      </ModalHeader>
      <ModalBody>
        {problem && <Alert variant="error">{t('DesktopManagerLoadFailed', { message: problem })}</Alert>}
        {!versions && !problem && <Paragraph>{t('DesktopManagerLoading')}</Paragraph>}
        {versions?.length === 0 && <Paragraph>{t('DesktopManagerHistoryEmpty')}</Paragraph>}
        {versions && versions.length > 0 && (
          <Table data-testid="desktop-manager-history">
            <THead>
              <Tr>
                <Th>{t('DesktopManagerHistoryVersion')}</Th>
                <Th>{t('DesktopManagerHistorySavedAt')}</Th>
                <Th>{t('DesktopManagerHistorySavedBy')}</Th>
                <Th>{t('DesktopManagerHistoryEvents')}</Th>
                <Th>{t('DesktopManagerHistoryPolicies')}</Th>
                <Th>{t('DesktopManagerColumnActions')}</Th>
              </Tr>
            </THead>
            <TBody>
              {versions.map((version) => (
                <Tr key={version.version} data-testid={`history-version-${version.version}`}>
                  <Td>{version.version}</Td>
                  <Td>{version.updatedAt ? formatTime(version.updatedAt) : ''}</Td>
                  <Td>{version.updatedBy}</Td>
                  <Td>
                    {version.events.map((event) => `${event.name ?? event.id}${event.durationSeconds ? ` (${event.durationSeconds} s)` : ''}`).join(', ')}
                  </Td>
                  <Td>{policySummary(version, t)}</Td>
                  <Td>
                    {version.version === currentVersion ? (
                      <Badge as="span" variant="success">
                        {t('DesktopManagerHistoryCurrent')}
                      </Badge>
                    ) : (
                      <Button variant="secondary" size="small" onClick={() => onRevert(version)}>
                        {t('DesktopManagerRevert')}
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        {next !== undefined && (
          <Button variant="secondary" size="small" onClick={() => void load(next)}>
            {t('DesktopManagerHistoryOlder')}
          </Button>
        )}
      </ModalBody>
      <ModalFooter>
        <ModalFooterActions>
          <Button variant="secondary" onClick={onClose}>
            {t('DesktopManagerClose')}
          </Button>
        </ModalFooterActions>
      </ModalFooter>
    </Modal>
  );
}
