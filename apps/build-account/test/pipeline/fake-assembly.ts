import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

export const BUCKET = 'crosswalk-artifacts-111111111111-eu-west-1';
export const CODE_HASH = 'a'.repeat(64);
export const HOOK_HASH = 'b'.repeat(64);

/**
 * A cloud assembly shaped like the one `cdk synth` writes for sample-api (manifest.json,
 * one asset manifest per stack, asset directories, templates), small enough to read.
 * dev and prod share the code asset, as the real stacks do when the code is the same.
 */
export function writeFakeAssembly(dir: string, destination: Record<string, unknown> = {}): void {
  mkdirSync(join(dir, `asset.${CODE_HASH}`, 'lib'), { recursive: true });
  writeFileSync(join(dir, `asset.${CODE_HASH}`, 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: "ok" });\n');
  writeFileSync(join(dir, `asset.${CODE_HASH}`, 'lib', 'util.js'), 'module.exports = 42;\n');
  mkdirSync(join(dir, `asset.${HOOK_HASH}`), { recursive: true });
  writeFileSync(join(dir, `asset.${HOOK_HASH}`, 'index.js'), 'exports.handler = async () => undefined;\n');
  const artifacts: Record<string, unknown> = {};
  for (const env of ['dev', 'prod']) {
    const stack = `Crosswalk-SampleApi-${env}`;
    const file = (hash: string, name: string) => ({
      displayName: name,
      source: { path: `asset.${hash}`, packaging: 'zip' },
      destinations: { [`${env}-dest`]: { bucketName: BUCKET, objectKey: `assets/${hash}.zip`, region: 'eu-west-1', ...destination } },
    });
    writeFileSync(join(dir, `${stack}.assets.json`), JSON.stringify({
      version: '55.0.0',
      files: {
        [CODE_HASH]: file(CODE_HASH, 'VersionFunction/Code'),
        ...(env === 'dev' ? { [HOOK_HASH]: file(HOOK_HASH, 'VersionDeploy/PreTrafficHook/Resource/Code') } : {}),
        [`${env}template`]: {
          displayName: `${stack} Template`,
          source: { path: `${stack}.template.json`, packaging: 'file' },
          destinations: { [`${env}-dest`]: { bucketName: BUCKET, objectKey: `assets/${env}template.json`, region: 'eu-west-1' } },
        },
      },
      dockerImages: {},
    }));
    writeFileSync(join(dir, `${stack}.template.json`), JSON.stringify({ Description: `${env} template` }));
    artifacts[`${stack}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${stack}.assets.json` } };
    artifacts[stack] = {
      type: 'aws:cloudformation:stack',
      environment: `aws://${env === 'dev' ? '222222222222' : '333333333333'}/eu-west-1`,
      properties: { templateFile: `${stack}.template.json` },
      dependencies: [`${stack}.assets`],
      displayName: stack,
    };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
}

export const PIPELINE_CODE_HASH = 'c'.repeat(64);

/**
 * The build account's own stacks as `cdk synth` of this app writes them (self-update): the
 * store (no asset: TargetAccountSynthesizer) and the pipeline, whose function code goes to the
 * artifact bucket (ServiceStackSynthesizer).
 */
export function writeFakeBuildAccountAssembly(dir: string): void {
  mkdirSync(join(dir, `asset.${PIPELINE_CODE_HASH}`), { recursive: true });
  writeFileSync(join(dir, `asset.${PIPELINE_CODE_HASH}`, 'index.js'), 'exports.handler = async () => undefined;\n');
  const artifacts: Record<string, unknown> = {};
  for (const stack of ['Crosswalk-ArtifactStore', 'Crosswalk-Pipeline']) {
    writeFileSync(join(dir, `${stack}.template.json`), JSON.stringify({ Description: `${stack} template` }));
    const files = stack === 'Crosswalk-Pipeline' ? {
      [PIPELINE_CODE_HASH]: {
        displayName: 'Pipeline/PipelineChecks/Function/Code',
        source: { path: `asset.${PIPELINE_CODE_HASH}`, packaging: 'zip' },
        destinations: { 'build-dest': { bucketName: BUCKET, objectKey: `assets/${PIPELINE_CODE_HASH}.zip`, region: 'eu-west-1' } },
      },
    } : {};
    writeFileSync(join(dir, `${stack}.assets.json`), JSON.stringify({ version: '55.0.0', files, dockerImages: {} }));
    artifacts[`${stack}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${stack}.assets.json` } };
    artifacts[stack] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://111111111111/eu-west-1',
      properties: { templateFile: `${stack}.template.json` },
      dependencies: [`${stack}.assets`],
      displayName: stack,
    };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
}
