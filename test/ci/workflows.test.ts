// The GitHub workflows pass the workflow schema validator (action-validator),
// and say what the release process promises; .ci/run runs the README's lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('workflows', () => {
  for (const file of ['.github/workflows/release.yml', '.github/workflows/ci.yml']) {
    it(`${file} passes the workflow schema`, () => {
      const state = validateWorkflow(read(file));
      expect(state.actionType).toBe('workflow');
      expect(state.errors).toEqual([]);
    });
  }

  it('the validator refuses a job the schema does not allow', () => {
    const broken = read('.github/workflows/ci.yml').replace(
      'runs-on: ubuntu-latest',
      'runs_on: ubuntu-latest',
    );
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('release builds macOS arm64 and x64, Windows x64 and Linux x64, tests, signs when it can and drafts a release', () => {
    const release = read('.github/workflows/release.yml');
    for (const target of ['--mac --arm64', '--mac --x64', '--win --x64', '--linux --x64'])
      expect(release).toContain(`builder: ${target}`);
    expect(release).toContain('run: npm ci --no-audit --no-fund');
    for (const step of ['npm run lint', 'npm run typecheck', 'npm test', 'xvfb-run -a npm run test:electron'])
      expect(release).toContain(`run: ${step}`);
    // Signing only where its secrets are present.
    expect(release).toMatch(/HAS_MAC_SIGNING: \$\{\{ secrets\.MAC_CERTIFICATE_P12 != '' /);
    expect(release).toMatch(/if: matrix\.os == 'mac' && env\.HAS_MAC_SIGNING == 'true'/);
    expect(release).toMatch(/if: matrix\.os == 'win' && env\.HAS_WIN_SIGNING == 'true'/);
    expect(release).toContain('APPLE_APP_SPECIFIC_PASSWORD');
    expect(release).toContain('azureSignOptions');
    // The draft release carries the update feeds.
    expect(release).toContain('release/latest*.yml');
    expect(release).toMatch(/gh release create "\$version" --draft/);
  });

  it('CI runs .ci/run and the Linux Electron tests on pull requests', () => {
    const ci = read('.github/workflows/ci.yml');
    expect(ci).toMatch(/on:\n\s+pull_request:/);
    expect(ci).toContain('run: .ci/run');
    expect(ci).toContain('run: npm run test:electron');
  });

  it(".ci/run runs the README's two command lines", () => {
    const readme = read('README.md');
    const block = /## Run it, test it\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block
      .trim()
      .split('\n')
      .map((line) => line.replace(/\s*#.*$/, ''));
    expect(lines).toEqual(['npm run setup && npm run demo', 'npm run setup && npm test']);
    const run = read('.ci/run');
    expect(run).toContain('DEMO_LINE="$(readme_line 1)"');
    expect(run).toContain('TEST_LINE="$(readme_line 2)"');
    expect(run).toContain('bash -c "$TEST_LINE"');
  });
});
