import {describe, expect, it} from '@jest/globals';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {commandTable, renderReadme} from '../../scripts/readme.js';
import {repoRoot} from '../helpers/shared.js';

describe('README', () => {
  it('lists exactly the commands the CLI has (run "npm run readme" after adding one)', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8'));
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(renderReadme(readme, commandTable(manifest))).toBe(readme);
  });

  it('has the two Quick start commands', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test$/m);
  });
});
