import { existsSync } from 'fs';
import { join } from 'path';
import { CrosswalkNaming, ServiceStackSynthesizer } from '@crosswalk/cross-account-role';
import { BakeAlarms } from '@crosswalk/notifying-pipeline';
import {
  CfnOutput, CliCredentialsStackSynthesizer, Duration, IStackSynthesizer, RemovalPolicy, Stack,
  aws_apigateway as apigw,
  aws_cloudwatch as cloudwatch,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { CrosswalkConfig, DeliveryTarget, EnvironmentConfig, EnvironmentName, bakeMinutesOf, deliveryTargets, environmentTarget, validateConfig } from '@crosswalk/build-account';
import { ROUTES } from '../routes';
import { API_STAGE_NAME, SMOKE_CHECK_PATHS } from './constants';
import { BuildInfo, packageRoot, resolveBuildInfo } from './build-info';
import { FUNCTIONS, FunctionSpec, HandlerName } from './functions';
import { acknowledgeFindings } from './nag';
import { PreTrafficCheck, ServiceDeployment, deploySafely } from './safe-deploy';

/** Props of {@link SampleApiStack}. */
export interface SampleApiStackProps {
  /** The validated config; the stack's account and region come from it. */
  readonly config: CrosswalkConfig;
  /**
   * The environment whose account, region and settings the stack uses: `dev` or `prod` of the
   * two-environment config, or a target of `deliveryTargets(config)` (an environment of a wave
   * in one of its regions).
   */
  readonly environmentName: EnvironmentName | DeliveryTarget;
  /**
   * Deploy an isolated copy (own table, own API) under this personal prefix, with the
   * dev settings, into the dev account. Its stack is `<project>-<prefix>-SampleApi`.
   * @default - the environment's own stack
   */
  readonly isolatedPrefix?: string;
  /**
   * For an isolated copy only: a bucket in the dev account the caller may write to,
   * where `cdk deploy` uploads the Lambda code with the caller's credentials, so the
   * dev account needs no bootstrap.
   * @default - the dev account's CDK bootstrap bucket (`cdk bootstrap` once)
   */
  readonly isolatedAssetsBucket?: string;
  /**
   * The rollback demo: the data functions answer 500 to every request while
   * `/version` keeps working. Never on unless asked for.
   * @default false
   */
  readonly simulateFailure?: boolean;
  /**
   * The version and commit `GET /version` reports.
   * @default - package.json's version and the current short git commit
   */
  readonly buildInfo?: BuildInfo;
}

const ISOLATED_PREFIX = /^[a-z][a-z0-9]{0,15}$/;

/**
 * The check-in service in one environment: a DynamoDB table, one Lambda function per
 * handler module, each shipped through `SafeLambdaDeploy` (alias `live`, CodeDeploy
 * traffic shifting, rollback on alarms, pre- and post-traffic hooks), and a REST API in
 * front of the aliases.
 *
 * The dev and prod stacks reference their Lambda code in the build account's artifact
 * bucket (where the pipeline's build stage publishes it; see `ServiceStackSynthesizer`), so neither
 * account is ever bootstrapped.
 */
export class SampleApiStack extends Stack {
  /** The stack name of an environment (or of an isolated copy): always the project prefix first. */
  public static stackNameFor(config: CrosswalkConfig, environmentName: EnvironmentName | DeliveryTarget, isolatedPrefix?: string): string {
    const naming = namingOf(config);
    if (isolatedPrefix !== undefined && !ISOLATED_PREFIX.test(isolatedPrefix)) {
      throw new Error(`isolatedPrefix must be 1-16 lower-case letters and digits starting with a letter (it becomes part of the stack name and of every resource name), got '${isolatedPrefix}'; use your user name, e.g. -c isolated=alice`);
    }
    return isolatedPrefix === undefined
      ? `${naming.resourcePrefix}SampleApi-${typeof environmentName === 'string' ? environmentName : environmentName.stackSuffix}`
      : `${naming.resourcePrefix}${isolatedPrefix}-SampleApi`;
  }

  /** The SSM parameter holding the API's base URL (read at run time by the post-traffic hooks). */
  public static apiUrlParameterNameFor(stackName: string): string {
    return `/${stackName}/api-url`;
  }

  public readonly naming: CrosswalkNaming;
  public readonly settings: EnvironmentConfig;
  /** `dev`, `prod`, or the isolated prefix: what `GET /version` reports as `environment`. */
  public readonly appEnvironment: string;
  public readonly table: dynamodb.TableV2;
  public readonly api: apigw.RestApi;
  public readonly apiUrlParameter: ssm.StringParameter;
  /** 5XX responses of the API stage: every deployment group rolls back when it fires. */
  public readonly apiServerErrorsAlarm: cloudwatch.Alarm;
  public readonly functions: Readonly<Record<HandlerName, lambda.Function>>;
  public readonly deployments: Readonly<Record<HandlerName, ServiceDeployment>>;

  /**
   * The stack's construct id is its stack name ({@link SampleApiStack.stackNameFor}), so
   * `cdk deploy <stack name>` selects it. The config is validated again here, so a config
   * built in code fails as early, and as clearly, as one loaded by `loadConfig`.
   */
  constructor(scope: Construct, props: SampleApiStackProps) {
    const { isolatedPrefix } = props;
    const config = validateConfig(props.config, 'given to SampleApiStack');
    const target = targetOf(config, props.environmentName);
    const environmentName = target.kind;
    if (props.isolatedAssetsBucket !== undefined && isolatedPrefix === undefined) {
      throw new Error(`isolatedAssetsBucket applies to an isolated copy only (dev and prod publish to the build account's artifact bucket), got '${props.isolatedAssetsBucket}' without an isolatedPrefix`);
    }
    if (isolatedPrefix !== undefined && environmentName !== 'dev') {
      throw new Error(`an isolated copy runs in the dev account only, got environmentName '${environmentName}'; use environmentName 'dev'`);
    }
    // The names of the stack's region: its boundary, its artifact store (where its code is).
    const naming = namingOf(config).forRegion(target.region);
    const stackName = SampleApiStack.stackNameFor(config, target, isolatedPrefix);
    super(scope, stackName, {
      stackName,
      env: { account: target.account, region: target.region },
      description: isolatedPrefix === undefined
        ? `${config.projectName} sample API (${target.stackSuffix})`
        : `${config.projectName} sample API, isolated copy '${isolatedPrefix}' in the dev account`,
      synthesizer: synthesizerFor(config, naming, props),
    });
    this.naming = naming;
    const isolated = isolatedPrefix !== undefined;
    const settings: EnvironmentConfig = isolated
      ? { ...config.environments.dev, retainData: false }
      : target.settings;
    this.settings = settings;
    this.appEnvironment = isolatedPrefix ?? target.environment;
    // No bake without alarms: the pipeline bakes (and reverts on alarm) by the stack's alarms,
    // whose generated names start with the stack name (NotifyingPipeline's default prefix).
    if (!isolated && bakeMinutesOf(settings) > 0) BakeAlarms.require(this);
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = settings.logRetentionDays as logs.RetentionDays;

    // Every role created here (ours and the hooks') carries the convention's boundary:
    // the CloudFormation execution role may create roles only with it.
    iam.PermissionsBoundary.of(this).apply(
      iam.ManagedPolicy.fromManagedPolicyName(this, 'Boundary', naming.permissionsBoundaryName),
    );

    // Encrypted with the AWS-owned key: nothing for the execution role or the functions
    // to be granted on KMS, and no key policy to keep in step across accounts.
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: settings.retainData,
      removalPolicy,
    });

    const apiAccessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: stackName,
      description: `Check-in API of ${stackName}`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // API Gateway logs through one role per account and region: the environment's
      // stack sets it up; an isolated copy in the dev account uses the dev stack's.
      // Retained: other APIs of the account (an isolated copy) log through it too.
      ...(isolated ? { cloudWatchRole: false } : { cloudWatchRole: true, cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }),
      deployOptions: {
        stageName: API_STAGE_NAME,
        throttlingRateLimit: settings.throttling.rateLimit,
        throttlingBurstLimit: settings.throttling.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(apiAccessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false, httpMethod: true, ip: true, protocol: true, requestTime: true,
          resourcePath: true, responseLength: true, status: true, user: false,
        }),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    // API Gateway answers an unknown path with 403 "Missing Authentication Token";
    // clients of this API get a 404 with the usual JSON body instead.
    this.api.addGatewayResponse('UnknownRoute', {
      type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: {
        'application/json': JSON.stringify({ message: `no such route; this API serves ${[...new Set(ROUTES.map((r) => r.path))].join(', ')}` }),
      },
    });

    this.apiUrlParameter = new ssm.StringParameter(this, 'ApiUrlParameter', {
      parameterName: SampleApiStack.apiUrlParameterNameFor(stackName),
      stringValue: this.api.url,
      description: `Base URL of ${stackName}'s API, read by the post-traffic hooks at run time`,
    });

    this.apiServerErrorsAlarm = new cloudwatch.Alarm(this, 'Api5xxAlarm', {
      alarmDescription: `${stackName}: the API answered ${settings.alarms.api5xxErrors} or more 5XX in a minute; a deployment in progress rolls back`,
      // Literal dimensions, not the stage's attributes: the deployment groups name this
      // alarm, and a reference from it to the stage would close a cycle (stage →
      // deployment → methods → alias → hooks → deployment group → alarm → stage).
      metric: new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName: '5XXError',
        dimensionsMap: { ApiName: stackName, Stage: API_STAGE_NAME },
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: settings.alarms.api5xxErrors,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const build = props.buildInfo ?? resolveBuildInfo();
    const functions: Partial<Record<HandlerName, lambda.Function>> = {};
    const deployments: Partial<Record<HandlerName, ServiceDeployment>> = {};
    for (const [name, spec] of Object.entries(FUNCTIONS) as Array<[HandlerName, FunctionSpec]>) {
      const fn = this.serviceFunction(name, spec, {
        APP_VERSION: build.version,
        APP_COMMIT: build.commit,
        APP_ENVIRONMENT: this.appEnvironment,
        ...(spec.tableActions.length > 0 ? { TABLE_NAME: this.table.tableName } : {}),
        ...(props.simulateFailure && spec.tableActions.length > 0 ? { SIMULATE_FAILURE: 'true' } : {}),
      }, logRetention, removalPolicy);
      const deployment = deploySafely(this, `${spec.id}Deploy`, {
        lambdaFunction: fn,
        trafficShift: settings.trafficShift,
        errorsAlarmThreshold: settings.alarms.lambdaErrors,
        preTrafficCheck: this.preTrafficCheckOf(name, spec, build, props.simulateFailure ?? false),
        apiUrlParameterName: SampleApiStack.apiUrlParameterNameFor(stackName),
        smokeCheckPaths: SMOKE_CHECK_PATHS,
        logRetention,
      });
      deployment.addAlarm(this.apiServerErrorsAlarm);
      functions[name] = fn;
      deployments[name] = deployment;
    }
    this.functions = functions as Record<HandlerName, lambda.Function>;
    this.deployments = deployments as Record<HandlerName, ServiceDeployment>;

    this.addRoutes();

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the API (ends with a slash); the integration and sanity suites read it as API_URL',
    });
    acknowledgeFindings({ api: this.api, functions: Object.values(this.functions) });
  }

  /**
   * What the pre-traffic hook asks of a new version. In the rollback demo the data
   * functions are known to answer 500 to everything: their check then expects exactly
   * that simulated failure (which still proves the new version loads with its whole
   * environment), so that the broken version takes traffic and the alarms, not the
   * hook, roll it back, as they would for a bug nobody announced.
   */
  private preTrafficCheckOf(name: HandlerName, spec: FunctionSpec, build: BuildInfo, simulateFailure: boolean): PreTrafficCheck {
    if (simulateFailure && spec.tableActions.length > 0) {
      return { path: spec.preTrafficCheck.path, expectedStatus: 500, expectedBodyContains: ['SIMULATE_FAILURE'] };
    }
    return {
      ...spec.preTrafficCheck,
      expectedBodyContains: name === 'version' ? [`"commit":"${build.commit}"`] : [],
    };
  }

  /** One resource per path of the route table, `ANY` to the live alias of the path's function. */
  private addRoutes(): void {
    const handlerOf = new Map<string, HandlerName>();
    for (const route of ROUTES) {
      const other = handlerOf.get(route.path);
      if (other !== undefined && other !== route.handler) {
        throw new Error(`src/routes.ts maps ${route.path} to both '${other}' and '${route.handler}'; every method of a path must go to the same handler, since the API routes the whole path to one function`);
      }
      handlerOf.set(route.path, route.handler);
    }
    const integrations = new Map<HandlerName, apigw.LambdaIntegration>();
    for (const [path, handler] of handlerOf) {
      let integration = integrations.get(handler);
      if (!integration) {
        // Through the alias, so CodeDeploy's traffic shifting applies to API traffic.
        integration = new apigw.LambdaIntegration(this.deployments[handler].alias, { allowTestInvoke: false });
        integrations.set(handler, integration);
      }
      // ANY: the handler answers a method its path does not serve with 405 and `Allow`.
      this.api.root.resourceForPath(path).addMethod('ANY', integration);
    }
  }

  private serviceFunction(
    name: HandlerName,
    spec: FunctionSpec,
    environment: Record<string, string>,
    retention: logs.RetentionDays,
    removalPolicy: RemovalPolicy,
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${spec.id}Logs`, { retention, removalPolicy });
    // Our own role: only its log group, X-Ray and the table actions it needs (no managed policy).
    const role = new iam.Role(this, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${name} function of ${this.stackName}`,
    });
    logGroup.grantWrite(role);
    const fn = new lambda.Function(this, `${spec.id}Function`, {
      description: spec.description,
      // Bundled by the app's nx build (esbuild, minified, CommonJS for node22, the AWS SDK v3
      // left to the runtime), so synth only stages the prebuilt code.
      code: lambda.Code.fromAsset(functionBundle(name)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment,
      // Keep the version a release replaces (the CDK deletes it by default: VersionOptions
      // removalPolicy, default DESTROY): whatever still names it keeps working, and the change
      // review sees a retained version, not a deleted one.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });
    if (spec.tableActions.length > 0) {
      this.table.grant(fn, ...spec.tableActions);
    }
    return fn;
  }
}

/** The prebuilt bundle of a handler (`bundles/<name>`, written by the app's nx `bundle` target). */
function functionBundle(name: HandlerName): string {
  const dir = join(packageRoot(), 'bundles', name);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(`the ${name} function's bundle is missing (${dir}/index.js): bundle the functions first, npx nx run @crosswalk/sample-api:bundle`);
  }
  return dir;
}

