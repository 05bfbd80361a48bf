/**
 * Stateful or unknown resources removed or replaced: tables, brokers, clusters, caches,
 * repositories, certificate authorities, user pools. PolicyAction Retain or Snapshot does not make
 * a removal low; ReplaceAndRetain leaves the application on an empty resource.
 */
import {
  ACCOUNT,
  BUCKET_BASE,
  BUCKET_NAME,
  DOC,
  REGION,
  TABLE_BASE,
  TABLE_LOGICAL,
  TABLE_NAME,
  cites,
  cs,
  fnArn,
  lid,
  maker,
  patch,
  physName,
  release,
  releaseInput,
  remove,
  RELEASE_DOCS,
  res,
  suffix,
  tableRemoved,
  uuid,
  type ModifyOpts,
  type Props,
} from './build';
import type { CorpusCase, ExpectedCategory } from './types';

const c = maker('data-removal-or-replacement');

/** A CDK-like logical id from the type: AWS::MSK::Cluster -> MSKCluster1A2B3C4D. */
const logicalOf = (type: string): string => lid(type.split('::').slice(1).join(''));

/** `type` removed with `policyAction`. */
function gone(id: string, title: string, type: string, physical: string, props: Props, policyAction: string | null = 'Delete', category: ExpectedCategory | null = 'data-loss', extraCites: readonly string[] = []): CorpusCase {
  return c.high(id, title, category ?? undefined, [...cites(type), ...extraCites], cs([remove(type, logicalOf(type), physical, props, policyAction)]));
}

/** `type` modified so that it is replaced (`recreation` says which property forces it). */
function replaced(id: string, title: string, type: string, physical: string, base: Props, p: Props, o: ModifyOpts, extraCites: readonly string[] = []): CorpusCase {
  return c.high(id, title, 'data-loss', [...cites(type), DOC.updateBehaviors, ...extraCites], cs([patch(type, logicalOf(type), physical, base, p, o)]));
}

