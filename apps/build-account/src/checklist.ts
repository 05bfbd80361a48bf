/**
 * The first-deployment checklist of an installation, written with ITS names: the config's
 * project name, accounts, region, stacks, pipeline and connection. `npx nx run
 * @crosswalk/build-account:checklist` prints it for the config of `CROSSWALK_CONFIG`; the
 * deployment guide shows it for the built-in example config (a test keeps the two in step).
 */
import { CrosswalkConfig, deliveryRegions, loadConfig, rolesTargets, selfUpdates } from './config';
import { ArtifactStoreStack, BuildAccountRolesStack, DeploymentRolesStack, PipelineStack, namingOf } from './stacks';

/** The checklist as Markdown, numbered, every command with the config's names. */
export function firstDeploymentChecklist(config: CrosswalkConfig): string {
  const naming = namingOf(config);
  const region = config.region;
  const { build, dev, prod } = config.accounts;
  const pipeline = naming.pipelineName;
  // The connection NotifyingPipeline creates when the config names none (its name is cut to
  // the 32 characters CodeConnections allows: API_CreateConnection).
  const connection = `${naming.projectName}-github`.slice(0, 32);
  const emails = config.notifications.emails;
  // One roles stack per account and region delivered to, deployed with that account's profile
  // (named after its first environment: dev, prod…).
  const roleTargets = rolesTargets(config);
  const profileOf = (account: string) => roleTargets.find((t) => t.account === account)!.environment;
  const otherRegions = deliveryRegions(config).filter((r) => r !== region);
  const lines = [
    `First deployment of **${config.projectName}** (${region}; build ${build}, dev ${dev}, prod ${prod}).`,
    '',
    'Creating a pipeline starts its first execution at once',
    '([starting a pipeline](https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-about-starting.html)).',
    'That execution fails at Source, because the connection is still pending, and its failure',
    'email reaches no one, because no subscription is confirmed yet. Both are expected; steps 5',
    'to 8 make the next execution the real first one.',
    '',
    '1. Build the app and choose the config:',
    '   ```sh',
    '   npx nx run @crosswalk/build-account:build',
    '   export CROSSWALK_CONFIG=<path to your config file>   # unset: the built-in example',
    '   cd apps/build-account',
    '   ```',
    ...(selfUpdates(config) ? [
      '2. Deploy the build account\'s own roles, through which the pipeline updates its own stacks after a change review and',
      '   an approval. Nothing is bootstrapped anywhere: the build account\'s stacks keep their code in the artifact bucket.',
      '   ```sh',
      `   npx cdk deploy ${BuildAccountRolesStack.stackNameFor(config)} --profile build`,
      '   ```',
    ] : [
      '2. Nothing to bootstrap: the build account\'s stacks keep their code in the artifact bucket, which `cdk deploy` fills in step 4.',
    ]),
    `3. Deploy the deployment roles to ${config.waves === undefined ? 'dev and prod' : 'each target account and region'} (no bootstrap there: these stacks have no assets):`,
    '   ```sh',
    ...roleTargets.map((t) => `   npx cdk deploy ${DeploymentRolesStack.stackNameFor(config, t)} --profile ${profileOf(t.account)}`),
    '   ```',
    ...(otherRegions.length === 0 ? [] : [
      '   Deploy the artifact store of each other region, and copy each one\'s `ArtifactKeyArn` output into the config\'s',
      `   \`regions.<region>.artifactKeyArn\` (until then the app leaves the pipeline stack out):`,
      '   ```sh',
      ...otherRegions.map((r) => `   npx cdk deploy ${ArtifactStoreStack.stackNameFor(config, r)} --profile build`),
      '   ```',
    ]),
    '4. Deploy the artifact store, then the pipeline, to the build account (the pipeline\'s code goes into the store\'s bucket,',
    '   so the store comes first). The pipeline starts its first execution now; it fails at Source (the connection is pending): expected.',
    '   ```sh',
    `   npx cdk deploy ${ArtifactStoreStack.stackNameFor(config)} --profile build`,
    `   npx cdk deploy ${PipelineStack.stackNameFor(config)} --profile build`,
    '   ```',
    ...(config.github.connectionArn !== undefined
      ? ['5. The connection: the config names an existing one, which must be *Available*:',
        '   ```sh',
        `   aws codeconnections get-connection --connection-arn ${config.github.connectionArn} --query Connection.ConnectionStatus --profile build --region ${region}`,
        '   ```']
      : [`5. Activate the connection \`${connection}\`: it is created *Pending* until a person authorises it`,
        '   (console: Developer Tools → Settings → Connections → *Update pending connection*, and install',
        `   or choose the AWS Connector for GitHub app for \`${config.github.owner}\`). Its status must then be \`AVAILABLE\`:`,
        '   ```sh',
        `   aws codeconnections list-connections --provider-type-filter GitHub --query "Connections[?ConnectionName=='${connection}'].[ConnectionArn,ConnectionStatus]" --profile build --region ${region}`,
        '   ```']),
    `6. Confirm the email subscriptions: ${emails.length === 1 ? `\`${emails[0]}\` gets` : `each of ${emails.map((e) => `\`${e}\``).join(', ')} gets`} a message`,
    '   "AWS Notification - Subscription Confirmation" and must follow its link; until then no failure',
    '   email is delivered. None may be left `PendingConfirmation`:',
    '   ```sh',
    `   aws sns list-subscriptions --query "Subscriptions[?contains(TopicArn, '${naming.resourcePrefix}')].[Endpoint,SubscriptionArn]" --profile build --region ${region}`,
    '   ```',
    '7. Check that the run will find everything in place (reads only): the stacks, the connection *Available*, every',
    '   subscription confirmed, the artifact bucket and key, and every call the deployed roles make, put to IAM\'s policy',
    '   simulator and checked against the trust, bucket, key and topic policies. It exits 0 when ready, and names each',
    '   finding with its fix otherwise:',
    '   ```sh',
    `   npx crosswalk doctor cdk.out --live --project ${config.projectName} --region ${region} --profile ${build}=build ${[...new Set(roleTargets.map((t) => t.account))].map((a) => `--profile ${a}=${profileOf(a)}`).join(' ')}`,
    '   ```',
    `8. Start the first real execution (or push to \`${config.github.branch}\` of \`${config.github.owner}/${config.github.repo}\`):`,
    '   ```sh',
    `   aws codepipeline start-pipeline-execution --name ${pipeline} --profile build --region ${region}`,
    '   ```',
    ...(selfUpdates(config) ? [
      '9. Follow it: `SelfUpdate` reviews the build account\'s own stacks against the commit (nothing to change on the',
      '   first run, so no approval); dev deploys and runs its tests; prod stops at `ProdApproval` when the change review',
      '   asks for a person (see "Approving a production change" below). From now on a change to the pipeline itself',
      '   waits at `SelfUpdateApproval` like a change to prod.',
    ] : [
      `9. Follow it: dev deploys and runs its tests; prod stops at \`ProdApproval\` when the change review asks for a person`,
      '   (see "Approving a production change" below).',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  process.stdout.write(firstDeploymentChecklist(loadConfig()));
}