function namingOf(config: CrosswalkConfig): CrosswalkNaming {
  return new CrosswalkNaming({
    projectName: config.projectName,
    region: config.region,
    partition: RegionInfo.get(config.region).partition,
  });
}

/**
 * The target a stack is for: `dev`/`prod` stand for their target in the two-environment
 * config (and for the dev account's settings of an isolated copy).
 */
function targetOf(config: CrosswalkConfig, environmentName: EnvironmentName | DeliveryTarget): DeliveryTarget {
  if (typeof environmentName !== 'string') return environmentName;
  const target = deliveryTargets(config).find((t) => t.environment === environmentName && t.region === config.region)
    // With waves, 'dev' still means the dev account and settings (an isolated copy).
    ?? (config.waves !== undefined && (environmentName === 'dev' || environmentName === 'prod') ? environmentTarget(config, environmentName) : undefined);
  if (target === undefined) throw new Error(`environmentName must be 'dev' or 'prod', or a target of deliveryTargets(config), got '${String(environmentName)}'`);
  return target;
}

function synthesizerFor(config: CrosswalkConfig, naming: CrosswalkNaming, props: SampleApiStackProps): IStackSynthesizer | undefined {
  if (props.isolatedPrefix !== undefined) {
    return props.isolatedAssetsBucket === undefined
      ? undefined // the default synthesizer: the dev account's bootstrap resources
      : new CliCredentialsStackSynthesizer({ fileAssetsBucketName: props.isolatedAssetsBucket, bucketPrefix: `assets/${props.isolatedPrefix}/` });
  }
  // The pipeline's build stage publishes the code into the build account's artifact
  // bucket, under the only prefix the execution roles may read (this stack's
  // *.assets.json); CloudFormation in dev and prod reads it from there. No bootstrap
  // resources are referenced.
  return new ServiceStackSynthesizer({ naming, buildAccountId: config.accounts.build });
}
