/**
 * Another team's whole delivery, from the tarballs alone: a service in us-east-2 with three
 * environments (dev, staging, prod), one function behind a function URL, a canary in prod.
 * The build account gets the artifact store and the pipeline; each target account its
 * deployment roles (no bootstrap) and the service stack, whose code goes to the artifact
 * bucket. consumer-check then publishes the assets with one command and runs the doctor.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ConventionRolesCheck, CrossAccountDeploymentRoles, CrosswalkNaming, ServiceStackSynthesizer, TargetAccountSynthesizer,
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
    { name: 'dev', account: '111122223333', shift: TrafficShift.ALL_AT_ONCE, approval: false },
    { name: 'staging', account: '222233334444', shift: TrafficShift.ALL_AT_ONCE, approval: false },
    { name: 'prod', account: '333344445555', shift: TrafficShift.canary(10, 5), approval: true },
  ],
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

  // Build account: the artifact store (admitting every target account) and the pipeline.
  const build = new Stack(app, 'OrdersDelivery', { env: { account: DELIVERY.build, region: DELIVERY.region } });
  const store = new EncryptedArtifactStore(build, 'ArtifactStore', { naming, targetAccounts: DELIVERY.environments.map((e) => e.account) });
  new NotifyingPipeline(build, 'Pipeline', {
    naming,
    artifactBucket: store.bucket,
    artifactKey: store.key,
    source: { owner: 'orders-team', repo: 'orders', branch: 'main' },
    buildSpec: codebuild.BuildSpec.fromObject({
      version: '0.2',
      phases: { build: { commands: ['npm ci', 'npx cdk synth -q', `npx crosswalk publish-assets cdk.out ${DELIVERY.environments.map((e) => `--stack ${serviceStackName(e.name)}`).join(' ')}`] } },
      artifacts: { files: ['cdk.out/**/*'] },
    }),
    environments: DELIVERY.environments.map((e) => ({
      name: e.name[0].toUpperCase() + e.name.slice(1),
      account: e.account,
      stackName: serviceStackName(e.name),
      templatePath: `cdk.out/${serviceStackName(e.name)}.template.json`,
      requireApproval: e.approval,
      outputs: ['Url'],
    })),
    notificationEmails: ['orders-team@example.com'],
  });

  for (const env of DELIVERY.environments) {
    // The roles of the target account, deployed once by hand: no bootstrap needed.
    const roles = new Stack(app, `OrdersDeploymentRoles-${env.name}`, {
      env: { account: env.account, region: DELIVERY.region },
      synthesizer: new TargetAccountSynthesizer(),
    });
    new CrossAccountDeploymentRoles(roles, 'DeploymentRoles', { naming, buildAccountId: DELIVERY.build });

    // The service, deployed by the pipeline; its code comes from the artifact bucket.
    const service = new Stack(app, serviceStackName(env.name), {
      env: { account: env.account, region: DELIVERY.region },
      synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId: DELIVERY.build }),
    });
    CrossAccountDeploymentRoles.applyPermissionsBoundary(service, naming);
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
