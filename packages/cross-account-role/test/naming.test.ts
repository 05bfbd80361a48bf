import { Aws, Token } from 'aws-cdk-lib';
import { ArtifactStoreAccess, CrosswalkNaming, MAX_PROJECT_NAME_LENGTH } from '../src';

const BUILD = '111111111111';
const DEV = '222222222222';

describe('CrosswalkNaming', () => {
  const names = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });

  test('derives every cross-account role ARN from project, region and account', () => {
    expect(names.deploymentRoleArn(DEV)).toBe('arn:aws:iam::222222222222:role/Checkin-eu-west-1-DeploymentRole');
    expect(names.executionRoleArn(DEV)).toBe('arn:aws:iam::222222222222:role/Checkin-eu-west-1-CfnExecutionRole');
    expect(names.pipelineRoleArn(BUILD)).toBe('arn:aws:iam::111111111111:role/Checkin-eu-west-1-PipelineRole');
  });

  test('artifact bucket name is lower case and unique per build account and region', () => {
    expect(names.artifactBucketName(BUILD)).toBe('checkin-artifacts-111111111111-eu-west-1');
    expect(names.artifactKeyAliasArn(BUILD)).toBe('arn:aws:kms:eu-west-1:111111111111:alias/Checkin/eu-west-1/artifacts');
  });

  test('a pipeline\'s artifacts expire under the folder CodePipeline makes: the first 20 characters of its name', () => {
    // https://repost.aws/questions/QUI91tw7A9SUOMohJurNqmgA (AWS: "truncated to just 20 characters for the folder")
    expect(names.pipelineArtifactsPrefix()).toBe('Checkin-pipeline/');
    expect(names.pipelineArtifactsPrefix('Checkin-SampleApi-release-pipeline')).toBe('Checkin-SampleApi-re/');
  });

  test('code assets live under the assets/ prefix of the artifact bucket', () => {
    expect(names.assetsPrefix).toBe('assets/');
    expect(names.artifactAssetsArnPattern(BUILD)).toBe('arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1/assets/*');
  });

  test('the artifact key is found by its alias among the build account\'s keys of the region', () => {
    expect(names.artifactKeyArnPattern(BUILD)).toBe('arn:aws:kms:eu-west-1:111111111111:key/*');
    expect(names.artifactKeyAliasName).toBe('alias/Checkin/eu-west-1/artifacts');
  });

  test('stack pattern covers only the project prefix', () => {
    expect(names.stackArnPattern(DEV)).toBe('arn:aws:cloudformation:eu-west-1:222222222222:stack/Checkin-*/*');
  });

  test('the longest allowed project name keeps every role name within 64 characters', () => {
    const longest = new CrosswalkNaming({ projectName: 'a'.repeat(MAX_PROJECT_NAME_LENGTH), region: 'ap-southeast-4' });
    for (const name of [
      longest.deploymentRoleName, longest.executionRoleName, longest.pipelineRoleName, longest.permissionsBoundaryName,
      longest.readOnlyRoleName, longest.pipelineChecksRoleName, longest.failureNotifierRoleName,
    ]) {
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(longest.artifactBucketName(BUILD).length).toBeLessThanOrEqual(63);
  });

  test('fails on a project name with characters IAM or S3 would refuse', () => {
    expect(() => new CrosswalkNaming({ projectName: 'my_project', region: 'eu-west-1' }))
      .toThrow("projectName must start with a letter and contain only letters, digits and hyphens, got 'my_project'");
  });

  test('fails on a project name too long for role names', () => {
    expect(() => new CrosswalkNaming({ projectName: 'a'.repeat(25), region: 'eu-west-1' }))
      .toThrow(/at most 24 characters/);
  });

  test('fails on a region that is not a region name', () => {
    expect(() => new CrosswalkNaming({ projectName: 'Checkin', region: 'Ireland' }))
      .toThrow("region must be an AWS region name such as 'eu-west-1', got 'Ireland'");
  });

  test('fails on a project name or region that is only known at deploy time', () => {
    expect(() => new CrosswalkNaming({ projectName: Token.asString({ Ref: 'Project' }), region: 'eu-west-1' }))
      .toThrow('projectName must be a literal string, not a token');
    expect(() => new CrosswalkNaming({ projectName: 'Checkin', region: Aws.REGION }))
      .toThrow("region must be a literal region name such as 'eu-west-1', not a token");
  });

  test('another region\'s names: its own roles, bucket and key, trusting the one pipeline region\'s build-account roles', () => {
    const west = names.forRegion('us-west-2');
    expect(west.region).toBe('us-west-2');
    expect(west.pipelineRegion).toBe('eu-west-1');
    // IAM names are global: each region's target roles carry their region, so two regions of one account never collide.
    expect(west.deploymentRoleArn(DEV)).toBe('arn:aws:iam::222222222222:role/Checkin-us-west-2-DeploymentRole');
    expect(west.readOnlyRoleName).toBe('Checkin-us-west-2-ReadOnlyRole');
    expect(west.executionRoleName).toBe('Checkin-us-west-2-CfnExecutionRole');
    expect(west.permissionsBoundaryName).toBe('Checkin-us-west-2-PermissionsBoundary');
    // The build account's roles are the pipeline region's, whatever region is deployed to.
    for (const n of [names, west]) {
      expect(n.pipelineRoleArn(BUILD)).toBe('arn:aws:iam::111111111111:role/Checkin-eu-west-1-PipelineRole');
      expect(n.pipelineChecksRoleArn(BUILD)).toBe('arn:aws:iam::111111111111:role/Checkin-eu-west-1-PipelineChecksRole');
      expect(n.changeSetRoleArn(BUILD)).toBe('arn:aws:iam::111111111111:role/Checkin-eu-west-1-ChangeSetRole');
      expect(n.failureNotifierRoleArn(BUILD)).toBe('arn:aws:iam::111111111111:role/Checkin-eu-west-1-FailureNotifierRole');
    }
    // Artifacts of actions in us-west-2 live in that region's store of the build account.
    expect(west.artifactBucketName(BUILD)).toBe('checkin-artifacts-111111111111-us-west-2');
    expect(west.artifactKeyAliasArn(BUILD)).toBe('arn:aws:kms:us-west-2:111111111111:alias/Checkin/us-west-2/artifacts');
    expect(west.stackArnPattern(DEV)).toBe('arn:aws:cloudformation:us-west-2:222222222222:stack/Checkin-*/*');
    expect(west.forRegion('eu-west-1').deploymentRoleName).toBe(names.deploymentRoleName);
  });

  test('fails on a pipeline region that is not a literal region name', () => {
    expect(() => new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1', pipelineRegion: 'Ireland' }))
      .toThrow("pipelineRegion must be an AWS region name such as 'eu-west-1', got 'Ireland'");
    expect(() => new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1', pipelineRegion: Aws.REGION }))
      .toThrow("pipelineRegion must be a literal region name such as 'eu-west-1', not a token");
  });

  test('fails on an account id that is not 12 digits', () => {
    expect(() => names.deploymentRoleArn('12345')).toThrow("accountId must be a 12-digit AWS account id, got '12345'");
  });
});

describe('ArtifactStoreAccess', () => {
  const names = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });

  test('the deployment role only reads the bucket; the execution role only reads code assets', () => {
    expect(ArtifactStoreAccess.DEPLOYMENT_ROLE.roleArn(names, DEV)).toBe(names.deploymentRoleArn(DEV));
    expect(ArtifactStoreAccess.DEPLOYMENT_ROLE.objectArnPattern(names, BUILD)).toBe('arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1/*');
    expect(ArtifactStoreAccess.DEPLOYMENT_ROLE.objectActions).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(ArtifactStoreAccess.DEPLOYMENT_ROLE.keyActions).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(ArtifactStoreAccess.EXECUTION_ROLE.roleArn(names, DEV)).toBe(names.executionRoleArn(DEV));
    expect(ArtifactStoreAccess.EXECUTION_ROLE.objectArnPattern(names, BUILD)).toBe(names.artifactAssetsArnPattern(BUILD));
    expect(ArtifactStoreAccess.EXECUTION_ROLE.objectActions).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(ArtifactStoreAccess.EXECUTION_ROLE.bucketActions).toEqual([]);
    expect(ArtifactStoreAccess.EXECUTION_ROLE.keyActions).toEqual(['kms:Decrypt']);
  });

  test('no access uses an action wildcard', () => {
    for (const access of ArtifactStoreAccess.all()) {
      for (const action of [...access.bucketActions, ...access.objectActions, ...access.keyActions]) {
        expect(action).not.toContain('*');
      }
    }
  });
});
