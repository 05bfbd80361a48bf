/**
 * Types the review does not model: custom resources (whatever their handler does happens on
 * every Add, Modify and Remove), macros, third-party registry types, wait conditions, modules,
 * and resource types spelt almost like a low one. A tags-only or metadata-only shape does not
 * make them low.
 */
import {
  BUCKET_BASE,
  BUCKET_NAME,
  CDK_METADATA_PHYSICAL,
  DOC,
  LOG_GROUP_LOGICAL,
  LOG_GROUP_NAME,
  TABLE_NAME,
  add,
  bucketTags,
  cdkAnalytics,
  cs,
  fnArn,
  lid,
  maker,
  modify,
  patch,
  physName,
  remove,
  res,
  retention,
  suffix,
  tagChange,
  type Props,
} from './build';
import type { CorpusCase } from './types';

const c = maker('unmodelled-type');

const CUSTOM_DOCS = [DOC.rc, DOC.customResources];
const THIRD_PARTY_DOCS = [DOC.rc, DOC.registry];
const seeder = fnArn(physName(lid('SeedDataProvider')));
const SEED: Props = { ServiceToken: seeder, TableName: TABLE_NAME, Dataset: 'v1' };
const SEED_LOGICAL = lid('SeedData');
const SEED_PHYSICAL = `${SEED_LOGICAL}-${suffix('seed')}`;

const CUSTOM: CorpusCase[] = [
  c.high('custom-resource-added', 'A Custom::SeedData resource is added: its Lambda runs on create', 'unreviewed', CUSTOM_DOCS, cs([add('Custom::SeedData', SEED_LOGICAL, SEED)])),
  c.high(
    'custom-resource-modified',
    'A Custom::SeedData property changes, Replacement False, RequiresRecreation Never: its Lambda runs on update',
    'unreviewed',
    CUSTOM_DOCS,
    cs([patch('Custom::SeedData', SEED_LOGICAL, SEED_PHYSICAL, SEED, { Dataset: 'v2' })]),
  ),
  c.high(
    'custom-resource-removed',
    'A Custom::SeedData resource is removed: its Lambda runs on delete',
    'unreviewed',
    CUSTOM_DOCS,
    cs([remove('Custom::SeedData', SEED_LOGICAL, SEED_PHYSICAL, SEED)]),
  ),
  c.high(
    'custom-resource-tags-only',
    'Only a Tags property of a Custom:: resource changes: its handler still receives an Update',
    'unreviewed',
    CUSTOM_DOCS,
    cs([tagChange('Custom::SeedData', SEED_LOGICAL, SEED_PHYSICAL, { team: 'a' }, { team: 'b' }, SEED)]),
  ),
  c.high(
    'cloudformation-custom-resource-added',
    'An AWS::CloudFormation::CustomResource is added: AWS:: prefix, custom handler',
    'unreviewed',
    [...CUSTOM_DOCS, res('AWS::CloudFormation::CustomResource')],
    cs([add('AWS::CloudFormation::CustomResource', lid('PurgeOldOrders'), { ServiceToken: seeder, OlderThanDays: 30 })]),
  ),
  c.high(
    'cloudformation-custom-resource-modified',
    'An AWS::CloudFormation::CustomResource property changes in place',
    'unreviewed',
    [...CUSTOM_DOCS, res('AWS::CloudFormation::CustomResource')],
    cs([patch('AWS::CloudFormation::CustomResource', lid('PurgeOldOrders'), `PurgeOldOrders-${suffix('purge')}`, { ServiceToken: seeder, OlderThanDays: 365 }, { OlderThanDays: 1 })]),
  ),
  c.high(
    'cloudformation-custom-resource-tags-only',
    'Only the Tags of an AWS::CloudFormation::CustomResource change: an AWS:: type that is still custom',
    'unreviewed',
    [...CUSTOM_DOCS, res('AWS::CloudFormation::CustomResource')],
    cs([tagChange('AWS::CloudFormation::CustomResource', lid('PurgeOldOrders'), `PurgeOldOrders-${suffix('purge')}`, { team: 'a' }, { team: 'b' }, { ServiceToken: seeder })]),
  ),
  c.high(
    'custom-resource-service-token-changed',
    'A custom resource is pointed at another handler function',
    'unreviewed',
    CUSTOM_DOCS,
    cs([patch('Custom::SeedData', SEED_LOGICAL, SEED_PHYSICAL, SEED, { ServiceToken: fnArn('seed-data-provider-v2') })]),
  ),
];

const MODULE_INFO = { TypeHierarchy: 'MyOrg::Storage::Bucket::MODULE', LogicalIdHierarchy: 'AssetsStore' };

