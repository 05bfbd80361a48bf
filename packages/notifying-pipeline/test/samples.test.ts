/**
 * The samples the READMEs show are rendered here from the same fixtures the tests use, not
 * written by hand: a test fails when a sample no longer matches what the code produces.
 * `UPDATE_SAMPLES=1 npx jest test/samples.test.ts` writes them anew.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { deploymentFinding, ExecutionEvent, failedActions, firstFailure, parseInput, read } from '../lambda/failure-notifier/findings';
import { formatNotification } from '../lambda/failure-notifier/format';
import {
  alarmStoppedDeployment, DEPLOYMENT_ID, failedExecutionEvent, prodDeployFailed, prodStackEventsNewestFirst, REGION,
} from './lambda/failure-events';

/** Compares a sample with the committed file, or writes it when asked to. */
function expectSample(file: string, rendered: string): void {
  const where = path.join(__dirname, '..', 'docs', file);
  if (process.env.UPDATE_SAMPLES === '1') writeFileSync(where, rendered);
  if (!existsSync(where)) throw new Error(`docs/${file} is missing: run UPDATE_SAMPLES=1 npx jest test/samples.test.ts in packages/notifying-pipeline`);
  expect(readFileSync(where, 'utf8')).toBe(rendered);
}

test('the failure email of the rollback demo: prod\'s change set execution failed because an alarm stopped the traffic shift', () => {
  const event = parseInput(failedExecutionEvent) as ExecutionEvent;
  // The demo's failure happens while the reviewed change set executes in ProdDeploy.
  const executeChangeSet = {
    ...prodDeployFailed,
    stageName: 'ProdDeploy',
    actionName: 'ExecuteChangeSet',
    input: { ...prodDeployFailed.input, configuration: { ...prodDeployFailed.input!.configuration, ActionMode: 'CHANGE_SET_EXECUTE' } },
  };
  const [failedAction] = failedActions([executeChangeSet], REGION, 'aws');
  failedAction.stack = {
    events: read(firstFailure(prodStackEventsNewestFirst, failedAction.startTime)),
    deployment: { deploymentId: DEPLOYMENT_ID, info: read(deploymentFinding(alarmStoppedDeployment)) },
  };
  const { subject, body } = formatNotification(event, { actions: read([failedAction]) }, { partition: 'aws', region: REGION });
  expect(body).toContain('ALARM');
  expectSample('sample-failure-email.txt', `Subject: ${subject}\n\n${body}\n`);
});
