/** A small dialog to add tags and key=value metadata to the task (TagRecording). */
import * as React from 'react';
import { useState } from 'react';
import { Actions, Button } from '@twilio/flex-ui';
import { RecordingActions } from '../actions/recordingActions';
import { getRuntime } from '../flex/runtime';
import type { TaskLike } from '../flex/types';

export interface TagsDialogProps {
  task: TaskLike;
  onClose(): void;
}

/** "a=1\nb = two" → { a: "1", b: "two" }, or the number of the first bad line. */
export function parseMetadata(text: string): Record<string, string> | { badLine: number } {
  const metadata: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index].trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { badLine: index + 1 };
    metadata[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return metadata;
}

export function TagsDialog({ task, onClose }: TagsDialogProps) {
  const { t } = getRuntime();
  const [tags, setTags] = useState('');
  const [metadataText, setMetadataText] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const metadata = parseMetadata(metadataText);
    if ('badLine' in metadata && typeof metadata.badLine === 'number') {
      setError(t('RecordingControlsMetadataInvalid', { line: metadata.badLine }));
      return;
    }
    const tagList = tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    setSaving(true);
    setError(undefined);
    try {
      await Actions.invokeAction(RecordingActions.tag, {
        task,
        ...(tagList.length > 0 && { tags: tagList }),
        ...(Object.keys(metadata).length > 0 && { metadata }),
      });
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setSaving(false);
    }
  };

  return (
    <div style={{ position: 'fixed', inset: 0, background: 'rgba(0,0,0,0.3)', zIndex: 1000, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="recording-controls-tags-title"
        onSubmit={save}
        onKeyDown={(event) => event.key === 'Escape' && onClose()}
        style={{ background: '#fff', padding: 16, borderRadius: 4, minWidth: 320, display: 'flex', flexDirection: 'column', gap: 8 }}
      >
        <h2 id="recording-controls-tags-title" style={{ margin: 0, fontSize: 16 }}>
          {t('RecordingControlsTagsTitle')}
        </h2>
        <label>
          {t('RecordingControlsTagsLabel')}
          <input autoFocus value={tags} onChange={(event) => setTags(event.target.value)} style={{ display: 'block', width: '100%' }} />
        </label>
        <label>
          {t('RecordingControlsMetadataLabel')}
          <textarea rows={3} value={metadataText} onChange={(event) => setMetadataText(event.target.value)} style={{ display: 'block', width: '100%' }} />
        </label>
        {error && (
          <div role="alert" style={{ color: '#d61f1f' }}>
            {error}
          </div>
        )}
        <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
          <Button type="button" variant="secondary" onClick={onClose}>
            {t('RecordingControlsCancel')}
          </Button>
          <Button type="submit" variant="primary" disabled={saving}>
            {t('RecordingControlsSave')}
          </Button>
        </div>
      </form>
    </div>
  );
}
