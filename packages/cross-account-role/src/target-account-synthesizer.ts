import {
  DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation, FileAssetSource, ISynthesisSession, StackSynthesizer,
} from 'aws-cdk-lib';

/**
 * Synthesizes a stack that deploys into an account that was never bootstrapped, such as
 * the stack of `CrossAccountDeploymentRoles`: the template is deployed inline with the
 * caller's credentials (no template upload, no deploy role to assume), and no
 * bootstrap-version parameter or rule is added. Assets need a bucket, so a stack with any
 * asset is refused at synth time (a service stack with code uses `ServiceStackSynthesizer`).
 *
 * CloudFormation accepts inline templates up to 51,200 bytes; the roles of
 * `CrossAccountDeploymentRoles` stay well below that.
 */
export class TargetAccountSynthesizer extends StackSynthesizer {
  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    throw new Error(`stack '${this.boundStack.stackName}' deploys into an account without CDK bootstrap, so it cannot have file assets (got '${asset.fileName ?? asset.executable?.join(' ') ?? asset.sourceHash}'): define the resources inline, or move them to a stack of the build account`);
  }

  public addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`stack '${this.boundStack.stackName}' deploys into an account without CDK bootstrap, so it cannot have Docker image assets (got '${asset.directoryName ?? asset.sourceHash}'): move them to a stack of the build account`);
  }

  public synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
  }
}
