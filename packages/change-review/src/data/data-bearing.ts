import { STATEFUL_TYPES } from '../generated/aws-service-spec';
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

/** More types that hold data, not in the list above nor marked stateful by the CDK's specification. */
const MORE: { readonly [type: string]: string } = {
  'AWS::MSK::Cluster': 'its topics and the records they retain are deleted with it',
  'AWS::MSK::ServerlessCluster': 'its topics and the records they retain are deleted with it',
  'AWS::AmazonMQ::Broker': 'the messages queued in it are lost',
  'AWS::ElastiCache::ServerlessCache': 'its cached data is lost (kept only in a final snapshot, if one is taken)',
  'AWS::ElastiCache::CacheCluster': 'its cached data is lost',
  'AWS::CodeCommit::Repository': 'its commits, branches and history are deleted with it',
  'AWS::RDS::GlobalCluster': 'the global database spanning Regions goes with it',
  'AWS::ACMPCA::CertificateAuthority': 'it issued certificates; a new CA has a new key and trust chain, and the old one\'s certificates can no longer be revoked through it',
  'AWS::QLDB::Ledger': 'its journal is deleted with it',
  'AWS::DocDB::DBInstance': 'its data is deleted with it',
  'AWS::Neptune::DBInstance': 'its data is deleted with it',
  'AWS::EMR::Cluster': 'data on its cluster storage (HDFS) is lost',
  'AWS::SDB::Domain': 'its items are deleted with it',
  'AWS::Glue::Database': 'its table definitions are deleted with it',
  'AWS::Glue::Table': 'its schema and partitions are deleted with it',
  'AWS::S3Express::DirectoryBucket': 'its objects go with it',
  'AWS::S3Tables::TableBucket': 'its tables go with it',
  'AWS::Organizations::Account': 'the account leaves the organization',
  'AWS::Backup::BackupPlan': 'new recovery points stop being made',
  'AWS::Lambda::Function': 'its published versions, their configuration and aliases pointing at them go with it',
  'AWS::ApiGateway::RestApi': 'its URL changes: every caller of the old one fails',
  'AWS::ApiGatewayV2::Api': 'its URL changes: every caller of the old one fails',
  'AWS::CloudFront::Distribution': 'its domain name changes: every caller of the old one fails',
  'AWS::Cognito::UserPoolClient': 'its client id and secret change: every app using it must be reconfigured',
  'AWS::IoT::Thing': 'its registry entry goes with it',
};

/**
 * Types the review knows hold no data of their own, so deleting or replacing one loses nothing
 * that the template cannot recreate. Removing one is still not LOW (it is not in the low table):
 * it is reported in its own category (IAM, safe deploy) rather than as data loss.
 */
export const STATELESS_TYPES: ReadonlySet<string> = new Set([
  'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::Permission', 'AWS::Lambda::EventInvokeConfig',
  'AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role',
  'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::Dashboard',
  'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Model',
  'AWS::CodeDeploy::DeploymentGroup', 'AWS::CodeDeploy::DeploymentConfig', 'AWS::CodeDeploy::Application',
  'AWS::Events::Rule', 'AWS::CDK::Metadata', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy',
  'AWS::S3::BucketPolicy', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::Logs::MetricFilter',
  'AWS::Logs::SubscriptionFilter',
]);

/** Why losing a resource of this type loses data; a general reason for a type the review does not know. */
export function dataLossReason(type: string): string | undefined {
  if (STATELESS_TYPES.has(type)) return undefined;
  if (Object.prototype.hasOwnProperty.call(DATA_BEARING_TYPES, type)) return DATA_BEARING_TYPES[type];
  if (Object.prototype.hasOwnProperty.call(MORE, type)) return MORE[type];
  if (STATEFUL_TYPES.has(type)) return 'the CDK\'s service specification marks this type stateful: its data is lost with it';
  return 'the review does not know this type to hold no data: whatever it holds is lost with it';
}

/** Whether the type is known to hold data (not merely not known to hold none). */
export function knownStateful(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(DATA_BEARING_TYPES, type) || Object.prototype.hasOwnProperty.call(MORE, type) || STATEFUL_TYPES.has(type);
}
