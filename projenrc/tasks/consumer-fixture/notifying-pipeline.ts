import { App } from 'aws-cdk-lib';
import '@crosswalk/notifying-pipeline';

export function useNotifyingPipeline(_app: App): void {
  // Filled in as the package's constructs land.
}
