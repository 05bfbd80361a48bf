import { CrossAccountDeploymentRoles, CrosswalkNaming, ServiceStackSynthesizer } from '@crosswalk/cross-account-role';
import { AutoApprove, NotifyingPipeline, PipelineEnvironment } from '@crosswalk/notifying-pipeline';
import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AutoApproveName, CONFIG_ENV_VAR, CrosswalkConfig, DeliveryTarget, deliveryTargets, EnvironmentName, selfUpdates, validateConfig } from '../config';
import { BUILD_OUTPUT_DIR, buildAccountTemplatePath, DELIVERED_SERVICE, serviceStackName, serviceTemplatePath, testActionCommands } from '../pipeline/delivered-service';
import { ArtifactStoreStack } from './artifact-store-stack';
import { namingOf } from './naming';

/** The config's approval policies as the pipeline's enum. */
const AUTO_APPROVE: Record<AutoApproveName, AutoApprove> = {
  never: AutoApprove.NEVER,
  noChanges: AutoApprove.NO_CHANGES,
  lowRisk: AutoApprove.LOW_RISK,
};

/** Props of {@link PipelineStack}. */
export interface PipelineStackProps {
  /** The validated config: accounts, repository, people and per-environment settings. */
  readonly config: CrosswalkConfig;

  /** The artifact bucket of the build account (`ArtifactStoreStack.store.bucket`). */
  readonly artifactBucket: s3.IBucket;

  /** The artifact key of the build account (`ArtifactStoreStack.store.key`). */
  readonly artifactKey: kms.IKey;

  /**
   * The config override file, relative to the repository root, that the pipeline's build
   * must read too (it becomes `CROSSWALK_CONFIG` of the build). Without it the build
   * synthesizes the service with the built-in example config.
   * @default - no override file
   */
  readonly configFile?: string;
}

/** The test action after each deployment, by the suite it runs. */
const TEST_ACTION_NAMES: Record<EnvironmentName, string> = { dev: 'Integration', prod: 'Sanity' };

/** Where the Build stage keeps nx's task outputs between runs (the build cache), relative to the source. */
export const NX_TASK_CACHE_DIR = '.nx/task-cache';

/**
 * The Build stage's command (its buildspec's build phase, and what the bench measures): the
 * build-stage script, run by nx under the repository's own `tools/nx-cache.ts` over
 * `taskCacheDir`, from its TypeScript source because nothing of the workspace is built yet.
 */
export function buildStageCommand(taskCacheDir: string = NX_TASK_CACHE_DIR): string {
  return `npx ts-node --transpile-only tools/nx-cache.ts ${taskCacheDir} -- npx nx run @crosswalk/build-account:build-stage`;
}

/**
 * The build account's pipeline that delivers the sample API:
 * Source (GitHub) → Build (`npm ci`, then the build stage script: build + test, synth,
 * publish the code assets, collect the templates, bundle the suites) → Dev (deploy,
 * integration suite with `API_URL` from the stack's `ApiUrl` output) → Prod (change set →
 * approval → execute when the config requires approval, then the read-only sanity suite).
 * The suites run from their self-contained bundles in the build output, without `npm ci`.
 * Failures (and, by the config, successes and waiting approvals) reach the configured
 * email addresses.
 */
export class PipelineStack extends Stack {
  /** `<resourcePrefix>Pipeline`, e.g. `Crosswalk-Pipeline`. */
  public static stackNameFor(config: CrosswalkConfig): string {
    return `${namingOf(config).resourcePrefix}Pipeline`;
  }

  /**
   * The Build stage's buildspec: install, then one command (the logic is in
   * `src/pipeline/build-stage.ts`). npm's cache and nx's task outputs are kept between runs
   * (the pipeline's build cache): `npm ci` installs from the cache, and nx replays the build
   * and tests of every project a change did not touch. nx's cache keys cover each target's
   * inputs, and synth's include the config override and the commit it bakes in, so nothing
   * of another run's environment is replayed.
   *
   * The task outputs are served to nx by the repository's `tools/nx-cache.ts` (nx's self-hosted
   * remote cache protocol over `.nx/task-cache`), not kept as `.nx/cache`: nx indexes
   * `.nx/cache` in a database named after the machine id, and CodeBuild gives no assurance
   * that the next build runs on the same machine; a restored `.nx/cache` on another one is
   * never read.
   */
  public static buildSpec(): codebuild.BuildSpec {
    return codebuild.BuildSpec.fromObject({
      version: '0.2',
      phases: {
        install: { commands: ['npm ci --prefer-offline --no-audit --no-fund'] },
        build: { commands: [buildStageCommand()] },
      },
      artifacts: { 'base-directory': BUILD_OUTPUT_DIR, 'files': ['**/*'] },
      // https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html#build-spec.cache
      cache: { paths: ['/root/.npm/**/*', `${NX_TASK_CACHE_DIR}/**/*`] },
    });
  }

