import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { ChangeReviewStep } from '../src';

const PIPELINE_ENV = { account: '111111111111', region: 'eu-west-1' };
const PROD_ENV = { account: '333333333333', region: 'eu-west-1' };

function pipelineWithReview(props: Partial<ConstructorParameters<typeof ChangeReviewStep>[1]> = {}) {
  const app = new App();
  const pipelineStack = new Stack(app, 'Pipeline', { env: PIPELINE_ENV });
  const pipeline = new pipelines.CodePipeline(pipelineStack, 'Pipeline', {
    synth: new pipelines.ShellStep('Synth', { input: pipelines.CodePipelineSource.connection('org/repo', 'main', { connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc' }), commands: ['npx cdk synth'] }),
    crossAccountKeys: true,
  });
  const stage = new Stage(app, 'Prod', { env: PROD_ENV });
  const service = new Stack(stage, 'Service');
  new sns.Topic(service, 'Topic');
  pipeline.addStage(stage, {
    stackSteps: [{ stack: service, changeSet: ChangeReviewStep.beforeApproval('Review', { stack: service, ...props }) }],
  });
  pipeline.buildPipeline();
  return Template.fromStack(pipelineStack);
}

describe('ChangeReviewStep (CDK Pipelines)', () => {
  test('runs crosswalk review on the stack\'s PipelineChange between its creation and the manual approval, as the read-only lookup role', () => {
    const template = pipelineWithReview();
    const [pipeline] = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'));
    const prod = pipeline.Properties.Stages.find((s: any) => s.Name === 'Prod');
    const order = prod.Actions.map((a: any) => [a.RunOrder, a.Name]).sort((x: any, y: any) => x[0] - y[0]).map((x: any) => x[1]);
    expect(order).toEqual(['Prepare', 'Review', 'ReviewApproval', 'Deploy']);
    const project = Object.values<any>(template.findResources('AWS::CodeBuild::Project')).find((p) => JSON.stringify(p.Properties.Source.BuildSpec).includes('crosswalk review'))!;
    const spec = JSON.stringify(project.Properties.Source.BuildSpec);
    expect(spec).toContain('crosswalk review --stack Prod-Service --change-set PipelineChange --role-arn arn:');
    expect(spec).toContain(':iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-west-1');
    expect(spec).toContain('test $code -lt 30');
    expect(spec).toContain('--detect-drift');
    expect(spec).toContain('npm install -g @crosswalk/cli@0');
    // The step may assume the lookup role, nothing else.
    const policies = Object.values<any>(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(policies.filter((s) => s.Action === 'sts:AssumeRole' && JSON.stringify(s.Resource).includes('lookup-role'))).toHaveLength(1);
  });

  test('detects drift before the review unless told not to', () => {
    const stack = new Stack(new App(), 'S', { env: PROD_ENV });
    expect(new ChangeReviewStep('Review', { stack }).commands.join('\n')).toContain(' --detect-drift ');
    expect(new ChangeReviewStep('Review', { stack, detectDrift: false }).commands.join('\n')).not.toContain('--detect-drift');
  });

  test('fails for a stack without an explicit account and region, and for an unknown policy', () => {
    const app = new App();
    expect(() => new ChangeReviewStep('Review', { stack: new Stack(app, 'Agnostic') })).toThrow(/explicit env/);
    expect(() => new ChangeReviewStep('Review', { stack: new Stack(app, 'S', { env: PROD_ENV }), autoApprove: 'always' })).toThrow(/autoApprove must be never, noChanges or lowRisk/);
  });
});
