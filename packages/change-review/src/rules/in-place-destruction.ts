import { Json } from '../model/change-set';
import { asBool, asNumber, changedProperties, jsonEqual, ref, Subject, valueOf } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { Rule } from './rule';

/** One watched property: given its value before and after, why the change destroys or endangers data (or nothing). */
interface Watch {
  readonly property: string;
  readonly judge: (before: Json | undefined, after: Json | undefined) => string | undefined;
}

const shorter = (unit: string, neverWhenAbsent: boolean) => (b: Json | undefined, a: Json | undefined): string | undefined => {
  const old = asNumber(b);
  const next = asNumber(a);
  if (old === undefined && next === undefined) return undefined;
  if (next === undefined) return neverWhenAbsent ? undefined : `it falls back to the service default, which may be shorter than ${old} ${unit}`;
  if (old === undefined) return neverWhenAbsent ? `it was kept without limit and is now kept ${next} ${unit}` : `it is set to ${next} ${unit}; check it is not shorter than the default it replaces`;
  return next < old ? `it is kept ${next} ${unit} instead of ${old}: older data is deleted` : undefined;
};

/** A protection that was on (or on by default, when `defaultOn`) and is now off. */
const turnedOff = (what: string, path: (v: Json | undefined) => Json | undefined = (v) => v, defaultOn = false) => (b: Json | undefined, a: Json | undefined): string | undefined => {
  const old = asBool(path(b)) ?? (path(b) === undefined ? defaultOn : undefined);
  const next = asBool(path(a)) ?? (path(a) === undefined ? defaultOn : undefined);
  return old !== false && next !== true && (old === true || next === false) ? `${what} is turned off` : undefined;
};

const turnedOn = (what: string, path: (v: Json | undefined) => Json | undefined) => (b: Json | undefined, a: Json | undefined): string | undefined =>
  asBool(path(b)) !== true && asBool(path(a)) === true ? `${what} is turned on: items and objects it selects are deleted` : undefined;

const anyChange = (what: string) => (b: Json | undefined, a: Json | undefined): string | undefined => (jsonEqual(b, a) ? undefined : what);

const field = (...keys: string[]) => (v: Json | undefined): Json | undefined => {
  let cur: Json | undefined = v;
  for (const k of keys) cur = cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? cur[k] : undefined;
  return cur;
};

/**
 * Properties whose change destroys data in place, without a replacement, per type. Each entry
 * comes from the type's template reference page.
 */
