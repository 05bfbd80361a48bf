import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadConfig } from '../../src/config';
import { runBuildStage } from '../../src/pipeline/build-stage';
import { BUILD_OUTPUT_DIR } from '../../src/pipeline/delivered-service';
import { CommandRunner } from '../../src/pipeline/publish-assets';
import { CODE_HASH, writeFakeAssembly } from './fake-assembly';

const config = loadConfig(undefined, {});

/** A repository root whose sample-api has been "synthesized" into the fake assembly. */
function fakeRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'repo-'));
  const assembly = join(root, 'apps', 'sample-api', 'cdk.out');
  mkdirSync(assembly, { recursive: true });
  writeFakeAssembly(assembly);
  return root;
}

describe('runBuildStage', () => {
  test('builds and tests through nx, synthesizes sample-api, publishes, then puts the templates where the pipeline reads them', () => {
    const root = fakeRepository();
    const steps: string[][] = [];
    const aws: string[][] = [];
    const awsRunner: CommandRunner = (argv) => {
      aws.push([...argv]);
      return { status: 0, stdout: '', stderr: '' }; // every object already exists
    };
    const result = runBuildStage({ repositoryRoot: root, config, runStep: (argv) => (steps.push([...argv]), 0), awsRunner, log: () => undefined });
    expect(steps).toEqual([
      ['npx', 'nx', 'run-many', '-t', 'build', 'test', '--output-style=stream'],
      ['npx', 'nx', 'run', '@crosswalk/sample-api:synth', '--output-style=stream'],
    ]);
    expect(aws.map((a) => a.slice(0, 3).join(' '))).toEqual(['aws s3api head-object', 'aws s3api head-object']);
    expect(result.templates).toEqual(['templates/Crosswalk-SampleApi-dev.template.json', 'templates/Crosswalk-SampleApi-prod.template.json']);
    for (const [i, env] of ['dev', 'prod'].entries()) {
      const copied = JSON.parse(readFileSync(join(root, BUILD_OUTPUT_DIR, result.templates[i]), 'utf-8'));
      expect(copied).toEqual({ Description: `${env} template` });
    }
    expect(result.published?.skipped).toContain(`s3://crosswalk-artifacts-111111111111-eu-west-1/assets/${CODE_HASH}.zip`);
  });

  test('--skip-build and --skip-publish: only the synth, no AWS call; templates still collected', () => {
    const root = fakeRepository();
    const steps: string[][] = [];
    const awsRunner: CommandRunner = () => {
      throw new Error('no AWS call expected');
    };
    const result = runBuildStage({
      repositoryRoot: root, config, skipBuild: true, skipPublish: true, runStep: (argv) => (steps.push([...argv]), 0), awsRunner, log: () => undefined,
    });
    expect(steps).toEqual([['npx', 'nx', 'run', '@crosswalk/sample-api:synth', '--output-style=stream']]);
    expect(result.published).toBeUndefined();
    expect(existsSync(join(root, BUILD_OUTPUT_DIR, 'templates', 'Crosswalk-SampleApi-prod.template.json'))).toBe(true);
  });

  test('fails at the first failing step, naming it', () => {
    const root = fakeRepository();
    expect(() => runBuildStage({ repositoryRoot: root, config, runStep: () => 2, log: () => undefined }))
      .toThrow('build and test the monorepo failed (exit 2): npx nx run-many -t build test --output-style=stream');
  });

  test('fails when the synthesis lacks a stack the pipeline deploys (config mismatch)', () => {
    const root = fakeRepository();
    const other = loadConfig({ projectName: 'Other' }, {});
    expect(() => runBuildStage({ repositoryRoot: root, config: other, skipBuild: true, skipPublish: true, runStep: () => 0, log: () => undefined }))
      .toThrow(/has no stack 'Other-SampleApi-dev'.*same config \(CROSSWALK_CONFIG\)/);
  });
});
