import {
  CliCredentialsStackSynthesizer, CliCredentialsStackSynthesizerProps, DockerImageAssetLocation, DockerImageAssetSource, IBoundStackSynthesizer, Stack, Token,
} from 'aws-cdk-lib';
import { CrosswalkNaming } from './naming';

/** Props of {@link ServiceStackSynthesizer}. */
export interface ServiceStackSynthesizerProps {
  /**
   * The naming convention shared with the build account: the artifact bucket, the prefix
   * of the code assets in it, and the region the stacks must be in come from it.
   */
  readonly naming: CrosswalkNaming;

  /** The build account, whose artifact bucket holds the service's code assets. */
  readonly buildAccountId: string;
}

/**
 * Synthesizes a service stack that the pipeline deploys into a target account (dev, prod)
 * that was never bootstrapped:
 *
 * - file assets (Lambda code, the template) go to the build account's artifact bucket
 *   (`naming.artifactBucketName(buildAccountId)`) under `naming.assetsPrefix`, the only
 *   part of the bucket the target accounts' CloudFormation execution roles may read;
 * - the asset manifest names no role to assume, so the build publishes the stack's
 *   `*.assets.json` with its own credentials;
 * - the template has no bootstrap-version parameter or rule, and names no bootstrap role.
 *
 * Docker image assets are refused (there is no container registry by convention), and so
 * is a stack outside the convention's region: the artifact bucket is regional, and Lambda
 * reads a function's code only from a bucket in the function's region.
 */
export class ServiceStackSynthesizer extends CliCredentialsStackSynthesizer {
  /** The naming convention shared with the build account. */
  public readonly naming: CrosswalkNaming;
  /** The build account, whose artifact bucket holds the code assets. */
  public readonly buildAccountId: string;
  /** The bucket the code assets are published to: `naming.artifactBucketName(buildAccountId)`. */
  public readonly artifactBucketName: string;

  constructor(props: ServiceStackSynthesizerProps) {
    super(cliCredentialsProps(props));
    this.naming = props.naming;
    this.buildAccountId = props.buildAccountId;
    this.artifactBucketName = props.naming.artifactBucketName(props.buildAccountId);
  }

  private boundTo?: Stack;

  /**
   * Refuses a second stack. CDK reuses a synthesizer across stacks by binding a copy per stack
   * (`reusableBind`), but the copies of this one share the asset manifest they build, so each
   * stack's manifest would list the other stacks' code and templates too (seen with aws-cdk-lib
   * 2.276): one stack's `publish-assets` would then upload another's, and a manifest would name
   * templates of other stacks. Each stack gets its own synthesizer instead.
   */
  public reusableBind(stack: Stack): IBoundStackSynthesizer {
    this.refuseSecondStack(stack);
    const bound = super.reusableBind(stack);
    this.boundTo = stack;
    return bound;
  }

  /** Refuses a second stack and a stack outside the convention's region, then binds as `CliCredentialsStackSynthesizer` does. */
  public bind(stack: Stack): void {
    this.refuseSecondStack(stack);
    const region = stack.region;
    if (Token.isUnresolved(region)) {
      throw new Error(`stack '${stack.stackName}' has no region, but its code assets go to the artifact bucket '${this.artifactBucketName}' in '${this.naming.region}' ` +
        `and Lambda reads a function's code only from a bucket in the function's region: give the stack env: { region: '${this.naming.region}' }`);
    }
    if (region !== this.naming.region) {
      throw new Error(`stack '${stack.stackName}' is in region '${region}', but its code assets go to the artifact bucket '${this.artifactBucketName}' in '${this.naming.region}' ` +
        `and Lambda reads a function's code only from a bucket in the function's region: deploy the stack to '${this.naming.region}', ` +
        `or synthesize it with naming.forRegion('${region}') (the artifact store of that region of the build account)`);
    }
    super.bind(stack);
    this.boundTo ??= stack;
  }

  private refuseSecondStack(stack: Stack): void {
    if (this.boundTo !== undefined && this.boundTo !== stack) {
      throw new Error(`this ServiceStackSynthesizer is already used by stack '${this.boundTo.stackName}', and stack '${stack.stackName}' was given it too: ` +
        'a synthesizer writes the asset manifest of one stack, so a shared one would list each stack\'s code and template in the other\'s manifest; ' +
        'give each stack its own: synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId })');
    }
  }

  /** Refused: no container registry is set up by convention. */
  public addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`stack '${this.boundStack.stackName}' deploys into a target account without CDK bootstrap, so it cannot have Docker image assets (got '${asset.directoryName ?? asset.sourceHash}'): ` +
      `there is no container registry to publish them to; ship the code as a file asset (for example lambda.Code.fromAsset), which goes to the artifact bucket '${this.artifactBucketName}', ` +
      'or use an image you publish to a registry yourself (lambda.DockerImageCode.fromEcr)');
  }
}

function cliCredentialsProps(props: ServiceStackSynthesizerProps): CliCredentialsStackSynthesizerProps {
  const { naming, buildAccountId } = props;
  if (Token.isUnresolved(buildAccountId)) {
    throw new Error('buildAccountId must be a literal 12-digit account id, not a token: the asset manifest names the artifact bucket, which derives from it, at synth time');
  }
  return {
    fileAssetsBucketName: naming.artifactBucketName(buildAccountId), // validates the account id
    bucketPrefix: naming.assetsPrefix,
  };
}
