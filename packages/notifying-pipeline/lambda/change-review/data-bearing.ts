/**
 * Resource types that hold data (or state that cannot be rebuilt from the template), mapped to
 * what is lost when CloudFormation deletes one, or replaces one: a replacement creates a new,
 * empty resource and then deletes the old one (unless its UpdateReplacePolicy keeps it).
 *
 * The change review asks a person to look at every deletion, replacement and possible
 * replacement of these types. Each entry says why, in words meant for the report: they follow
 * "<resource> is deleted: ".
 *
 * Replacement and deletion behaviour: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 * What DeletionPolicy and UpdateReplacePolicy keep: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 */
export const DATA_BEARING_TYPES: { readonly [type: string]: string } = {
  // Databases and tables
  'AWS::DynamoDB::Table': 'its items are deleted with it',
  'AWS::DynamoDB::GlobalTable': 'its items are deleted with it, in every replica Region',
  'AWS::RDS::DBInstance': 'its databases are deleted with it (kept only in a final snapshot, if one is taken)',
  'AWS::RDS::DBCluster': 'its databases are deleted with it (kept only in a final snapshot, if one is taken)',
  'AWS::DocDB::DBCluster': 'its documents are deleted with it (kept only in a final snapshot, if one is taken)',
  'AWS::Neptune::DBCluster': 'its graph data is deleted with it (kept only in a final snapshot, if one is taken)',
  'AWS::Redshift::Cluster': 'its warehouse data is deleted with it (kept only in a final snapshot, if one is taken)',
  'AWS::Timestream::Table': 'its time series records are deleted with it',
  'AWS::Cassandra::Table': 'its rows are deleted with it',
  'AWS::OpenSearchService::Domain': 'its indices and documents are deleted with it',
  'AWS::Elasticsearch::Domain': 'its indices and documents are deleted with it',
  'AWS::ElastiCache::ReplicationGroup': 'its cached data is lost (kept only in a final snapshot, if one is taken)',
  'AWS::MemoryDB::Cluster': 'its data is deleted with it (kept only in a final snapshot, if one is taken)',

  // Files and objects
  'AWS::S3::Bucket': 'its objects go with it (CloudFormation cannot delete a bucket that is not empty, unless something empties it first)',
  'AWS::EC2::Volume': 'the data on the volume is deleted with it (kept only in a snapshot, if one is taken)',
  'AWS::EFS::FileSystem': 'its files are deleted with it',
  'AWS::FSx::FileSystem': 'its files are deleted with it',
  'AWS::ECR::Repository': 'its container images go with it (the deletion fails while it holds images, unless EmptyOnDelete is set)',
  'AWS::Backup::BackupVault': 'it holds recovery points (backups); a new vault starts empty',

  // Messages and streams in flight
  'AWS::SQS::Queue': 'the messages waiting in it are lost',
  'AWS::SNS::Topic': 'its subscriptions are deleted with it: subscribers stop receiving messages until they subscribe again (email subscribers must confirm again)',
  'AWS::Kinesis::Stream': 'the records it still retains are lost',
  'AWS::Events::EventBus': 'the rules, archives and cross-account permissions that target it are lost, and senders that name it fail',
  'AWS::Events::Archive': 'its archived events can no longer be replayed',
  'AWS::StepFunctions::StateMachine': 'its running executions are terminated and its execution history goes with it',

  // Secrets, keys, configuration, identities
  'AWS::KMS::Key': 'data encrypted under it becomes unreadable once the key is deleted (after its pending window)',
  'AWS::SecretsManager::Secret': 'its secret value is deleted (after the recovery window); a new secret has a new value and ARN suffix',
  'AWS::SSM::Parameter': 'its value and version history are deleted with it',
  'AWS::Cognito::UserPool': 'its users, their passwords and MFA settings are deleted with it and cannot be exported',
  'AWS::Cognito::IdentityPool': 'its identity ids are lost: data keyed by identity id is orphaned',

  // Logs and names
  'AWS::Logs::LogGroup': 'its log events are deleted with it',
  'AWS::Route53::HostedZone': 'its records are deleted, and a new zone gets new name servers, which breaks the delegation from the parent domain',
};

/** The reason a type matters, or undefined when it is not in {@link DATA_BEARING_TYPES}. */
export function dataBearingReason(resourceType: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(DATA_BEARING_TYPES, resourceType) ? DATA_BEARING_TYPES[resourceType] : undefined;
}
