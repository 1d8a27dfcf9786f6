/**
 * Ctrl+Shift+<key> (default P) runs `action` (the plugin passes ToggleRecording), like Flex's own shortcuts
 * (Ctrl+Shift+H hold, Ctrl+Shift+M mute). Flex 2's KeyboardShortcutManager is used when present
 * so the shortcut is listed, throttled and remappable like the others; otherwise a keydown
 * listener does the same.
 */
interface ShortcutManagerLike {
  addShortcuts(shortcuts: Record<string, { action: () => void; name: string; throttle?: number }>): void;
  deleteShortcuts(keys: string[]): void;
}

export function registerToggleShortcut(shortcutManager: ShortcutManagerLike | undefined, key: string, name: string, action: () => void): () => void {
  if (!key) return () => undefined;

  if (shortcutManager && typeof shortcutManager.addShortcuts === 'function') {
    shortcutManager.addShortcuts({ [key]: { action, name, throttle: 1000 } });
    return () => shortcutManager.deleteShortcuts([key]);
  }

  const code = /^\d$/.test(key) ? `Digit${key}` : `Key${key}`;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey && event.shiftKey && event.code === code) {
      event.preventDefault();
      action();
    }
  };
  document.addEventListener('keydown', onKeyDown);
  return () => document.removeEventListener('keydown', onKeyDown);
}
