/**
 * Another team's whole delivery, from the tarballs alone: a service in four environments in
 * two regions, one pipeline in us-east-2: a first wave of dev (us-east-2) and staging
 * (us-west-2) together, then a reviewed wave of prod in both regions, one approval for the
 * wave. One function behind a function URL, a canary in prod. The build account gets an
 * artifact store per region, its own deployment roles and the pipeline, which updates the
 * store and itself after a review (self-update); each target account its deployment roles per
 * region and the service stack, whose code goes to its region's artifact bucket. No account is
 * bootstrapped. consumer-check then publishes the assets with one command and runs the doctor.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  BuildAccountDeploymentRoles, ConventionRolesCheck, CrossAccountDeploymentRoles, CrosswalkNaming, ServiceStackSynthesizer, TargetAccountSynthesizer,
} from '@crosswalk/cross-account-role';
import { DeployRules } from '@crosswalk/deploy-rules';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { NotifyingPipeline } from '@crosswalk/notifying-pipeline';
import { SafeLambdaDeploy, TrafficShift } from '@crosswalk/safe-lambda-deploy';

export const DELIVERY_OUTDIR = 'delivery.out';
export const DELIVERY = {
  project: 'Orders',
  region: 'us-east-2',
  build: '444455556666',
  environments: [
    { name: 'dev', account: '111122223333', region: 'us-east-2', wave: 'Early', shift: TrafficShift.ALL_AT_ONCE, approval: false },
    { name: 'staging', account: '222233334444', region: 'us-west-2', wave: 'Early', shift: TrafficShift.ALL_AT_ONCE, approval: false },
    { name: 'prod', account: '333344445555', region: 'us-east-2', wave: 'Prod', shift: TrafficShift.canary(10, 5), approval: true },
    { name: 'prod-west', account: '333344445555', region: 'us-west-2', wave: 'Prod', shift: TrafficShift.canary(10, 5), approval: true },
  ],
  /** The key of the us-west-2 store, as the team copies it once that store is deployed (CodePipeline names a cross-account action's key by ARN). */
  westKeyArn: 'arn:aws:kms:us-west-2:444455556666:key/6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
};

export const serviceStackName = (env: string) => `${DELIVERY.project}-Service-${env}`;

export function synthesizeDelivery(): void {
  const naming = new CrosswalkNaming({ projectName: DELIVERY.project, region: DELIVERY.region });
  const app = new App({ outdir: DELIVERY_OUTDIR });
  Validations.of(app).addPlugins(
    new DeployRules({ naming }),
    new ConventionRolesCheck({ naming, buildAccountId: DELIVERY.build }),
  );

  // The service's code, as the team's own build would produce it.
  const code = join(DELIVERY_OUTDIR, '..', 'delivery-code');
  mkdirSync(code, { recursive: true });
  writeFileSync(join(code, 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ orders: [] }) });\n');

  // Build account: its own roles (deployed by hand), an artifact store per region (admitting the
  // accounts deployed to there) and the pipeline, whose functions' code goes to the store's bucket.
  const accountsIn = (region: string) => [...new Set(DELIVERY.environments.filter((e) => e.region === region).map((e) => e.account))];
  const buildEnv = { account: DELIVERY.build, region: DELIVERY.region };
  const buildRoles = new Stack(app, 'OrdersDeploymentRoles-build', { env: buildEnv, synthesizer: new TargetAccountSynthesizer() });
  new BuildAccountDeploymentRoles(buildRoles, 'DeploymentRoles', { naming });
  const storeStack = new Stack(app, 'Orders-ArtifactStore', { env: buildEnv, synthesizer: new TargetAccountSynthesizer() });
  const store = new EncryptedArtifactStore(storeStack, 'ArtifactStore', { naming, targetAccounts: accountsIn(DELIVERY.region) });
  const build = new Stack(app, 'Orders-Pipeline', { env: buildEnv, synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId: DELIVERY.build }) });
  const west = new Stack(app, 'OrdersDeliveryWest', { env: { account: DELIVERY.build, region: 'us-west-2' }, synthesizer: new TargetAccountSynthesizer() });
  new EncryptedArtifactStore(west, 'ArtifactStore', { naming: naming.forRegion('us-west-2'), targetAccounts: accountsIn('us-west-2') });
  new NotifyingPipeline(build, 'Pipeline', {
    naming,
    artifactBucket: store.bucket,
    artifactKey: store.key,
    regionalArtifactKeyArns: { 'us-west-2': DELIVERY.westKeyArn },
    source: { owner: 'orders-team', repo: 'orders', branch: 'main' },
    buildSpec: codebuild.BuildSpec.fromObject({
      version: '0.2',
      phases: { build: { commands: ['npm ci', 'npx cdk synth -q', `npx crosswalk publish-assets cdk.out ${[...DELIVERY.environments.map((e) => serviceStackName(e.name)), 'Orders-Pipeline'].map((n) => `--stack ${n}`).join(' ')}`] } },
      artifacts: { files: ['cdk.out/**/*'] },
    }),
    environments: DELIVERY.environments.map((e) => ({
      name: e.name.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join(''),
      wave: e.wave,
      account: e.account,
      region: e.region,
      stackName: serviceStackName(e.name),
      templatePath: `cdk.out/${serviceStackName(e.name)}.template.json`,
      requireApproval: e.approval,
      outputs: ['Url'],
    })),
    notificationEmails: ['orders-team@example.com'],
    // The store's stack, then this one, from the build output, reviewed like prod.
    selfUpdate: {
      stacks: ['Orders-ArtifactStore', 'Orders-Pipeline'].map((stackName) => ({
        name: stackName.replace('Orders-', ''), stackName, templatePath: `cdk.out/${stackName}.template.json`,
      })),
    },
  });
  CrossAccountDeploymentRoles.applyPermissionsBoundary(build, naming);

  for (const env of DELIVERY.environments) {
    // The names of the environment's region: its roles, its artifact store.
    const regional = naming.forRegion(env.region);
    // The roles of the target account in that region, deployed once by hand: no bootstrap needed.
    const roles = new Stack(app, `OrdersDeploymentRoles-${env.name}`, {
      env: { account: env.account, region: env.region },
      synthesizer: new TargetAccountSynthesizer(),
    });
    new CrossAccountDeploymentRoles(roles, 'DeploymentRoles', { naming: regional, buildAccountId: DELIVERY.build });

    // The service, deployed by the pipeline; its code comes from its region's artifact bucket.
    const service = new Stack(app, serviceStackName(env.name), {
      env: { account: env.account, region: env.region },
      synthesizer: new ServiceStackSynthesizer({ naming: regional, buildAccountId: DELIVERY.build }),
    });
    CrossAccountDeploymentRoles.applyPermissionsBoundary(service, regional);
    const fn = new lambda.Function(service, 'Orders', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
    });
    const deploy = new SafeLambdaDeploy(service, 'OrdersDeploy', {
      lambdaFunction: fn,
      trafficShift: env.shift,
      enablePostTrafficHook: false,
    });
    const url = deploy.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(service, 'Url', { value: url.url });
  }
  app.synth();
}