const USER_POOL: Props = { UserPoolName: 'orders-customers', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'], MfaConfiguration: 'OPTIONAL' };
const BROKER: Props = { BrokerName: 'orders-broker', EngineType: 'ACTIVEMQ', EngineVersion: '5.18', HostInstanceType: 'mq.m5.large', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ', PubliclyAccessible: false, Users: [{ Username: 'orders' }] };
const SERVERLESS_CACHE: Props = { ServerlessCacheName: 'orders-sessions', Engine: 'valkey', MajorEngineVersion: '8' };
const CLUSTER: Props = { Engine: 'aurora-postgresql', EngineVersion: '16.2', DBClusterIdentifier: 'orders-cluster', StorageEncrypted: true, DeletionProtection: false };

const TABLES: CorpusCase[] = [
  c.high('dynamodb-table-removed', 'The orders table leaves the template and is deleted', 'data-loss', [...cites('AWS::DynamoDB::Table'), DOC.deletionPolicy], cs([tableRemoved()])),
  c.high(
    'dynamodb-table-replaced-key-schema',
    'The orders table sort key changes: CloudFormation replaces the table and deletes the old one',
    'data-loss',
    [...cites('AWS::DynamoDB::Table'), DOC.updateBehaviors],
    cs([
      patch('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, TABLE_BASE, { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'createdAt', AttributeType: 'S' }] }, {
        recreation: { KeySchema: 'Always' },
        policyAction: 'ReplaceAndDelete',
      }),
    ]),
  ),
  c.high(
    'dynamodb-table-conditional-replacement',
    'A table property whose change may replace the table (Replacement Conditional)',
    'data-loss',
    [...cites('AWS::DynamoDB::Table'), DOC.updateBehaviors],
    cs([patch('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, TABLE_BASE, { TableName: 'orders-v2' }, { recreation: { TableName: 'Conditionally' }, policyAction: 'ReplaceAndDelete' })]),
  ),
  c.high(
    'dynamodb-table-replace-and-retain',
    'The orders table is replaced, the old one retained: the application now writes to an empty table',
    'data-loss',
    [...cites('AWS::DynamoDB::Table'), DOC.updateReplacePolicy],
    cs([patch('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, TABLE_BASE, { TableName: 'orders-v2' }, { recreation: { TableName: 'Always' }, policyAction: 'ReplaceAndRetain' })]),
  ),
  c.high(
    'dynamodb-table-removed-beside-release',
    'A routine release, and the orders table deleted in the same change set',
    'data-loss',
    [...RELEASE_DOCS, res('AWS::DynamoDB::Table')],
    releaseInput([release('Orders')], [tableRemoved()]),
  ),
];

const STATEFUL: CorpusCase[] = [
  gone('msk-cluster-removed', 'The Kafka cluster is deleted', 'AWS::MSK::Cluster', `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-events/${uuid('msk')}-2`, {
    ClusterName: 'orders-events',
    KafkaVersion: '3.6.0',
    NumberOfBrokerNodes: 3,
    BrokerNodeGroupInfo: { InstanceType: 'kafka.m7g.large', ClientSubnets: ['subnet-0a1b2c3d', 'subnet-1a2b3c4d', 'subnet-2a3b4c5d'] },
  }),
  replaced('mq-broker-replaced', 'The Amazon MQ broker is renamed: CloudFormation replaces it, queued messages go', 'AWS::AmazonMQ::Broker', `b-${uuid('mq')}`, BROKER, { BrokerName: 'orders-broker-v2' }, {
    recreation: { BrokerName: 'Always' },
  }),
  gone('elasticache-replication-group-removed', 'The Redis replication group is deleted', 'AWS::ElastiCache::ReplicationGroup', 'orders-sessions', {
    ReplicationGroupDescription: 'sessions',
    Engine: 'redis',
    CacheNodeType: 'cache.t4g.small',
    NumCacheClusters: 2,
  }),
  replaced('elasticache-serverless-cache-replaced', 'The serverless cache is renamed and replaced', 'AWS::ElastiCache::ServerlessCache', 'orders-sessions', SERVERLESS_CACHE, { ServerlessCacheName: 'orders-sessions-v2' }, {
    recreation: { ServerlessCacheName: 'Always' },
  }),
  gone('codecommit-repository-removed', 'The CodeCommit repository (and its history) is deleted', 'AWS::CodeCommit::Repository', uuid('codecommit'), {
    RepositoryName: 'orders-infra',
    RepositoryDescription: 'infrastructure code',
  }),
  gone('rds-global-cluster-removed', 'The Aurora global cluster is deleted', 'AWS::RDS::GlobalCluster', 'orders-global', {
    GlobalClusterIdentifier: 'orders-global',
    Engine: 'aurora-postgresql',
    EngineVersion: '16.2',
    StorageEncrypted: true,
  }),
  gone(
    'acmpca-certificate-authority-removed',
    'The private certificate authority is deleted: its certificates can no longer be revoked or renewed',
    'AWS::ACMPCA::CertificateAuthority',
    `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/${uuid('pca')}`,
    { Type: 'ROOT', KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: { CommonName: 'orders.internal' } },
  ),
  gone('cognito-user-pool-removed', 'The customer user pool (every account, every password) is deleted', 'AWS::Cognito::UserPool', `${REGION}_a1B2c3D4e`, USER_POOL),
  replaced(
    'cognito-user-pool-replaced',
    'Sign-in by email becomes sign-in by phone: the user pool is replaced',
    'AWS::Cognito::UserPool',
    `${REGION}_a1B2c3D4e`,
    USER_POOL,
    { UsernameAttributes: ['phone_number'] },
    { recreation: { UsernameAttributes: 'Always' } },
  ),
  gone('s3-bucket-removed-retain', 'The assets bucket leaves the stack with PolicyAction Retain: still a person must look', 'AWS::S3::Bucket', BUCKET_NAME, BUCKET_BASE, 'Retain', null, [DOC.deletionPolicy]),
  gone('s3-bucket-removed-delete', 'The assets bucket is deleted', 'AWS::S3::Bucket', BUCKET_NAME, BUCKET_BASE),
  replaced('s3-bucket-replaced', 'The bucket gets an explicit name: CloudFormation replaces it', 'AWS::S3::Bucket', BUCKET_NAME, BUCKET_BASE, { BucketName: 'orders-assets-prod' }, {
    recreation: { BucketName: 'Always' },
    policyAction: 'ReplaceAndDelete',
  }),
  gone(
    'rds-instance-removed-snapshot',
    'The database is deleted with PolicyAction Snapshot: the service loses its database',
    'AWS::RDS::DBInstance',
    'orders-db',
    { Engine: 'postgres', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: '100' },
    'Snapshot',
    'data-loss',
    [DOC.deletionPolicy],
  ),
  replaced('rds-cluster-replaced-snapshot', 'The Aurora cluster identifier changes: replaced, old one snapshotted', 'AWS::RDS::DBCluster', 'orders-cluster', CLUSTER, { DBClusterIdentifier: 'orders-cluster-v2' }, {
    recreation: { DBClusterIdentifier: 'Always' },
    policyAction: 'ReplaceAndSnapshot',
  }),
  gone('efs-file-system-removed', 'The shared file system is deleted', 'AWS::EFS::FileSystem', 'fs-0a1b2c3d4e5f60718', { Encrypted: true, PerformanceMode: 'generalPurpose' }),
  replaced(
    'sqs-queue-replaced',
    'The orders queue becomes FIFO: replaced, messages in flight are lost',
    'AWS::SQS::Queue',
    `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders`,
    { QueueName: 'orders', VisibilityTimeout: 60 },
    { QueueName: 'orders.fifo', FifoQueue: true },
    { recreation: { QueueName: 'Always', FifoQueue: 'Always' } },
  ),
  gone('kinesis-stream-removed', 'The events stream is deleted', 'AWS::Kinesis::Stream', physName(lid('EventsStream')), { RetentionPeriodHours: 168 }),
  gone('secret-removed', 'The database secret is deleted', 'AWS::SecretsManager::Secret', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders-db-a1B2c3`, {
    Description: 'orders database credentials',
  }),
  gone('log-group-removed', 'The audit log group and its logs are deleted', 'AWS::Logs::LogGroup', '/orders/audit', { LogGroupName: '/orders/audit', RetentionInDays: 3653 }),
  replaced(
    'opensearch-domain-replaced',
    'The search domain is renamed: replaced with an empty index',
    'AWS::OpenSearchService::Domain',
    'orders-search',
    { DomainName: 'orders-search', EngineVersion: 'OpenSearch_2.13' },
    { DomainName: 'orders-search-v2' },
    { recreation: { DomainName: 'Always' } },
  ),
  gone('ecr-repository-removed', 'The image repository (and every image a rollback needs) is deleted', 'AWS::ECR::Repository', 'orders-api', { EmptyOnDelete: true }),
  gone('ssm-parameter-removed', 'A configuration parameter is deleted', 'AWS::SSM::Parameter', '/orders/feature-flags', { Name: '/orders/feature-flags', Type: 'String', Value: '{"checkout":true}' }),
];

const UNKNOWN: CorpusCase[] = [
  c.high(
    'unknown-type-removed',
    'AWS::NewService::Thing, a type no review knows, is removed',
    undefined,
    [DOC.rc, DOC.registry],
    cs([remove('AWS::NewService::Thing', lid('Thing'), `thing-${suffix('thing')}`, { Name: 'orders' })]),
  ),
  c.high(
    'lambda-version-removed-delete',
    'An old Lambda version is removed with PolicyAction Delete: no rollback to it',
    undefined,
    [...cites('AWS::Lambda::Version'), DOC.lambdaVersions],
    cs([remove('AWS::Lambda::Version', `${lid('OrdersHandlerCurrentVersion')}0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a`, `${fnArn(physName(lid('OrdersHandler')))}:6`, { FunctionName: physName(lid('OrdersHandler')) })]),
  ),
  c.high(
    'lambda-version-removed-no-policy-action',
    'An old Lambda version is removed and the change says nothing of retention',
    undefined,
    [...cites('AWS::Lambda::Version'), DOC.lambdaVersions],
    cs([remove('AWS::Lambda::Version', `${lid('OrdersHandlerCurrentVersion')}1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b`, `${fnArn(physName(lid('OrdersHandler')))}:5`, { FunctionName: physName(lid('OrdersHandler')) }, null)]),
  ),
];

export const CASES: CorpusCase[] = [...TABLES, ...STATEFUL, ...UNKNOWN];
