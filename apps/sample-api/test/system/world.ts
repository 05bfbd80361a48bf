/**
 * The synthesized templates of several stacks (several accounts), with CloudFormation's
 * intrinsics resolved to the values they take once deployed, so that policies can be
 * evaluated across accounts. Physical ids CloudFormation would generate are modelled as
 * `<stack name>-<logical id>` (CloudFormation's generated names start with the stack name),
 * KMS key ids as `key-<logical id>`. An intrinsic this resolver does not know fails the
 * test, so nothing is silently skipped.
 */
export interface DeployedStack {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: any;
}

export class World {
  constructor(public readonly stacks: readonly DeployedStack[], public readonly partition = 'aws') {}

  public stack(stackName: string): DeployedStack {
    const found = this.stacks.find((s) => s.stackName === stackName);
    if (!found) throw new Error(`no stack '${stackName}' in the world (${this.stacks.map((s) => s.stackName).join(', ')})`);
    return found;
  }

  public resource(stack: DeployedStack, logicalId: string): any {
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) throw new Error(`stack '${stack.stackName}' has no resource '${logicalId}'`);
    return resource;
  }

  /** The resources of a type, as [logicalId, resource] pairs. */
  public resourcesOf(stack: DeployedStack, type: string): Array<[string, any]> {
    return Object.entries(stack.template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
  }

  /** A value of the template with every intrinsic replaced by its deployed value. */
  public resolve(stack: DeployedStack, value: unknown): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      return this.intrinsic(stack, entries[0][0], entries[0][1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  /** What `Ref` returns for a resource. */
  public physicalId(stack: DeployedStack, logicalId: string): string {
    const r = this.resource(stack, logicalId);
    const p = r.Properties ?? {};
    const named = (prop: string) => (p[prop] !== undefined ? this.resolve(stack, p[prop]) : `${stack.stackName}-${logicalId}`);
    switch (r.Type) {
      case 'AWS::IAM::Role': return named('RoleName');
      case 'AWS::S3::Bucket': return p.BucketName !== undefined ? this.resolve(stack, p.BucketName) : `${stack.stackName}-${logicalId}`.toLowerCase();
      case 'AWS::KMS::Key': return `key-${logicalId}`;
      case 'AWS::IAM::ManagedPolicy': return this.arn('iam', '', stack.account, `policy/${named('ManagedPolicyName')}`);
      case 'AWS::SNS::Topic': return this.arn('sns', stack.region, stack.account, named('TopicName'));
      case 'AWS::Lambda::Function': return named('FunctionName');
      case 'AWS::SSM::Parameter': return named('Name');
      case 'AWS::IAM::Group': return named('GroupName');
      case 'AWS::Logs::LogGroup': return named('LogGroupName');
      case 'AWS::Events::Rule': return named('Name');
      case 'AWS::CodePipeline::Pipeline': return named('Name');
      case 'AWS::CodeBuild::Project': return named('Name');
      // The report group's name (Fn::GetAtt Arn is its ARN; the templates use no Ref of it).
      case 'AWS::CodeBuild::ReportGroup': return named('Name');
      // Ref of an alias or a version is its ARN (function ARN with the qualifier).
      case 'AWS::Lambda::Alias': return `${this.functionArn(stack, p.FunctionName)}:${this.resolve(stack, p.Name)}`;
      case 'AWS::Lambda::Version': return `${this.functionArn(stack, p.FunctionName)}:1`;
      default: return `${stack.stackName}-${logicalId}`;
    }
  }

  /** What `Fn::GetAtt <id>.Arn` returns for a resource. */
  public resourceArn(stack: DeployedStack, logicalId: string): string {
    const r = this.resource(stack, logicalId);
    const id = this.physicalId(stack, logicalId);
    switch (r.Type) {
      case 'AWS::IAM::Role': return this.arn('iam', '', stack.account, `role/${id}`);
      case 'AWS::S3::Bucket': return this.arn('s3', '', '', id);
      case 'AWS::KMS::Key': return this.arn('kms', stack.region, stack.account, `key/${id}`);
      case 'AWS::Lambda::Function': return this.arn('lambda', stack.region, stack.account, `function:${id}`);
      case 'AWS::Logs::LogGroup': return this.arn('logs', stack.region, stack.account, `log-group:${id}:*`);
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': return this.arn('dynamodb', stack.region, stack.account, `table/${id}`);
      case 'AWS::SNS::Topic': return id;
      case 'AWS::IAM::ManagedPolicy': return id;
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodebuild.html (resource types)
      case 'AWS::CodeBuild::Project': return this.arn('codebuild', stack.region, stack.account, `project/${id}`);
      case 'AWS::CodeBuild::ReportGroup': return this.arn('codebuild', stack.region, stack.account, `report-group/${id}`);
      case 'AWS::IAM::Group': return this.arn('iam', '', stack.account, `group/${id}`);
      case 'AWS::Events::Rule': return this.arn('events', stack.region, stack.account, `rule/${id}`);
      default: return this.arn('unknown', stack.region, stack.account, `${r.Type}/${id}`);
    }
  }

  /** The ARN of a function given its name, ARN or a reference to either. */
  public functionArn(stack: DeployedStack, functionName: unknown): string {
    const name = String(this.resolve(stack, functionName));
    return name.startsWith('arn:') ? name : this.arn('lambda', stack.region, stack.account, `function:${name}`);
  }

  public arn(service: string, region: string, account: string, resource: string): string {
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }

  private intrinsic(stack: DeployedStack, name: string, arg: any): any {
    switch (name) {
      case 'Ref':
        switch (arg) {
          case 'AWS::Partition': return this.partition;
          case 'AWS::AccountId': return stack.account;
          case 'AWS::Region': return stack.region;
          case 'AWS::URLSuffix': return 'amazonaws.com';
          case 'AWS::StackName': return stack.stackName;
          default:
            if (stack.template.Parameters?.[arg]) throw new Error(`stack '${stack.stackName}' has a parameter '${arg}', which this resolver does not model`);
            return this.physicalId(stack, arg);
        }
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        if (attribute === 'Arn') return this.resourceArn(stack, id);
        // AWS::CodeStarConnections::Connection's ConnectionArn (its id is generated).
        if (attribute === 'ConnectionArn') return this.arn('codestar-connections', stack.region, stack.account, `connection/${this.physicalId(stack, id)}`);
        return `${this.physicalId(stack, id)}.${attribute}`;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg;
        return (this.resolve(stack, parts) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg;
        return this.resolve(stack, list)[index];
      }
      case 'Fn::Split': {
        const [separator, text] = arg;
        return String(this.resolve(stack, text)).split(separator);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolve(stack, arg);
        for (const other of this.stacks) {
          for (const output of Object.values<any>(other.template.Outputs ?? {})) {
            if (output.Export && this.resolve(other, output.Export.Name) === exportName) {
              if (other.account !== stack.account || other.region !== stack.region) {
                throw new Error(`stack '${stack.stackName}' imports '${exportName}' from '${other.stackName}' of another account or region, which CloudFormation cannot do`);
              }
              return this.resolve(other, output.Value);
            }
          }
        }
        throw new Error(`stack '${stack.stackName}' imports '${exportName}', which no stack of the world exports`);
      }
      default:
        throw new Error(`the resolver does not model ${name} (in stack '${stack.stackName}'): ${JSON.stringify(arg).slice(0, 200)}`);
    }
  }
}
