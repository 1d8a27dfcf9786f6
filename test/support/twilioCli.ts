/**
 * The commands of a guide's `sh` blocks, read as the shell reads them (quotes, `$VAR`, comments),
 * for a test to run them in order.
 */
import { readFileSync } from 'node:fs';

export interface GuideCommand {
  /** The command as the guide shows it, continuation lines joined. */
  text: string;
  words: string[];
  /** Variables the guide says to keep from the answer (`# its sid: SINK_SID`, `# its sid and secret: KEY, SECRET`). */
  keeps: string[];
}

/** Shell words of a line with `$VAR` expanded outside single quotes; stops at an unquoted comment. */
function shellWords(line: string, vars: Record<string, string>): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const expand = () => {
    const name = /^\$([A-Z_][A-Z0-9_]*)/.exec(line.slice(i))?.[1];
    if (!name) return '$';
    if (!(name in vars)) throw new Error(`the guide uses $${name}, which nothing set before: ${line}`);
    i += name.length;
    return vars[name];
  };
  for (; i < line.length; i++) {
    const char = line[i];
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      word ??= '';
      for (i++; line[i] !== '"'; i++) {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\' || line[i + 1] === '$')) word += line[++i];
        else if (line[i] === '$') word += expand();
        else word += line[i];
      }
    } else if (char === '$') {
      word = (word ?? '') + expand();
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '#' && word === undefined) {
      return { words, comment: line.slice(i + 1).trim() };
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return { words, comment: '' };
}

/** Every command of the guide's `sh` blocks, in order, continuation lines joined; `$VAR`s are expanded by `words`. */
export function* guideCommands(markdownFile: string): Generator<{ text: string; words: (vars: Record<string, string>) => GuideCommand }> {
  const markdown = readFileSync(markdownFile, 'utf8');
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].replace(/\\\n\s*/g, ' ').split('\n')) {
      const text = line.trim();
      if (!text || text.startsWith('#')) continue;
      yield {
        text,
        words: (vars) => {
          const { words, comment } = shellWords(text, vars);
          const keeps = /^its sid(?: and secret)?: (.+)$/.exec(comment)?.[1].split(/,\s*/) ?? [];
          return { text, words, keeps };
        },
      };
    }
  }
}