const OTHER: CorpusCase[] = [
  c.high(
    'cloudformation-macro-added',
    'An AWS::CloudFormation::Macro is added: it will rewrite later templates',
    undefined,
    [DOC.rc, DOC.macros, res('AWS::CloudFormation::Macro')],
    cs([add('AWS::CloudFormation::Macro', lid('ExpandMacro'), { Name: 'OrdersExpand', FunctionName: fnArn('orders-expand-macro') })]),
  ),
  c.high(
    'third-party-type-added',
    'A MyOrg::Service::Thing registry type is added',
    'unreviewed',
    THIRD_PARTY_DOCS,
    cs([add('MyOrg::Service::Thing', lid('Thing'), { Name: 'orders', Size: 'large' })]),
  ),
  c.high(
    'third-party-type-modified',
    'A MyOrg::Service::Thing property changes, Replacement False',
    'unreviewed',
    THIRD_PARTY_DOCS,
    cs([patch('MyOrg::Service::Thing', lid('Thing'), `thing-${suffix('thing')}`, { Name: 'orders', Size: 'large' }, { Size: 'small' })]),
  ),
  c.high(
    'third-party-type-tags-only',
    'Only the Tags of a MyOrg::Service::Thing change: tags-only is for AWS:: types',
    'unreviewed',
    THIRD_PARTY_DOCS,
    cs([tagChange('MyOrg::Service::Thing', lid('Thing'), `thing-${suffix('thing')}`, { team: 'a' }, { team: 'b' }, { Name: 'orders' })]),
  ),
  c.high(
    'third-party-awsqs-prefix-tags-only',
    'AWSQS::EKS::Cluster tags change: AWSQS is a registry publisher, not AWS::',
    'unreviewed',
    THIRD_PARTY_DOCS,
    cs([tagChange('AWSQS::EKS::Cluster', lid('Cluster'), 'orders-eks', { team: 'a' }, { team: 'b' }, { Name: 'orders-eks' })]),
  ),
  c.high(
    'wait-condition-added',
    'An AWS::CloudFormation::WaitCondition and its handle are added',
    undefined,
    [DOC.rc, res('AWS::CloudFormation::WaitCondition'), res('AWS::CloudFormation::WaitConditionHandle')],
    cs([
      add('AWS::CloudFormation::WaitConditionHandle', lid('SeedHandle'), {}),
      add('AWS::CloudFormation::WaitCondition', lid('SeedWait'), { Handle: '{{changeSet:KNOWN_AFTER_APPLY}}', Timeout: '600', Count: 1 }),
    ]),
  ),
  c.high(
    'module-bucket-tags-only',
    'A bucket from a module (ModuleInfo present) changes only tags: what else the module does is not shown',
    undefined,
    [DOC.rc, DOC.moduleInfo, DOC.modules],
    cs([tagChange('AWS::S3::Bucket', 'AssetsStoreBucket', BUCKET_NAME, { team: 'a' }, { team: 'b' }, BUCKET_BASE, { moduleInfo: MODULE_INFO })]),
  ),
  c.high(
    'module-log-group-retention-grows',
    'A module log group retention grows 30 to 365: would be low outside a module',
    undefined,
    [DOC.rc, DOC.moduleInfo, DOC.modules],
    cs([retention(30, 365, { moduleInfo: { TypeHierarchy: 'MyOrg::Logging::Group::MODULE', LogicalIdHierarchy: 'AppLogs' } })]),
  ),
  c.high(
    'resource-type-missing',
    'A tags-only change with no ResourceType at all',
    undefined,
    [DOC.rc],
    cs([bucketTags({ rc: { ResourceType: undefined } })]),
  ),
];

const metadataAs = (type: string) => modify(type, 'CDKMetadata', CDK_METADATA_PHYSICAL, cdkAnalytics('a'), cdkAnalytics('b'));

const ODD: CorpusCase[] = [
  c.high('odd-type-lower-case-cdk-metadata', 'aws::cdk::metadata in lower case', undefined, [DOC.rc, DOC.cdkMetadata], cs([metadataAs('aws::cdk::metadata')])),
  c.high('odd-type-greek-mu-cdk-metadata', 'AWS::CDK::\u039Cetadata: the M is a Greek capital mu', undefined, [DOC.rc, DOC.cdkMetadata], cs([metadataAs('AWS::CDK::\u039Cetadata')])),
  c.high('odd-type-trailing-space-bucket-tags', '"AWS::S3::Bucket " with a trailing space, tags only', undefined, [DOC.rc, res('AWS::S3::Bucket')], cs([bucketTags({}, 'AWS::S3::Bucket ')])),
  c.high(
    'odd-type-trailing-colons-log-group',
    'AWS::Logs::LogGroup:: with trailing colons, retention grows',
    undefined,
    [DOC.rc, res('AWS::Logs::LogGroup')],
    cs([modify('AWS::Logs::LogGroup::', LOG_GROUP_LOGICAL, LOG_GROUP_NAME, { LogGroupName: LOG_GROUP_NAME, RetentionInDays: 30 }, { LogGroupName: LOG_GROUP_NAME, RetentionInDays: 365 })]),
  ),
  c.high(
    'odd-type-single-colon-version',
    'AWS:Lambda::Version with one colon, added',
    undefined,
    [DOC.rc, res('AWS::Lambda::Version')],
    cs([add('AWS:Lambda::Version', `${lid('OrdersHandlerCurrentVersion')}77aa88bb99cc00dd11ee22ff33aa44bb`, { FunctionName: physName(lid('OrdersHandler')) })]),
  ),
  c.high(
    'odd-type-four-segments-bucket-tags',
    'AWS::S3::Bucket::Policy, a four-segment type, tags only',
    undefined,
    [DOC.rc, res('AWS::S3::Bucket')],
    cs([bucketTags({}, 'AWS::S3::Bucket::Policy')]),
  ),
];

export const CASES: CorpusCase[] = [...CUSTOM, ...OTHER, ...ODD];
