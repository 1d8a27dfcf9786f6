/**
 * The `twilio api:…` commands of a guide, run as the twilio CLI runs them: each is one REST request
 * (`api:<domain>:<version>:<resources…>:<verb>`, every `--flag-name value` a `FlagName` parameter,
 * a flag given twice a repeated parameter, a flag without a value `true`), here sent to the local
 * stand-in with the account's credentials.
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

/** The commands of the guide's `sh` blocks that call Twilio's API, in order, with `vars` expanded as each is reached. */
export function* apiCommands(markdownFile: string, vars: Record<string, string>): Generator<GuideCommand> {
  const markdown = readFileSync(markdownFile, 'utf8');
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1].replace(/\\\n\s*/g, ' ').split('\n');
    for (const text of lines) {
      if (!/^twilio api:/.test(text.trim())) continue;
      const { words, comment } = shellWords(text, vars);
      const keeps = /^its sid(?: and secret)?: (.+)$/.exec(comment)?.[1].split(/,\s*/) ?? [];
      yield { text: text.trim(), words, keeps };
    }
  }
}

const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

/** The REST request a `twilio api:…` command makes. */
export function restRequest(words: string[], accountSid: string): { method: string; path: string; form: URLSearchParams } {
  const [, topic, ...flags] = words;
  // `api:core:…` is the 2010-04-01 API, named without a version; every other domain names its own.
  const [, domain, ...named] = topic.split(':');
  const [version, ...rest] = domain === 'core' ? ['2010-04-01', ...named] : named;
  const verb = rest.pop();
  const form = new URLSearchParams();
  let sid: string | undefined;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    if (!flag.startsWith('--')) throw new Error(`not a flag: ${flag}`);
    const value = flags[i + 1] !== undefined && !flags[i + 1].startsWith('--') ? flags[++i] : 'true';
    if (flag === '--sid') sid = value;
    else form.append(pascal(flag.slice(2)), value);
  }
  const resources = rest.map(pascal).join('/');
  const base = domain === 'core' ? `/${version}/Accounts/${accountSid}/${resources}` : `/${version}/${resources}`;
  const path = `${base}${sid ? `/${sid}` : ''}${domain === 'core' ? '.json' : ''}`;
  const method = verb === 'fetch' || verb === 'list' ? 'GET' : verb === 'remove' ? 'DELETE' : 'POST';
  return { method, path, form };
}
