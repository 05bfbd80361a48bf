import type { CrosswalkConfig } from './types';

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
