/**
 * Data destroyed in place: nothing is removed or replaced, every detail says RequiresRecreation
 * Never and Replacement False, and yet data goes (retention shortened, lifecycle expiry, backups
 * off, TTL on, a key disabled or scheduled for deletion, DeletionPolicy Retain to Delete).
 */
import {
  BUCKET_BASE,
  BUCKET_NAME,
  DOC,
  REGION,
  ACCOUNT,
  KAA,
  TABLE_BASE,
  TABLE_LOGICAL,
  TABLE_NAME,
  HOLDERS,
  allow,
  cites,
  cs,
  detail,
  doc,
  holderDoc,
  lid,
  maker,
  modify,
  patch,
  physName,
  release,
  releaseInput,
  remove,
  res,
  retention,
  uuid,
  RELEASE_DOCS,
  type Obj,
  type Props,
} from './build';
import type { CorpusCase } from './types';

const c = maker('data-destruction-in-place');

/** A Modify of `type` from `base` to `merge(base, p)`, expected high with category data-loss. */
function destroy(id: string, title: string, type: string, logical: string, physical: string, base: Props, p: Props, extraCites: readonly string[] = []): CorpusCase {
  return c.high(id, title, 'data-loss', [...cites(type), ...extraCites], cs([patch(type, logical, physical, base, p)]));
}

const bucket = (id: string, title: string, p: Props, extraCites: readonly string[]): CorpusCase =>
  destroy(id, title, 'AWS::S3::Bucket', lid('AssetsBucket'), BUCKET_NAME, BUCKET_BASE, p, extraCites);
const table = (id: string, title: string, p: Props, extraCites: readonly string[]): CorpusCase =>
  destroy(id, title, 'AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, TABLE_BASE, p, extraCites);

const DB_LOGICAL = lid('OrdersDatabase');
const DB_BASE: Props = {
  Engine: 'postgres',
  EngineVersion: '16.3',
  DBInstanceClass: 'db.t4g.medium',
  AllocatedStorage: '100',
  StorageEncrypted: true,
  MultiAZ: true,
  BackupRetentionPeriod: 7,
  DeletionProtection: true,
  PubliclyAccessible: false,
  MasterUsername: 'orders',
  ManageMasterUserPassword: true,
  DBSubnetGroupName: physName(lid('OrdersDatabaseSubnetGroup')).toLowerCase(),
};
const db = (id: string, title: string, p: Props): CorpusCase =>
  destroy(id, title, 'AWS::RDS::DBInstance', DB_LOGICAL, physName(DB_LOGICAL).toLowerCase(), DB_BASE, p, [DOC.rdsBackup]);

const KEY = HOLDERS['kms-key'];
const KEY_BASE = KEY.props(doc(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })));

/** A Modify that only changes a resource attribute (DeletionPolicy / UpdateReplacePolicy). */
function policyAttribute(attribute: string, type: string, logical: string, physical: string, props: Props): Obj {
  return modify(type, logical, physical, props, props, {
    scope: [attribute],
    details: [detail({ attribute, path: `/${attribute}`, before: 'Retain', after: 'Delete' })],
    beforeExtra: { [attribute]: 'Retain' },
    afterExtra: { [attribute]: 'Delete' },
  });
}

const RETENTION: CorpusCase[] = [
  c.high('retention-3653-to-1', 'Log retention falls from ten years to one day', 'data-loss', [...cites('AWS::Logs::LogGroup'), DOC.logsRetention], cs([retention(3653, 1)])),
  c.high('retention-365-to-30', 'Log retention falls from a year to a month', 'data-loss', cites('AWS::Logs::LogGroup'), cs([retention(365, 30)])),
  c.high(
    'retention-never-expire-to-30',
    'Logs kept forever get a 30-day retention: everything older goes',
    'data-loss',
    [...cites('AWS::Logs::LogGroup'), DOC.logsRetention],
    cs([retention(undefined, 30)]),
  ),
  c.high(
    'retention-decrease-beside-release',
    'A routine release, and beside it a log group whose retention falls from 731 to 3 days',
    'data-loss',
    [...RELEASE_DOCS, res('AWS::Logs::LogGroup')],
    releaseInput([release('Orders')], [retention(731, 3)]),
  ),
  c.high(
    'retention-known-after-apply',
    'Log retention comes from a value known only after apply: the review cannot tell growth from loss',
    undefined,
    [...cites('AWS::Logs::LogGroup'), DOC.detail],
    cs([modify('AWS::Logs::LogGroup', lid('AuditLogGroup'), '/orders/audit', { LogGroupName: '/orders/audit', RetentionInDays: 3653 }, { LogGroupName: '/orders/audit', RetentionInDays: KAA })]),
  ),
];

