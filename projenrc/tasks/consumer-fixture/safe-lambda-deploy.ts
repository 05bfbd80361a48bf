import { App } from 'aws-cdk-lib';
import '@crosswalk/safe-lambda-deploy';

export function useSafeLambdaDeploy(_app: App): void {
  // Filled in as the package's constructs land.
}
