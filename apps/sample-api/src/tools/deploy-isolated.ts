/**
 * Deploys (or destroys) an isolated copy of the sample API in the dev account under a
 * personal prefix: its own stack `<project>-<prefix>-SampleApi`, its own table and API,
 * with the dev settings. It runs `cdk deploy` for that one stack with the caller's own
 * AWS credentials (AWS_PROFILE or the usual variables); nothing goes through the pipeline.
 *
 *   npx projen deploy:isolated --prefix alice                    # needs `cdk bootstrap` of dev once
 *   npx projen deploy:isolated --prefix alice --assets-bucket my-dev-bucket   # no bootstrap
 *   npx projen deploy:isolated --prefix alice --destroy
 *   npx projen deploy:isolated --prefix alice --synth-only      # offline: just synthesize it
 */
import { spawnSync } from 'child_process';
import { userInfo } from 'os';
import { loadConfig } from '@crosswalk/build-account';
import { SampleApiStack } from '../stacks/sample-api-stack';
import { packageRoot } from '../stacks/build-info';

/** What the command line asked for. */
export interface IsolatedDeployRequest {
  readonly prefix: string;
  readonly action: 'deploy' | 'destroy' | 'synth';
  readonly assetsBucket?: string;
  readonly simulateFailure: boolean;
  /** Arguments after `--`, passed to cdk as they are. */
  readonly cdkArgs: readonly string[];
}

const USAGE = 'usage: deploy-isolated [--prefix <name>] [--assets-bucket <bucket>] [--destroy | --synth-only] [--simulate-failure] [-- <cdk args>]';

/** Parses the command line; the prefix defaults to the user name, lower-cased. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): IsolatedDeployRequest {
  let prefix: string | undefined;
  let assetsBucket: string | undefined;
  let action: IsolatedDeployRequest['action'] = 'deploy';
  let simulateFailure = false;
  const cdkArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value; ${USAGE}`);
      return next;
    };
    switch (arg) {
      case '--prefix': prefix = value(); break;
      case '--assets-bucket': assetsBucket = value(); break;
      case '--destroy': action = 'destroy'; break;
      case '--synth-only': action = 'synth'; break;
      case '--simulate-failure': simulateFailure = true; break;
      case '--': cdkArgs.push(...argv.slice(i + 1)); i = argv.length; break;
      default: throw new Error(`unknown argument '${arg}'; ${USAGE}`);
    }
  }
  if (prefix === undefined) {
    const user = (env.USER ?? env.USERNAME ?? safeUserName() ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
    if (!/^[a-z]/.test(user)) {
      throw new Error(`cannot derive a prefix from the user name '${user}'; give one with --prefix <name> (lower-case letters and digits, starting with a letter)`);
    }
    prefix = user.slice(0, 16);
  }
  return { prefix, action, assetsBucket, simulateFailure, cdkArgs };
}

/** The cdk command line (program and arguments) that carries out the request. */
export function cdkCommand(request: IsolatedDeployRequest, stackName: string): string[] {
  const context = [
    '-c', `isolated=${request.prefix}`,
    ...(request.assetsBucket !== undefined ? ['-c', `isolatedAssetsBucket=${request.assetsBucket}`] : []),
    ...(request.simulateFailure ? ['-c', `simulateFailureIn=${request.prefix}`] : []),
  ];
  // The app from source, so the copy is what is in the working tree, built or not.
  const app = ['--app', 'npx ts-node --transpile-only src/main.ts'];
  switch (request.action) {
    case 'synth': return ['cdk', 'synth', stackName, '--quiet', ...app, ...context, ...request.cdkArgs];
    case 'destroy': return ['cdk', 'destroy', stackName, '--force', ...app, ...context, ...request.cdkArgs];
    default: return ['cdk', 'deploy', stackName, '--exclusively', '--require-approval', 'broadening', ...app, ...context, ...request.cdkArgs];
  }
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

function main(): number {
  const request = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const stackName = SampleApiStack.stackNameFor(config, 'dev', request.prefix);
  const command = cdkCommand(request, stackName);
  const credentials = request.action === 'synth' ? 'offline' : 'with your own AWS credentials';
  console.log(`deploy-isolated: ${request.action} ${stackName} for the dev account ${config.accounts.dev} (${config.region}), ${credentials}`);
  if (request.action === 'deploy' && request.assetsBucket === undefined) {
    console.log('deploy-isolated: the code is uploaded to the dev account\'s CDK bootstrap bucket; run `cdk bootstrap aws://'
      + `${config.accounts.dev}/${config.region}\` once, or pass --assets-bucket <a bucket in dev you may write to>`);
  }
  console.log(`deploy-isolated: npx ${command.map((arg) => (/\s/.test(arg) ? `'${arg}'` : arg)).join(' ')}`);
  const result = spawnSync('npx', command, { cwd: packageRoot(), stdio: 'inherit', env: process.env });
  if (result.error) {
    console.error(`deploy-isolated: could not run cdk: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (err) {
    console.error(`deploy-isolated: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