const STORAGE: CorpusCase[] = [
  bucket(
    's3-lifecycle-expire-everything-after-1-day',
    'A lifecycle rule expires every object of the bucket after one day',
    { LifecycleConfiguration: { Rules: [{ Id: 'cleanup', Status: 'Enabled', ExpirationInDays: 1 }] } },
    [DOC.s3Lifecycle],
  ),
  destroy(
    's3-lifecycle-expiry-shortened',
    'The archive rule expires objects after 1 day instead of 3650, and old versions after 1 day',
    'AWS::S3::Bucket',
    lid('ArchiveBucket'),
    physName(lid('ArchiveBucket')).toLowerCase(),
    { ...BUCKET_BASE, LifecycleConfiguration: { Rules: [{ Id: 'archive', Status: 'Enabled', ExpirationInDays: 3650 }] } },
    { LifecycleConfiguration: { Rules: [{ Id: 'archive', Status: 'Enabled', ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }] } },
    [DOC.s3Lifecycle],
  ),
  bucket('s3-versioning-suspended', 'Bucket versioning is suspended: overwritten and deleted objects are gone for good', { VersioningConfiguration: { Status: 'Suspended' } }, [DOC.s3Versioning]),
  table(
    'dynamodb-pitr-off',
    'Point-in-time recovery of the orders table is turned off (its backups go with it)',
    { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } },
    [DOC.ddbPitr],
  ),
  table('dynamodb-deletion-protection-off', 'Deletion protection of the orders table is turned off', { DeletionProtectionEnabled: false }, []),
  table('dynamodb-ttl-enabled', 'TTL is enabled on expiresAt: DynamoDB starts deleting items', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }, [DOC.ddbTtl]),
  destroy(
    'dynamodb-global-table-replica-removed',
    'A global table loses its eu-central-1 replica (that replica table is deleted)',
    'AWS::DynamoDB::GlobalTable',
    lid('OrdersGlobalTable'),
    'orders-global',
    {
      TableName: 'orders-global',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [{ Region: REGION }, { Region: 'eu-central-1' }],
    },
    { Replicas: [{ Region: REGION }] },
  ),
  db('rds-backup-retention-zero', 'Automated backups of the database are turned off (BackupRetentionPeriod 0)', { BackupRetentionPeriod: 0 }),
  db('rds-deletion-protection-off', 'Deletion protection of the database is turned off', { DeletionProtection: false }),
  destroy(
    'rds-cluster-backup-retention-shortened',
    'Aurora cluster backups are kept 1 day instead of 35',
    'AWS::RDS::DBCluster',
    lid('OrdersCluster'),
    physName(lid('OrdersCluster')).toLowerCase(),
    { Engine: 'aurora-postgresql', EngineVersion: '16.2', BackupRetentionPeriod: 35, DeletionProtection: true, StorageEncrypted: true },
    { BackupRetentionPeriod: 1 },
    [DOC.rdsBackup],
  ),
  destroy(
    'elasticache-snapshots-off',
    'ElastiCache snapshots are turned off (SnapshotRetentionLimit 0)',
    'AWS::ElastiCache::ReplicationGroup',
    lid('SessionCache'),
    'orders-sessions',
    { ReplicationGroupDescription: 'sessions', Engine: 'redis', CacheNodeType: 'cache.t4g.small', NumCacheClusters: 2, SnapshotRetentionLimit: 7 },
    { SnapshotRetentionLimit: 0 },
  ),
  destroy(
    'efs-backup-policy-disabled',
    'Automatic backups of the file system are disabled',
    'AWS::EFS::FileSystem',
    lid('SharedFileSystem'),
    'fs-0a1b2c3d4e5f60718',
    { Encrypted: true, PerformanceMode: 'generalPurpose', BackupPolicy: { Status: 'ENABLED' } },
    { BackupPolicy: { Status: 'DISABLED' } },
  ),
  destroy(
    'sqs-message-retention-shortened',
    'The orders queue keeps messages 60 seconds instead of 14 days',
    'AWS::SQS::Queue',
    lid('OrdersQueue'),
    `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physName(lid('OrdersQueue'))}`,
    { MessageRetentionPeriod: 1209600, VisibilityTimeout: 60, SqsManagedSseEnabled: true },
    { MessageRetentionPeriod: 60 },
  ),
  destroy(
    'kinesis-retention-shortened',
    'The stream keeps records 24 hours instead of 7 days',
    'AWS::Kinesis::Stream',
    lid('EventsStream'),
    physName(lid('EventsStream')),
    { RetentionPeriodHours: 168, StreamModeDetails: { StreamMode: 'ON_DEMAND' }, StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } },
    { RetentionPeriodHours: 24 },
  ),
  destroy(
    'backup-plan-lifecycle-shortened',
    'The backup plan deletes recovery points after 1 day instead of 365',
    'AWS::Backup::BackupPlan',
    lid('OrdersBackupPlan'),
    uuid('backup-plan'),
    { BackupPlan: { BackupPlanName: 'orders', BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: 'orders-vault', ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 365 } }] } },
    { BackupPlan: { BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: 'orders-vault', ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 1 } }] } },
  ),
  destroy(
    'ecr-lifecycle-keeps-one-image',
    'An ECR lifecycle policy expires every image but the newest one, rollback images included',
    'AWS::ECR::Repository',
    lid('OrdersRepository'),
    'orders-api',
    { ImageScanningConfiguration: { ScanOnPush: true } },
    {
      LifecyclePolicy: {
        LifecyclePolicyText: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] }),
      },
    },
  ),
];