  public readonly naming: CrosswalkNaming;
  public readonly pipeline: NotifyingPipeline;

  /** The construct id is the stack name, so `cdk deploy <stack name>` selects it. */
  constructor(scope: Construct, props: PipelineStackProps) {
    const config = validateConfig(props.config, 'given to PipelineStack');
    const naming = namingOf(config);
    const stackName = PipelineStack.stackNameFor(config);
    super(scope, stackName, {
      stackName,
      env: { account: config.accounts.build, region: config.region },
      description: `${config.projectName} pipeline (build account): delivers the sample API to dev and prod`,
      // No bootstrap: the functions' code goes to the artifact bucket's assets/ (which the build
      // publishes for the self-update, and `cdk deploy` for a deployment by hand).
      synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId: config.accounts.build }),
    });
    this.naming = naming;
    if (props.configFile !== undefined && (props.configFile.trim() === '' || props.configFile.startsWith('/') || props.configFile.startsWith('..'))) {
      throw new Error(`configFile must be the path of the config override file relative to the repository root (the build checks out the repository), got '${props.configFile}'; commit the file and give e.g. 'crosswalk.config.json'`);
    }

    this.pipeline = new NotifyingPipeline(this, 'Pipeline', {
      naming,
      artifactBucket: props.artifactBucket,
      artifactKey: props.artifactKey,
      source: { ...config.github },
      buildSpec: PipelineStack.buildSpec(),
      buildEnvironmentVariables: props.configFile === undefined ? undefined : { [CONFIG_ENV_VAR]: { value: props.configFile } },
      environments: deliveryTargets(config).map((target) => this.pipelineEnvironment(config, target)),
      regionalArtifactKeyArns: regionalKeyArns(config),
      notificationEmails: [...config.notifications.emails],
      notifyOnSuccess: config.notifications.notifyOnSuccess ?? false,
      notifyOnApprovalWaiting: config.notifications.notifyOnApproval ?? true,
      approverGroupName: config.approvers?.groupName,
      selfUpdate: selfUpdates(config) ? {
        stacks: [ArtifactStoreStack.stackNameFor(config), stackName].map((name, i) => ({
          name: i === 0 ? 'ArtifactStore' : 'Pipeline',
          stackName: name,
          templatePath: buildAccountTemplatePath(name),
        })),
      } : undefined,
    });
    // The build account's execution role creates roles only under its permissions boundary.
    if (selfUpdates(config)) CrossAccountDeploymentRoles.applyPermissionsBoundary(this, naming);
  }

  private pipelineEnvironment(config: CrosswalkConfig, target: DeliveryTarget): PipelineEnvironment {
    const { settings } = target;
    return {
      name: target.stageName,
      // A wave of one is its environment's stages; a wave of several shares them.
      ...(target.sharesWave ? { wave: target.wave } : {}),
      account: target.account,
      ...(target.region !== config.region ? { region: target.region } : {}),
      stackName: serviceStackName(config, target),
      templatePath: serviceTemplatePath(config, target),
      requireApproval: settings.requireApproval,
      rollbackOnFailure: settings.rollbackOnFailure,
      deploymentWindow: settings.deploymentWindow,
      bakeTime: settings.bakeMinutes === undefined ? undefined : Duration.minutes(settings.bakeMinutes),
      revertOnAlarm: settings.revertOnAlarm,
      autoApprove: settings.autoApprove === undefined ? undefined : AUTO_APPROVE[settings.autoApprove],
      outputs: [DELIVERED_SERVICE.urlOutput],
      tests: [{
        name: TEST_ACTION_NAMES[target.kind],
        commands: testActionCommands(target.kind),
        environmentFromOutputs: { API_URL: DELIVERED_SERVICE.urlOutput },
      }],
    };
  }
}

/** The key ARN of each other region's artifact store, from the config. */
function regionalKeyArns(config: CrosswalkConfig): { [region: string]: string } | undefined {
  const arns = Object.entries(config.regions ?? {}).flatMap(([region, r]) => (r.artifactKeyArn === undefined ? [] : [[region, r.artifactKeyArn] as const]));
  return arns.length === 0 ? undefined : Object.fromEntries(arns);
}
