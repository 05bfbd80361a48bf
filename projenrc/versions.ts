/**
 * Versions known to work together on Node 20 with only the npm registry reachable
 * (see shared FIELD-NOTES). Every dependency is pinned here, once: a `*` dependency
 * that is not installed yet is silently dropped by projen.
 */
export const VERSIONS = {
  projen: '0.103.25',
  typescript: '~5.9.3',
  nodeTypes: '^20',
  minNode: '20.16.0',
  jsii: '~5.9.0',
  jsiiPacmak: '1.140.0',
  jsiiDiff: '1.134.0',
  jsiiDocgen: '10.12.6',
  jsiiRosetta: '~5.9.0',
  awsCdkLib: '2.276.0',
  /**
   * The lowest aws-cdk-lib the published packages accept (their peer range), found by
   * installing the tarballs into a consumer app on older versions: below 2.269.0,
   * `Validations.acknowledge()` refuses the cdk-nag ids with '::' that the constructs use
   * (deploy-rules alone would run from 2.262.0, where `IPolicyValidationContext.stackTemplates`
   * appeared). consumer-check installs the tarballs into an app pinned to it.
   */
  awsCdkLibFloor: '2.269.0',
  constructs: '10.8.1',
  awsCdkCli: '2.1148.1',
  nx: '24.0.6',
  jest: '30',
  swcJest: '0.2.39',
  swcCore: '1.16.22',
  esbuild: '0.28.2',
  cdkNag: '3.0.2',
  cfnGuard: '0.0.62',
  tsNode: '10.9.2',
  /**
   * eslint 8 and typescript-eslint 7: the newest @cdklabs/eslint-plugin (1.5.0, the CDK
   * team's rules) peers on them.
   */
  eslint: '8.57.1',
  typescriptEslint: '7.18.0',
  cdklabsEslintPlugin: '1.5.0',
  powertoolsTracer: '2.36.0',
  /** The same release as the Tracer: the functions' JSON logs. */
  powertoolsLogger: '2.36.0',
  awsSdk: '^3.1133.0',
  /** The newest @aws-sdk/client-codestar-connections the registry has (it lags the other clients). */
  codestarConnectionsSdk: '3.1017.0',
  awsSdkClientMock: '4.1.0',
  fflate: '0.8.3',
  dynalite: '4.0.0',
  awsLambdaTypes: '^8.10.164',
  cdkAssetsLib: '1.5.0',
  awsServiceSpec: '0.1.216',
  cloudformationDiff: '2.187.5',
  iamData: '0.21.202609261',
  playwrightCore: '1.65.2',
  commitAndTagVersion: '13.2.1',
} as const;