const KEYS: CorpusCase[] = [
  destroy('kms-key-disabled', 'The data key is disabled: everything encrypted under it is unreadable', KEY.type, KEY.logical, KEY.physical, KEY_BASE, { Enabled: false }, [DOC.kmsDelete]),
  destroy(
    'kms-key-pending-window-shortened',
    'The data key deletion waiting period falls from 30 to 7 days',
    KEY.type,
    KEY.logical,
    KEY.physical,
    { ...KEY_BASE, PendingWindowInDays: 30 },
    { PendingWindowInDays: 7 },
    [DOC.kmsDelete],
  ),
  c.high(
    'kms-key-removed-scheduled-deletion',
    'The data key leaves the template: CloudFormation schedules its deletion',
    'data-loss',
    [holderDoc('kms-key'), DOC.kmsDelete],
    cs([remove(KEY.type, KEY.logical, KEY.physical, { ...KEY_BASE, PendingWindowInDays: 7 })]),
  ),
];

const POLICY_ATTRIBUTES: CorpusCase[] = [
  c.high(
    'table-deletion-policy-retain-to-delete',
    'The orders table DeletionPolicy goes from Retain to Delete',
    'data-loss',
    [DOC.rc, DOC.target, DOC.deletionPolicy, res('AWS::DynamoDB::Table')],
    cs([policyAttribute('DeletionPolicy', 'AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, TABLE_BASE)]),
  ),
  c.high(
    'bucket-update-replace-policy-retain-to-delete',
    'The bucket UpdateReplacePolicy goes from Retain to Delete',
    'data-loss',
    [DOC.rc, DOC.target, DOC.updateReplacePolicy, res('AWS::S3::Bucket')],
    cs([policyAttribute('UpdateReplacePolicy', 'AWS::S3::Bucket', lid('AssetsBucket'), BUCKET_NAME, BUCKET_BASE)]),
  ),
  c.high(
    'database-deletion-policy-retain-to-delete',
    'The database DeletionPolicy goes from Retain to Delete (no final snapshot either)',
    'data-loss',
    [DOC.rc, DOC.target, DOC.deletionPolicy, res('AWS::RDS::DBInstance')],
    cs([policyAttribute('DeletionPolicy', 'AWS::RDS::DBInstance', DB_LOGICAL, physName(DB_LOGICAL).toLowerCase(), DB_BASE)]),
  ),
];

export const CASES: CorpusCase[] = [...RETENTION, ...STORAGE, ...KEYS, ...POLICY_ATTRIBUTES];
