/**
 * The failure notifier: between EventBridge (CodePipeline Pipeline Execution State Change,
 * FAILED) and the encrypted SNS topic, it turns a failed execution into a message a person
 * can act on: which stage and action failed, the action's error, the first failed resource
 * of a CloudFormation deployment (read in the target account through the read-only role),
 * why a CodeDeploy deployment of a Lambda alias stopped, the failed tests of a CodeBuild
 * test action, and console links in the right account and region. Whatever cannot be read
 * in time is said in one line; the message is always sent, exactly once.
 *
 * Environment: TOPIC_ARN, READ_ONLY_ROLE_NAME, PARTITION (default `aws`), AWS_REGION.
 */
import type { Context } from 'aws-lambda';
import { createBuildAccountClients, createTargetAccountClients } from './failure-notifier/clients';
import { DEFAULT_TIMING, loadSetup } from './failure-notifier/config';
import { consoleLog } from './failure-notifier/log';
import { notify, NotifyOutcome } from './failure-notifier/notify';

// Once per container: the environment and the build-account clients.
const setup = loadSetup(process.env);
const clients = createBuildAccountClients();

/** The Lambda handler: one Publish per event. */
export const handler = async (event: unknown, context: Context): Promise<NotifyOutcome> =>
  notify(event, context, setup, { clients, targetClients: createTargetAccountClients, timing: DEFAULT_TIMING, log: consoleLog });
