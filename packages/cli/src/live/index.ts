/**
 * `crosswalk doctor --live`: before the first pipeline run, with the person's credentials for
 * each account, check that the installation is ready (the readiness checks) and that every call
 * the deployed roles will make is allowed on both sides (the permission checks). It only reads
 * and simulates; it changes nothing.
 */
import { fromIni } from '@aws-sdk/credential-providers';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { errorText } from '../text';
import { AccountClients, CredentialsFor, clientsFor, credentialsProblem, stackResources, stackStatus } from './aws';
import { LiveFinding, LiveFindings } from './findings';
import { checkPermissions } from './permissions';
import { checkArtifactStore, checkCodeAssets, checkConnection, checkSubscriptions } from './readiness';
import { World, readWorld } from './world';

export type { LiveFinding } from './findings';
export { decideResourcePolicy } from './resource-side';
export type { ResourceDecision, ResourceRequest } from './resource-side';
export { readWorld } from './world';
export type { World, WorldStack, TemplateValue, DeclaredSubscription } from './world';
export { buildStageRoleArn, callsOf, simulatedCallers, OUT_OF_SCOPE, REPRESENTATIVE_ID } from './permissions';
export type { CallInputs, SimulatedCall } from './permissions';

export interface LiveDoctorOptions {
  /** The cloud assemblies: the build account's app (its pipeline), and optionally the service's. */
  readonly assemblyDirs: readonly string[];
  readonly naming: CrosswalkNaming;
  /** Account id → the named profile of its credentials; an account not named uses the default chain. */
  readonly profiles?: ReadonlyMap<string, string>;
}

export interface LiveDoctorDeps {
  /** @default the profile of `profiles`, else the SDK's default chain */
  readonly credentialsFor?: CredentialsFor;
}

export interface LiveReport {
  readonly findings: LiveFinding[];
  readonly passed: string[];
  readonly outOfScope: string[];
}

export async function liveDoctor(options: LiveDoctorOptions, deps: LiveDoctorDeps = {}): Promise<LiveReport> {
  const world = readWorld(options.assemblyDirs, options.naming);
  const credentialsFor: CredentialsFor = deps.credentialsFor ?? ((account) => {
    const profile = options.profiles?.get(account);
    return profile !== undefined ? fromIni({ profile }) : undefined;
  });
  const out = new LiveFindings();
  const usable = async (account: string): Promise<AccountClients | undefined> => {
    const clients = clientsFor(account, world.region, credentialsFor);
    const problem = await credentialsProblem(clients);
    if (problem === undefined) return clients;
    out.finding('accounts', account, `${problem}; nothing of this account was checked`, `pass its credentials: --profile ${account}=<profile>`);
    return undefined;
  };
  const build = await usable(world.buildAccount);
  const targets = new Map<string, AccountClients>();
  for (const account of world.targetAccounts) {
    const clients = await usable(account);
    if (clients) targets.set(account, clients);
  }
  if (build) await checkBuildAccount(world, build, targets, out);
  const ownStacks = [...new Set(world.deployedByPipeline.filter((d) => d.account === world.buildAccount).map((d) => d.stackName))];
  if (ownStacks.length > 0) {
    // The self-update: its stacks are among the build account's stacks checked above, but the
    // calls it makes through the build account's own convention roles are not simulated.
    out.notInScope(`the self-update of ${ownStacks.join(', ')}: the calls through the build account's own roles (${world.naming.deploymentRoleName}, ${world.naming.executionRoleName}) are not simulated`);
  }
  for (const [account, clients] of targets) await checkTargetStacks(world, account, clients, out);
  return { findings: out.findings, passed: out.passes, outOfScope: out.outOfScope };
}