const WATCHED: { readonly [type: string]: readonly Watch[] } = {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html
  'AWS::Logs::LogGroup': [{ property: 'RetentionInDays', judge: shorter('days', true) }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html
  'AWS::S3::Bucket': [
    { property: 'LifecycleConfiguration', judge: anyChange('its lifecycle rules change: a rule may expire (delete) objects or old versions') },
    { property: 'VersioningConfiguration', judge: (b, a) => (field('Status')(b) === 'Enabled' && field('Status')(a) !== 'Enabled' ? 'versioning is suspended: an overwrite or delete no longer keeps the previous version' : undefined) },
    { property: 'ObjectLockConfiguration', judge: anyChange('its object lock changes: objects may become deletable sooner') },
    { property: 'ReplicationConfiguration', judge: anyChange('its replication changes: copies kept elsewhere may stop') },
  ],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
  'AWS::DynamoDB::Table': [
    { property: 'PointInTimeRecoverySpecification', judge: (b, a) => turnedOff('point-in-time recovery', field('PointInTimeRecoveryEnabled'))(b, a) ?? shorter('days of recovery', false)(field('RecoveryPeriodInDays')(b), field('RecoveryPeriodInDays')(a)) },
    { property: 'DeletionProtectionEnabled', judge: turnedOff('deletion protection') },
    { property: 'TimeToLiveSpecification', judge: (b, a) => turnedOn('time to live', field('Enabled'))(b, a) ?? (asBool(field('Enabled')(a)) === true && !jsonEqual(field('AttributeName')(b), field('AttributeName')(a)) ? 'time to live now reads another attribute: other items may expire' : undefined) },
    { property: 'StreamSpecification', judge: (b, a) => (b !== undefined && a === undefined ? 'its stream is turned off: readers of the stream lose the records' : undefined) },
  ],
  'AWS::DynamoDB::GlobalTable': [
    { property: 'TimeToLiveSpecification', judge: turnedOn('time to live', field('Enabled')) },
    { property: 'Replicas', judge: anyChange('its replicas change: a replica removed is deleted with its items, and its point-in-time recovery and deletion protection are per replica') },
  ],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
  'AWS::RDS::DBInstance': [
    { property: 'BackupRetentionPeriod', judge: shorter('days of backups', false) },
    { property: 'DeletionProtection', judge: turnedOff('deletion protection') },
    { property: 'DeleteAutomatedBackups', judge: turnedOn('deleting automated backups with the instance', (v) => v) },
  ],
  'AWS::RDS::DBCluster': [
    { property: 'BackupRetentionPeriod', judge: shorter('days of backups', false) },
    { property: 'DeletionProtection', judge: turnedOff('deletion protection') },
    { property: 'BacktrackWindow', judge: shorter('seconds of backtrack', false) },
  ],
  'AWS::DocDB::DBCluster': [{ property: 'BackupRetentionPeriod', judge: shorter('days of backups', false) }, { property: 'DeletionProtection', judge: turnedOff('deletion protection') }],
  'AWS::Neptune::DBCluster': [{ property: 'BackupRetentionPeriod', judge: shorter('days of backups', false) }, { property: 'DeletionProtection', judge: turnedOff('deletion protection') }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
  'AWS::KMS::Key': [
    { property: 'Enabled', judge: turnedOff('the key (Enabled false: nothing encrypted under it can be decrypted until it is enabled again)', (v) => v, true) },
    { property: 'PendingWindowInDays', judge: anyChange('the waiting period before the key is deleted changes') },
    { property: 'EnableKeyRotation', judge: turnedOff('automatic key rotation') },
  ],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
  'AWS::SQS::Queue': [{ property: 'MessageRetentionPeriod', judge: shorter('seconds', false) }, { property: 'RedrivePolicy', judge: anyChange('its dead-letter queue changes: failed messages may no longer be kept') }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html
  'AWS::Kinesis::Stream': [{ property: 'RetentionPeriodHours', judge: shorter('hours', false) }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-backup-backupplan.html
  'AWS::Backup::BackupPlan': [{ property: 'BackupPlan', judge: anyChange('the backup plan changes: its rules decide how long recovery points are kept') }],
  'AWS::Backup::BackupVault': [{ property: 'LockConfiguration', judge: anyChange('the vault lock changes') }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html
  'AWS::ECR::Repository': [{ property: 'LifecyclePolicy', judge: anyChange('its lifecycle policy changes: it may expire images') }, { property: 'EmptyOnDelete', judge: turnedOn('EmptyOnDelete (images are deleted with the repository)', (v) => v) }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-efs-filesystem.html
  'AWS::EFS::FileSystem': [
    { property: 'BackupPolicy', judge: (b, a) => (field('Status')(a) !== 'ENABLED' && field('Status')(b) === 'ENABLED' ? 'automatic backups are turned off' : undefined) },
    { property: 'LifecyclePolicies', judge: anyChange('its lifecycle policies change: files may move to another storage class or expire') },
  ],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-redshift-cluster.html
  'AWS::Redshift::Cluster': [{ property: 'AutomatedSnapshotRetentionPeriod', judge: shorter('days of automated snapshots', false) }, { property: 'ManualSnapshotRetentionPeriod', judge: shorter('days of manual snapshots', false) }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-timestream-table.html
  'AWS::Timestream::Table': [{ property: 'RetentionProperties', judge: (b, a) => shorter('days in the magnetic store', false)(field('MagneticStoreRetentionPeriodInDays')(b), field('MagneticStoreRetentionPeriodInDays')(a)) ?? shorter('hours in the memory store', false)(field('MemoryStoreRetentionPeriodInHours')(b), field('MemoryStoreRetentionPeriodInHours')(a)) }],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html
  'AWS::Events::Archive': [{ property: 'RetentionDays', judge: shorter('days of archived events', true) }],
  'AWS::Cognito::UserPool': [{ property: 'DeletionProtection', judge: (b, a) => (b === 'ACTIVE' && a !== 'ACTIVE' ? 'deletion protection is turned off' : undefined) }],
  'AWS::ElastiCache::ReplicationGroup': [{ property: 'SnapshotRetentionLimit', judge: shorter('days of snapshots', false) }],
  'AWS::SecretsManager::Secret': [{ property: 'SecretString', judge: anyChange('the secret value changes: whoever uses the old value fails') }, { property: 'GenerateSecretString', judge: anyChange('the generated secret changes: a new value replaces the old one') }],
  'AWS::SSM::Parameter': [{ property: 'Value', judge: anyChange('the parameter value changes (the old value is kept only in its history)') }],
};

export const inPlaceDestructionRule: Rule = {
  id: 'data-destroyed-in-place',
  category: 'data-loss',
  summary: 'A setting whose change deletes data or removes its protection without replacing the resource: retention shortened, lifecycle expiry, versioning suspended, point-in-time recovery or deletion protection off, time to live on, backups shortened, a KMS key disabled, and the like (per type).',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html',
  ],
  check: (s: Subject): Msg[] => {
    if (s.change.action !== 'Modify') return [];
    const watches = Object.prototype.hasOwnProperty.call(WATCHED, s.change.type) ? WATCHED[s.change.type] : [];
    const changed = changedProperties(s.change);
    const out: Msg[] = [];
    for (const w of watches) {
      if (!changed.has(w.property)) continue;
      const b = valueOf(s.change, w.property, 'before');
      const a = valueOf(s.change, w.property, 'after');
      const unknown = s.change.before.state !== 'ok' || s.change.after.state !== 'ok';
      const why = unknown ? 'its values are not in the change set, so a loss cannot be ruled out' : w.judge(b, a);
      if (why !== undefined) out.push(msg`${ref(s)}${words(`: ${w.property}: ${why}.`)}`);
    }
    return out;
  },
};
