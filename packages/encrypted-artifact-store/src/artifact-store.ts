import { ArtifactStoreAccess, CrosswalkNaming } from '@crosswalk/cross-account-role';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/** Props of {@link EncryptedArtifactStore}. */
export interface EncryptedArtifactStoreProps {
  /**
   * The naming convention: the bucket name and the key alias come from it. The store's
   * stack must have a concrete account (it is the build account) and the convention's region.
   */
  readonly naming: CrosswalkNaming;

  /**
   * Target accounts whose convention deployment role (read and write) and CloudFormation
   * execution role (read of the published code assets) may use the store.
   *
   * @default - none yet; admit accounts with `addTargetAccount()`
   */
  readonly targetAccounts?: string[];

  /**
   * How long a pipeline artifact or test report (the objects under `expiringPrefixes`) is
   * kept after it was written. Code assets (under `naming.assetsPrefix`) never expire by
   * lifecycle: a stack that rolls back needs the code of its previous template, however old
   * (clean them up with a task that knows what is deployed).
   *
   * @default Duration.days(90)
   */
  readonly artifactExpiration?: Duration;

  /**
   * The key prefixes whose objects expire after `artifactExpiration`. None may overlap
   * `naming.assetsPrefix`.
   *
   * @default - the artifacts of the convention's pipeline (`naming.pipelineArtifactsPrefix()`)
   * and the exported test reports (`naming.testReportsPrefix`)
   */
  readonly expiringPrefixes?: string[];

  /**
   * How long a replaced or deleted version of an artifact is kept (the bucket is versioned).
   *
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * What happens to the key, the bucket and the access-log bucket when they leave the
   * stack. A bucket is deleted only if it is empty.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Where the artifact bucket's server access logs go. S3 delivers access logs only to a
   * bucket encrypted with S3-managed keys.
   *
   * @default - a new bucket with S3-managed encryption, TLS only, no public access, whose
   * logs expire after `accessLogsExpiration`
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * How long the server access logs are kept in the bucket this construct creates.
   * Ignored when `accessLogsBucket` is given.
   *
   * @default Duration.days(365)
   */
  readonly accessLogsExpiration?: Duration;
}

const STORE_SYMBOL = Symbol.for('@crosswalk/encrypted-artifact-store.EncryptedArtifactStore');

const READ_BUCKET = ['s3:GetBucketLocation', 's3:ListBucket'];
const READ_OBJECTS = ['s3:GetObject', 's3:GetObjectVersion'];
const WRITE_OBJECTS = ['s3:PutObject', 's3:AbortMultipartUpload'];
const KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE = ['kms:Encrypt', 'kms:GenerateDataKey'];

/**
 * The artifact store of the build account: a KMS key (rotation on, alias by convention)
 * and a versioned S3 bucket encrypted with it (bucket key, all public access blocked,
 * TLS 1.2 or later only, bucket-owner-enforced object ownership, lifecycle expiry, server
 * access logs), named by {@link CrosswalkNaming}.
 *
 * Each target account's convention roles are admitted on the resource side (bucket policy
 * and key policy) through an account principal narrowed by an `aws:PrincipalArn`
 * condition, so the store deploys before or after the target accounts' roles exist. The
 * identity side is written by `CrossAccountDeploymentRoles`; both read their actions from
 * `ArtifactStoreAccess`.
 */
export class EncryptedArtifactStore extends Construct {
  /**
   * Whether `x` is an `EncryptedArtifactStore`, also when it comes from another copy of
   * this package (where `instanceof` would say no).
   */
  public static isEncryptedArtifactStore(x: any): x is EncryptedArtifactStore {
    return x !== null && typeof x === 'object' && STORE_SYMBOL in x;
  }

  /** The artifact bucket. */
  public readonly bucket: s3.IBucket;
  /** The key that encrypts the artifacts. */
  public readonly key: kms.IKey;
  /** The bucket receiving the artifact bucket's server access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The naming convention of the store. */
  public readonly naming: CrosswalkNaming;
  /** The build account (this stack's). */
  public readonly buildAccountId: string;

