import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { packageRoot, resolveBuildInfo, resolveCommit } from '../../src/stacks/build-info';

describe('build info', () => {
  test('the pipeline\'s CodeBuild source version wins, cut to 7 characters', () => {
    expect(resolveCommit({ CODEBUILD_RESOLVED_SOURCE_VERSION: '0123456789abcdef0123456789abcdef01234567' })).toBe('0123456');
  });

  test('locally, the short commit of the checkout', () => {
    expect(resolveCommit({})).toMatch(/^[0-9a-f]{7,}$/);
  });

  test('outside a git checkout, unknown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-git-'));
    try {
      expect(resolveCommit({}, dir)).toBe('unknown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the version is the package\'s own', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require('../../package.json');
    expect(resolveBuildInfo({ CODEBUILD_RESOLVED_SOURCE_VERSION: 'feedfacecafe' })).toEqual({ version, commit: 'feedfac' });
  });

  test('the package is found from the compiled output as from the sources', () => {
    const root = packageRoot();
    expect(packageRoot(join(root, 'lib', 'src', 'stacks'))).toBe(root);
    expect(() => packageRoot(tmpdir())).toThrow(/cannot find the @crosswalk\/sample-api package above/);
  });
});
