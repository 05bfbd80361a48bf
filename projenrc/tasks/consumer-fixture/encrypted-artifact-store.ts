import { App } from 'aws-cdk-lib';
import '@crosswalk/encrypted-artifact-store';

export function useEncryptedArtifactStore(_app: App): void {
  // Filled in as the package's constructs land.
}
