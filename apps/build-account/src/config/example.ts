import type { CrosswalkConfig, PartialConfig } from './types';

/**
 * A complete, valid, fictional config so that a fresh clone synthesizes every stack.
 * Replace it for a real installation without editing code: point `CROSSWALK_CONFIG`
 * at a JSON file with the fields to change (it is deep-merged over this one).
 */
export const EXAMPLE_CONFIG: CrosswalkConfig = {
  projectName: 'Crosswalk',
  region: 'eu-west-1',
  accounts: {
    build: '111111111111',
    dev: '222222222222',
    prod: '333333333333',
  },
  github: {
    owner: 'example-org',
    repo: 'crosswalk',
    branch: 'main',
  },
  notifications: {
    emails: ['delivery-team@example.com'],
    notifyOnSuccess: false,
    notifyOnApproval: true,
  },
  approvers: {},
  environments: {
    dev: {
      trafficShift: 'AllAtOnce',
      requireApproval: false,
      logRetentionDays: 14,
      throttling: { rateLimit: 50, burstLimit: 100 },
      alarms: { api5xxErrors: 1, lambdaErrors: 1 },
      retainData: false,
      rollbackOnFailure: true,
      bakeMinutes: 0,
    },
    prod: {
      trafficShift: 'Linear10PercentEvery1Minute',
      requireApproval: true,
      logRetentionDays: 365,
      throttling: { rateLimit: 200, burstLimit: 400 },
      alarms: { api5xxErrors: 1, lambdaErrors: 1 },
      retainData: true,
      // A change set executes once: prod relies on CloudFormation's and CodeDeploy's rollbacks.
      bakeMinutes: 10,
    },
  },
};

/**
 * A variant of the example in three waves and two regions, as the overrides a config file
 * would hold (deep-merged over `EXAMPLE_CONFIG`): dev alone; then staging in eu-west-1 and
 * us-west-2 together; then prod in both regions, reviewed and approved once for the wave.
 * The key ARN of us-west-2's artifact store is fictional, like the accounts.
 */
export const EXAMPLE_WAVES_OVERRIDES: PartialConfig = {
  waves: [
    { name: 'Dev', environments: [{ name: 'dev', account: '222222222222', extends: 'dev' }] },
    { name: 'Staging', environments: [{ name: 'staging', account: '444444444444', regions: ['eu-west-1', 'us-west-2'], extends: 'dev', trafficShift: 'Canary10Percent5Minutes' }] },
    { name: 'Prod', environments: [{ name: 'prod', account: '333333333333', regions: ['eu-west-1', 'us-west-2'], extends: 'prod' }] },
  ],
  regions: {
    // eslint-disable-next-line @cdklabs/no-literal-partition -- the example's fictional ARN, in the partition of its region eu-west-1
    'us-west-2': { artifactKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
  },
};