async function checkBuildAccount(world: World, build: AccountClients, targets: ReadonlyMap<string, AccountClients>, out: LiveFindings): Promise<void> {
  let pipelineIds = new Map<string, string>();
  for (const s of world.buildStacks) {
    try {
      const resources = await stackResources(build, s.stack.stackName);
      if (resources === undefined) {
        out.finding('stacks', `${s.stack.stackName} (${world.buildAccount})`, 'is not deployed', `npx cdk deploy ${s.stack.stackName} (first-deployment checklist, step 4)`);
        continue;
      }
      out.passed(`stack ${s.stack.stackName} (${world.buildAccount}): deployed`);
      if (s === world.pipelineStack) {
        pipelineIds = new Map([...resources].flatMap(([id, r]) => (r.PhysicalResourceId ? [[id, r.PhysicalResourceId] as [string, string]] : [])));
      }
    } catch (err) {
      out.finding('stacks', s.stack.stackName, `could not be read: ${errorText(err)}`, `check that your credentials for ${world.buildAccount} may call cloudformation:ListStackResources`);
    }
  }
  await checkConnection(world, build, pipelineIds, out);
  await checkSubscriptions(world, build, pipelineIds, out);
  const artifactKeyId = await checkArtifactStore(world, build, out);
  await checkCodeAssets(world, build, out);
  await checkPermissions({ world, build, targets, pipelineIds, artifactKeyId }, out);
}

/**
 * A target account's stacks: the deployment roles must be there before the first run (they are
 * deployed by hand); the service's stacks are created by that run, so their absence is expected.
 */
async function checkTargetStacks(world: World, account: string, clients: AccountClients, out: LiveFindings): Promise<void> {
  const byHand = (world.targets.get(account) ?? []).filter((s) => s.holdsDeploymentRole);
  if (byHand.length === 0) {
    out.finding('stacks', account, `no stack of the assemblies holds the deployment role ${world.naming.deploymentRoleName} for this account`, 'pass the build account\'s assembly, which holds the deployment roles stacks');
  }
  for (const s of byHand) {
    try {
      const status = await stackStatus(clients, s.stack.stackName);
      if (status === undefined) out.finding('stacks', `${s.stack.stackName} (${account})`, 'is not deployed: the pipeline cannot assume a role there', `npx cdk deploy ${s.stack.stackName} (first-deployment checklist, step 3)`);
      else if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) out.finding('stacks', `${s.stack.stackName} (${account})`, `is ${status}, not deployed whole`, 'look at its events in the CloudFormation console, fix the cause and deploy it again');
      else out.passed(`stack ${s.stack.stackName} (${account}): ${status}`);
    } catch (err) {
      out.finding('stacks', s.stack.stackName, `could not be read: ${errorText(err)}`, `check that your credentials for ${account} may call cloudformation:DescribeStacks`);
    }
  }
  for (const d of world.deployedByPipeline.filter((x) => x.account === account)) {
    try {
      const status = await stackStatus(clients, d.stackName);
      out.passed(`stack ${d.stackName} (${account}): ${status ?? 'not deployed yet; the pipeline\'s first run creates it'}`);
    } catch (err) {
      out.finding('stacks', d.stackName, `could not be read: ${errorText(err)}`, `check that your credentials for ${account} may call cloudformation:DescribeStacks`);
    }
  }
}

/** The report as lines: findings first (each with its fix), then what passed, then what is out of reach. */
export function renderLiveReport(report: LiveReport): string[] {
  const lines: string[] = [];
  lines.push(report.findings.length === 0 ? 'doctor --live: ready, no finding' : `doctor --live: ${report.findings.length} finding(s): not ready`);
  for (const f of report.findings) {
    lines.push(`  ✗ [${f.area}] ${f.subject}: ${f.problem}`);
    lines.push(`      fix: ${f.fix}`);
  }
  if (report.passed.length > 0) lines.push('checked and ready:', ...report.passed.map((p) => `  ✓ ${p}`));
  if (report.outOfScope.length > 0) lines.push('not checked here:', ...report.outOfScope.map((p) => `  · ${p}`));
  return lines;
}
