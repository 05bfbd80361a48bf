import { App, Stack, Stage } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { AutoApprove, ChangeReview, ChangeReviewStep, RiskTier } from '@crosswalk/change-review';

/**
 * A CDK Pipelines app (another team's pipeline, not Crosswalk's) that reviews its prod stack's
 * change set before the manual approval, and the library used directly on a change set.
 */
export function useChangeReview(): void {
  const app = new App({ outdir: 'cdk-pipelines.out' });
  const pipelineStack = new Stack(app, 'Payments-Pipeline', { env: { account: '444455556666', region: 'us-east-2' } });
  const pipeline = new pipelines.CodePipeline(pipelineStack, 'Pipeline', {
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection('payments/service', 'main', { connectionArn: 'arn:aws:codeconnections:us-east-2:444455556666:connection/abc' }),
      commands: ['npm ci', 'npx cdk synth'],
    }),
    crossAccountKeys: true,
  });
  const prod = new Stage(app, 'Prod', { env: { account: '777788889999', region: 'us-east-2' } });
  const service = new Stack(prod, 'Service');
  new sns.Topic(service, 'Events');
  pipeline.addStage(prod, { stackSteps: [{ stack: service, changeSet: ChangeReviewStep.beforeApproval('Review', { stack: service }) }] });
  const assembly = app.synth();
  const template = JSON.stringify(assembly.getStackByName('Payments-Pipeline').template);
  if (!template.includes('crosswalk review --stack Prod-Service --change-set PipelineChange')) {
    throw new Error('@crosswalk/change-review: the CDK Pipelines step did not run crosswalk review on the prod change set');
  }

  // The library itself: CloudFormation's "no changes" is tier none.
  const review = ChangeReview.review({
    pages: [{
      ChangeSetId: 'arn:aws:cloudformation:us-east-2:777788889999:changeSet/x/0a1b', StackName: 'Prod-Service', ChangeSetName: 'x',
      Status: 'FAILED', StatusReason: 'The submitted information didn\'t contain changes. Submit different information to create a change set.',
    }],
  });
  if (review.tier !== RiskTier.NONE || review.decide(AutoApprove.NO_CHANGES).approvalRequired) {
    throw new Error('@crosswalk/change-review: a change set without changes was not tier none');
  }
  console.log('consumer: a CDK Pipelines app reviews its prod change set with ChangeReviewStep; the library reads a change set');
}
