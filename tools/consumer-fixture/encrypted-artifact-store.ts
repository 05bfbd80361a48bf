import { App, Stack } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';

export function useEncryptedArtifactStore(app: App): void {
  // The README's minimal example: the build account's store, readable by two target accounts.
  const naming = new CrosswalkNaming({ projectName: 'Consumer', region: 'eu-west-1' });
  const build = new Stack(app, 'ConsumerArtifactStore', { env: { account: '111111111111', region: naming.region } });
  const store = new EncryptedArtifactStore(build, 'ArtifactStore', {
    naming,
    targetAccounts: ['222222222222', '333333333333'],
  });
  store.addTargetAccount('444444444444');
}
