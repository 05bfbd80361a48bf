/**
 * `crosswalk doctor --live` reads this app's real assembly: it must find, in the pipeline stack
 * NotifyingPipeline writes, everything its checks stand on (the connection, the topics and their
 * subscriptions, the notifier's own topic, the Build stage's role, the stacks the pipeline
 * deploys and where), and every row of the call-site table for the roles it simulates must fill
 * into concrete resource ARNs. The wire behaviour is pinned in @crosswalk/cli's doctor-live test.
 */
import { CallPrincipal, CallSites, CrosswalkNaming } from '@crosswalk/cross-account-role';
import { buildStageRoleArn, callsOf, readWorld, simulatedCallers } from '@crosswalk/cli';
import { loadConfig } from '../../src/config';
import { synthesizeBuildAccount } from '../stacks/synth';

const config = loadConfig(undefined, {});
const { build, dev, prod } = config.accounts;
const synth = synthesizeBuildAccount(config);
const naming = new CrosswalkNaming({ projectName: config.projectName, region: config.region });
const world = readWorld([synth.outdir], naming);
const pipelineTemplate = synth.template(world.pipelineStack.stack.stackName);
const logicalIdOf = (type: string, where: (props: any) => boolean = () => true) =>
  Object.entries<any>(pipelineTemplate.Resources).filter(([, r]) => r.Type === type && where(r.Properties ?? {})).map(([id]) => id);

test('the doctor finds the build account, the targets, and the stacks each must have before the first run', () => {
  expect(world.buildAccount).toBe(build);
  expect(world.targetAccounts).toEqual([dev, prod].sort());
  for (const account of [dev, prod]) expect(world.targets.get(account)?.some((s) => s.holdsDeploymentRole)).toBe(true);
  // The targets, and the build account itself for its own stacks (the self-update), which is no target.
  expect(world.deployedByPipeline.map((d) => `${d.account} ${d.stackName}`).sort()).toEqual([
    `${build} Crosswalk-ArtifactStore`, `${build} Crosswalk-Pipeline`, `${dev} Crosswalk-SampleApi-dev`, `${prod} Crosswalk-SampleApi-prod`,
  ]);
});

test('it finds the connection, every declared email subscription, and the topic the failure notifier publishes to', () => {
  expect(world.connection).toEqual({ resource: logicalIdOf('AWS::CodeStarConnections::Connection')[0] });
  expect(world.subscriptions.map((s) => `${s.protocol} ${s.endpoint}`)).toEqual(config.notifications.emails.flatMap((e) => [`email ${e}`, `email ${e}`]));
  // The failure topic, not the approval topic (which CodePipeline publishes to, not the notifier).
  const approvalTopics = Object.values<any>(pipelineTemplate.Resources)
    .filter((r) => r.Type === 'AWS::CodePipeline::Pipeline')
    .flatMap((r) => r.Properties.Stages.flatMap((s: any) => s.Actions))
    .filter((a: any) => a.ActionTypeId.Provider === 'Manual')
    .map((a: any) => a.Configuration.NotificationArn.Ref);
  expect(approvalTopics.length).toBeGreaterThan(0);
  expect(world.notifierTopics).toHaveLength(1);
  expect(approvalTopics).not.toContain(world.notifierTopics[0]);
});

test('the Build stage\'s role is the role of the Build stage\'s project', () => {
  const physical = new Map([[(world.buildStageRole as { resource: string }).resource, 'Crosswalk-Pipeline-BuildRole-X1']]);
  expect(buildStageRoleArn(world, physical)).toBe(`arn:aws:iam::${build}:role/Crosswalk-Pipeline-BuildRole-X1`);
  const project = logicalIdOf('AWS::CodeBuild::Project', (p) => p.ServiceRole?.['Fn::GetAtt']?.[0] === (world.buildStageRole as { resource: string }).resource);
  expect(project).toHaveLength(1);
  expect(JSON.stringify(pipelineTemplate.Resources)).toContain(`"ProjectName":{"Ref":"${project[0]}"}`);
});

test('every row of every simulated role fills into concrete ARNs of this installation', () => {
  // Each logical id of the pipeline stack stands for a deployed physical id (a role, project or topic name).
  const physical = new Map(Object.keys(pipelineTemplate.Resources).map((id) => [id, id.startsWith('Pipeline') && id.includes('Reports')
    ? `arn:aws:codebuild:${config.region}:${build}:report-group/${id}` : id.includes('Topic') ? `arn:aws:sns:${config.region}:${build}:${id}` : id]));
  const inputs = { world, pipelineIds: physical, artifactKeyId: '0a1b2c3d-0000-4000-8000-000000000000', targetAccounts: world.targetAccounts };
  const callers = simulatedCallers(world, world.targetAccounts, buildStageRoleArn(world, physical));
  // Prod reverts on alarm (the default with approval and a bake): the change set function and, through it, the deployment role.
  expect(world.hasChangeSetFunction).toBe(true);
  expect(callers.map((c) => c.principal).sort()).toEqual([
    CallPrincipal.BUILD_STAGE, CallPrincipal.FAILURE_NOTIFIER, CallPrincipal.PIPELINE_CHECKS, CallPrincipal.READ_ONLY_ROLE, CallPrincipal.READ_ONLY_ROLE,
    CallPrincipal.CHANGE_SET_FUNCTION, CallPrincipal.DEPLOYMENT_ROLE, CallPrincipal.DEPLOYMENT_ROLE,
  ].sort());
  const resources: string[] = [];
  for (const caller of callers) {
    const rows = CallSites.of(caller.principal);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) resources.push(...callsOf(row, caller, inputs).map((c) => c.resource));
  }
  expect(resources.filter((r) => r.includes('${'))).toEqual([]);
  // The resources AWS evaluates, as the table says: alarms by prefix on alarm:*, stacks by name, the change reviews' folder.
  expect(resources).toEqual(expect.arrayContaining([
    `arn:aws:cloudwatch:${config.region}:${prod}:alarm:*`,
    expect.stringMatching(new RegExp(`^arn:aws:cloudformation:${config.region}:${prod}:stack/Crosswalk-SampleApi-prod/`)),
    expect.stringMatching(new RegExp(`^arn:aws:s3:::${naming.artifactBucketName(build)}/change-reviews/${naming.pipelineName}/`)),
    naming.readOnlyRoleArn(dev),
    // The template of a change set with rollback triggers, under the pipeline's artifact folder.
    expect.stringMatching(new RegExp(`^arn:aws:s3:::${naming.artifactBucketName(build)}/${naming.pipelineArtifactsPrefix()}change-sets/`)),
    naming.deploymentRoleArn(prod),
  ]));
});
