import { App, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { NotifyingPipeline } from '@crosswalk/notifying-pipeline';

/** The README's minimal example: dev, then prod with approval. */
export function useNotifyingPipeline(app: App): void {
  const naming = new CrosswalkNaming({ projectName: 'Consumer', region: 'eu-west-1' });
  const stack = new Stack(app, 'ConsumerPipeline', { env: { account: '111111111111', region: naming.region } });
  const store = new EncryptedArtifactStore(stack, 'ArtifactStore', {
    naming,
    targetAccounts: ['222222222222', '333333333333'],
  });

  new NotifyingPipeline(stack, 'Pipeline', {
    naming,
    artifactBucket: store.bucket,
    artifactKey: store.key,
    source: { owner: 'my-org', repo: 'consumer', branch: 'main' },
    buildSpec: codebuild.BuildSpec.fromObject({
      version: '0.2',
      phases: { build: { commands: ['npm ci', 'npx projen build'] } },
      artifacts: { files: ['**/*'] },
    }),
    environments: [
      {
        name: 'Dev',
        account: '222222222222',
        stackName: 'Consumer-SampleApi-Dev',
        templatePath: 'apps/sample-api/cdk.out/Dev.template.json',
        outputs: ['ApiUrl'],
        tests: [{
          name: 'Integration',
          commands: ['npm ci', 'npx projen --cwd apps/sample-api integ'],
          environmentFromOutputs: { API_URL: 'ApiUrl' },
        }],
      },
      {
        name: 'Prod',
        account: '333333333333',
        stackName: 'Consumer-SampleApi-Prod',
        templatePath: 'apps/sample-api/cdk.out/Prod.template.json',
        requireApproval: true,
        outputs: ['ApiUrl'],
        tests: [{
          name: 'Sanity',
          commands: ['npm ci', 'npx projen --cwd apps/sample-api sanity'],
          environmentFromOutputs: { API_URL: 'ApiUrl' },
        }],
      },
    ],
    notificationEmails: ['team@example.com'],
  });
}
