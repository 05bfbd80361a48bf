import { Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { PipelineEnvironment } from '../src';
import { dev, prod, synthPipeline } from './fixtures';

function stages(environments: PipelineEnvironment[], overrides = {}): Record<string, any> {
  const { stack } = synthPipeline({ environments, ...overrides });
  const [pipeline] = Object.values<any>(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'));
  return { ...Object.fromEntries(pipeline.Properties.Stages.map((s: any) => [s.Name, s])), mode: pipeline.Properties.ExecutionMode };
}

describe('stage safety (CodePipeline V2 stage conditions)', () => {
  test('a failed environment stage rolls back to its last successful execution by default; Source, Build and the change-set stages do not', () => {
    const s = stages([dev, prod]);
    expect(s.Dev.OnFailure).toEqual({ Result: 'ROLLBACK' });
    for (const name of ['Source', 'Build', 'Prod', 'ProdApproval', 'ProdDeploy']) expect(s[name].OnFailure).toBeUndefined();
  });

  test('rollbackOnFailure with requireApproval is refused: a rollback would execute a change set CloudFormation already deleted', () => {
    expect(() => stages([dev, { ...prod, rollbackOnFailure: true }]))
      .toThrow("environments[1].rollbackOnFailure cannot be true with requireApproval (environment 'Prod'): a stage rollback re-runs the stage with the variables of the execution it returns to");
  });

  test('rollbackOnFailure: false leaves a failed stage failed', () => {
    expect(stages([{ ...dev, rollbackOnFailure: false }, prod]).Dev.OnFailure).toBeUndefined();
  });

  test('a deployment window becomes an entry condition with the DeploymentWindow rule, failing outside it', () => {
    const s = stages([dev, { ...prod, deploymentWindow: { cron: ' * 0-59 9-16 ? * MON-THU ', timeZone: 'Europe/Berlin' } }]);
    expect(s.Prod.BeforeEntry).toEqual({
      Conditions: [{
        Result: 'FAIL',
        Rules: [{
          Name: 'ProdDeploymentWindow',
          RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'DeploymentWindow', Version: '1' },
          Configuration: { Cron: '* 0-59 9-16 ? * MON-THU', TimeZone: 'Europe/Berlin' },
        }],
      }],
    });
    expect(s.Dev.BeforeEntry).toBeUndefined();
    expect(stages([{ ...dev, deploymentWindow: { cron: '* * 8-17 ? * MON-FRI' } }]).Dev.BeforeEntry.Conditions[0].Rules[0].Configuration.TimeZone).toBe('UTC');
  });

  test('with approval, the window also gates the execution: a stage entered only inside it checks the reviewed change set right before Deploy', () => {
    const s = stages([dev, { ...prod, deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU', timeZone: 'Europe/Berlin' } }]);
    const names = Object.keys(s).filter((n) => n !== 'mode');
    expect(names.slice(names.indexOf('Prod'))).toEqual(['Prod', 'ProdApproval', 'ProdWindow', 'ProdDeploy']);
    expect(s.ProdWindow.BeforeEntry.Conditions).toEqual([{
      Result: 'FAIL',
      Rules: [expect.objectContaining({ Name: 'ProdExecutionWindow', Configuration: { Cron: '* 0-59 9-16 ? * MON-THU', TimeZone: 'Europe/Berlin' } })],
    }]);
    // Its check passes when the review found nothing to execute, so a no-op run is not held up by a verification of nothing.
    const check = JSON.parse(s.ProdWindow.Actions[0].Configuration.UserParameters);
    expect(check).toMatchObject({ check: 'verify', execute: '#{ProdReview.Execute}', reviewedChangeSetId: '#{ProdReview.ChangeSetId}' });
    // Deploy keeps its SKIP condition (a stage has exactly one entry condition) and its own verification.
    expect(s.ProdDeploy.BeforeEntry.Conditions[0].Result).toBe('SKIP');
    expect(s.ProdDeploy.Actions.map((a: any) => a.Name)).toContain('VerifyReviewedChangeSet');
    // Without a window there is no such stage.
    expect(stages([dev, prod]).ProdWindow).toBeUndefined();
  });

  test('fails for a window whose cron does not have 6 or 7 fields, or an unknown time zone, naming the field', () => {
    expect(() => stages([{ ...dev, deploymentWindow: { cron: '0 9-16 * * MON-FRI' } }]))
      .toThrow("environments[0].deploymentWindow.cron must have 6 fields and an optional year (seconds minutes hours day-of-month month day-of-week [year]), e.g. '* 0-59 9-16 ? * MON-THU', got '0 9-16 * * MON-FRI' (5 fields)");
    expect(() => stages([{ ...dev, deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU', timeZone: 'Mars/Olympus' } }]))
      .toThrow("environments[0].deploymentWindow.timeZone must be an IANA time zone such as 'Europe/Berlin' or 'UTC', got 'Mars/Olympus'");
  });

  test('runs executions QUEUED when an environment requires approval (what was reviewed is what runs), else SUPERSEDED; explicit wins', () => {
    expect(stages([dev, prod]).mode).toBe('QUEUED');
    expect(stages([dev]).mode).toBe('SUPERSEDED');
    expect(stages([dev], { executionMode: codepipeline.ExecutionMode.QUEUED }).mode).toBe('QUEUED');
  });

  test('PARALLEL needs rollback off on every environment: CodePipeline cannot roll back a PARALLEL pipeline\'s stages', () => {
    const staging = { ...dev, name: 'Staging', account: '444444444444', stackName: 'Crosswalk-SampleApi-Staging' };
    expect(() => stages([dev, staging, prod], { executionMode: codepipeline.ExecutionMode.PARALLEL }))
      .toThrow("executionMode PARALLEL cannot roll a stage back, but environments 'Dev', 'Staging' roll back on failure: set rollbackOnFailure: false on them, or use ExecutionMode.QUEUED");
    expect(stages([{ ...dev, rollbackOnFailure: false }, prod], { executionMode: codepipeline.ExecutionMode.PARALLEL }).mode).toBe('PARALLEL');
  });
});
