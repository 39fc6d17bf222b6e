/**
 * Regenerates the command list in README.md (between the `<!-- commands -->` markers) from the oclif manifest.
 * Run after `npm run build`: `npm run readme`. `--check` exits 1 when README.md is out of date.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  hidden?: boolean;
}

/** The markdown table of commands, sorted by id, from a parsed oclif manifest. */
export function commandTable(manifest: {commands: Record<string, ManifestCommand>}): string {
  const rows = Object.values(manifest.commands)
    .filter((c) => !c.hidden)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => {
      const text = (c.summary ?? c.description ?? '').split('\n')[0].replace(/\|/g, '\\|');
      return `| \`secretai ${c.id.replace(/:/g, ' ')}\` | ${text} |`;
    });
  return ['| command | what it does |', '|---|---|', ...rows].join('\n');
}

export function renderReadme(readme: string, table: string): string {
  const start = '<!-- commands -->';
  const end = '<!-- commandsstop -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error('README.md has no <!-- commands --> … <!-- commandsstop --> markers');
  return `${readme.slice(0, i + start.length)}\n${table}\n${readme.slice(j)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
  const file = path.join(root, 'README.md');
  const current = readFileSync(file, 'utf8');
  const next = renderReadme(current, commandTable(manifest));
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md command list is out of date: run "npm run build && npm run readme"');
      process.exit(1);
    }
  } else writeFileSync(file, next);
}