  private readonly admitted: string[] = [];
  private readonly artifactBucket: s3.Bucket;
  private readonly artifactKey: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptedArtifactStoreProps) {
    super(scope, id);
    Object.defineProperty(this, STORE_SYMBOL, { value: true });
    // Log delivery by bucket policy rather than ACL, whatever the app's feature flags say:
    // the artifact bucket's ownership setting disables ACLs.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const { naming } = props;
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account)) {
      throw new Error(`EncryptedArtifactStore needs the build account: give stack '${stack.node.path}' env: { account: '<12-digit build account id>' }, the bucket name and the target accounts' policies derive from it`);
    }
    if (stack.region !== naming.region) {
      const got = Token.isUnresolved(stack.region) ? 'an unresolved region' : `'${stack.region}'`;
      throw new Error(`EncryptedArtifactStore must be in the naming convention's region '${naming.region}', got ${got} for stack '${stack.node.path}': set env: { region: '${naming.region}' }, the target accounts' roles look for the bucket and key there` +
        (Token.isUnresolved(stack.region) ? '' : `; for a store of another region (a pipeline that deploys to several), pass naming.forRegion('${stack.region}')`));
    }
    const artifactExpiration = wholeDays('artifactExpiration', props.artifactExpiration ?? Duration.days(90));
    const expiringPrefixes = props.expiringPrefixes ?? [naming.pipelineArtifactsPrefix(), naming.testReportsPrefix];
    validateExpiringPrefixes(expiringPrefixes, naming.assetsPrefix);
    const noncurrentVersionExpiration = wholeDays('noncurrentVersionExpiration', props.noncurrentVersionExpiration ?? Duration.days(30));
    const accessLogsExpiration = wholeDays('accessLogsExpiration', props.accessLogsExpiration ?? Duration.days(365));
    for (const account of props.targetAccounts ?? []) this.validateTargetAccount(account, stack.account);

    this.naming = naming;
    this.buildAccountId = stack.account;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${naming.projectName} pipeline's artifacts and published code assets`,
      alias: naming.artifactKeyAliasName,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Only AWS services may create grants on the key, and only for AWS resources (Control
    // Tower CT.KMS.PR.3): no principal admitted here can hand its key use on to another.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));

    let accessLogsBucket = props.accessLogsBucket;
    if (!accessLogsBucket) {
      const logs = new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: accessLogsExpiration }],
        removalPolicy,
      });
      accessLogsBucket = logs;
    }

    const bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: naming.artifactBucketName(stack.account),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // Current versions expire only under the expiring prefixes: a code asset must outlive
      // every template that may roll back to it, or the rollback of a function whose code did
      // not change for that long ends in UPDATE_ROLLBACK_FAILED. A lifecycle filter selects by
      // prefix, never "all but a prefix", hence one rule per expiring prefix.
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html
      // Replaced and deleted versions (including delete markers left by the asset cleanup)
      // expire everywhere. Expiration acts on current versions, NoncurrentVersionExpiration on
      // the others: https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
      lifecycleRules: [
        {
          id: 'ExpireReplacedVersions',
          noncurrentVersionExpiration,
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        ...expiringPrefixes.map((prefix, i) => ({
          id: `ExpireArtifacts${i + 1}`,
          prefix,
          expiration: artifactExpiration,
        })),
      ],
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: `${naming.artifactBucketName(stack.account)}/`,
      removalPolicy,
    });

    this.artifactKey = key;
    this.artifactBucket = bucket;
    this.key = key;
    this.bucket = bucket;
    this.accessLogsBucket = accessLogsBucket;
    for (const account of props.targetAccounts ?? []) this.addTargetAccount(account);
  }

  /** The target accounts admitted so far, in the order they were added. */
  public get targetAccounts(): string[] {
    return [...this.admitted];
  }

  /**
   * Admits a target account: its convention deployment role may read and write artifacts,
   * and its CloudFormation execution role may read the published code assets. Adding an
   * account twice changes nothing.
   */
  public addTargetAccount(accountId: string): void {
    this.validateTargetAccount(accountId, this.buildAccountId);
    if (this.admitted.includes(accountId)) return;
    this.admitted.push(accountId);

    for (const access of ArtifactStoreAccess.all()) {
      const principal = () => new iam.PrincipalWithConditions(new iam.AccountPrincipal(accountId), {
        ArnEquals: { 'aws:PrincipalArn': access.roleArn(this.naming, accountId) },
      });
      const sid = `${access.roleKind}${accountId}`;
      if (access.bucketActions.length > 0) {
        this.artifactBucket.addToResourcePolicy(new iam.PolicyStatement({
          sid: `${sid}Bucket`,
          principals: [principal()],
          actions: access.bucketActions,
          resources: [this.artifactBucket.bucketArn],
        }));
      }
      this.artifactBucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: `${sid}Objects`,
        principals: [principal()],
        actions: access.objectActions,
        resources: [this.artifactBucket.arnForObjects(access.objectKeyPattern(this.naming))],
      }));
      this.artifactKey.addToResourcePolicy(new iam.PolicyStatement({
        sid,
        principals: [principal()],
        actions: access.keyActions,
        resources: ['*'],
      }));
    }
  }

  /**
   * Lets a principal of the build account (a CodeBuild project, the pipeline) read the
   * artifacts: list the bucket, get objects and decrypt them. Target accounts are admitted
   * with `addTargetAccount()` instead.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    this.assertBuildAccountPrincipal(grantee, 'grantRead');
    return this.grant(grantee, [...READ_BUCKET, ...READ_OBJECTS], KEY_READ);
  }

  /**
   * Lets a principal of the build account read and write artifacts (and publish code
   * assets): everything `grantRead` allows, plus putting objects and encrypting them.
   */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    this.assertBuildAccountPrincipal(grantee, 'grantReadWrite');
    return this.grant(grantee, [...READ_BUCKET, ...READ_OBJECTS, ...WRITE_OBJECTS], [...KEY_READ, ...KEY_WRITE]);
  }

  private grant(grantee: iam.IGrantable, s3Actions: string[], keyActions: string[]): iam.Grant {
    const objects = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: s3Actions,
      resourceArns: [this.artifactBucket.bucketArn, this.artifactBucket.arnForObjects('*')],
      resource: this.artifactBucket,
    });
    this.acknowledgeObjectWildcard(grantee);
    return objects.combine(this.artifactKey.grant(grantee, ...keyActions));
  }

  /**
   * The grant names the bucket's objects by pattern, which cdk-nag reports on the
   * grantee's policy. Acknowledged on the grantee when it is in the store's stack (where
   * the finding's id, which names the bucket's logical id, is known).
   */
  private acknowledgeObjectWildcard(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal) || Stack.of(principal) !== Stack.of(this)) return;
    const bucketLogicalId = Stack.of(this).resolve((this.artifactBucket.node.defaultChild as s3.CfnBucket).logicalId);
    Validations.of(principal).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
      reason: `Pipeline artifacts and code assets get generated object keys, so the grant covers the objects of the artifact bucket ${this.naming.artifactBucketName(this.buildAccountId)} by pattern`,
    });
  }

  private assertBuildAccountPrincipal(grantee: iam.IGrantable, method: string): void {
    const account = grantee.grantPrincipal.principalAccount;
    if (account && !Token.isUnresolved(account) && account !== this.buildAccountId) {
      throw new Error(`${method}() is for principals of the build account ${this.buildAccountId}, got a principal of account ${account}: admit a target account with addTargetAccount('${account}'), which grants its convention roles without naming them in a resource policy`);
    }
  }

  private validateTargetAccount(accountId: string, buildAccountId: string): void {
    if (Token.isUnresolved(accountId)) {
      throw new Error('targetAccounts must be literal 12-digit account ids, not tokens: the store\'s policies name each account\'s convention roles at synth time');
    }
    CrosswalkNaming.validateAccountId('targetAccounts', accountId);
    if (accountId === buildAccountId) {
      throw new Error(`targetAccounts must not include the build account '${accountId}' that holds the store: list the dev and prod accounts the pipeline deploys to, and grant build-account principals with grantRead()/grantReadWrite()`);
    }
  }
}

function validateExpiringPrefixes(prefixes: string[], assetsPrefix: string): void {
  for (const prefix of prefixes) {
    if (Token.isUnresolved(prefix)) {
      throw new Error('expiringPrefixes must be literal strings, not tokens: each is checked against the code assets prefix at synth time');
    }
    if (prefix.startsWith(assetsPrefix) || assetsPrefix.startsWith(prefix)) {
      throw new Error(`expiringPrefixes must not overlap the code assets prefix '${assetsPrefix}', got '${prefix}': code assets must stay while any stack may roll back to them; list the prefixes of pipeline artifacts and reports only`);
    }
  }
}

function wholeDays(field: string, duration: Duration): Duration {
  if (duration.isUnresolved()) return duration;
  const days = duration.toMilliseconds() / Duration.days(1).toMilliseconds();
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`${field} must be a whole number of days, at least 1 (S3 lifecycle rules count in days), got ${duration.toHumanString()}: use Duration.days(n)`);
  }
  return duration;
}
