import { formatPattern, intersects, isExact, isWildcard, patternText, policyPattern, valuePattern } from '../src/private/arn-pattern';
import { StackTemplate } from '../src/private/assembly';
import { AUTHORIZATION_EXCEPTIONS, lookUpAction, service } from '../src/private/service-authorization';

/**
 * The matching CW10 rests on: actions with wildcards against the reference, resource patterns
 * against ARN formats, and template values (pseudo parameters, intrinsics) as patterns.
 */

const stack = (overrides: Partial<StackTemplate> = {}, resources: Record<string, any> = {}): StackTemplate =>
  ({ stackName: 'Stack', templatePath: '/cdk.out/Stack.template.json', account: '111111111111', region: 'eu-west-1', template: { Resources: resources }, ...overrides });
const OBJECT = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
const BUCKET = 'arn:${Partition}:s3:::${BucketName}';
const matches = (resource: string, format: string) => intersects(policyPattern(resource), formatPattern(format));
const text = (value: any, s = stack()) => patternText(valuePattern(s, value));

describe('actions', () => {
  test('are found without regard to case, and wildcards expand over the service\'s actions', () => {
    expect(lookUpAction('S3:getobject')).toEqual(expect.objectContaining({ kind: 'actions', names: ['getobject'], wildcard: false }));
    const gets = lookUpAction('dynamodb:Get*');
    expect(gets.kind === 'actions' && gets.names).toEqual(expect.arrayContaining(['getitem', 'getrecords']));
    const one = lookUpAction('sts:GetCallerIdentit?');
    expect(one.kind === 'actions' && one.names).toEqual(['getcalleridentity']);
    expect(lookUpAction('*')).toEqual({ kind: 'all' });
  });

  test('an unknown action, a wildcard matching nothing, an unknown prefix and a malformed action are told apart', () => {
    expect(lookUpAction('s3:GetObjekt')).toEqual(expect.objectContaining({ kind: 'unknown-action', suggestion: 'getobject' }));
    expect(lookUpAction('s3:Fly*')).toEqual(expect.objectContaining({ kind: 'unknown-action', suggestion: undefined }));
    expect(lookUpAction('s4:GetObject')).toEqual({ kind: 'unknown-service', prefix: 's4' });
    expect(lookUpAction('s3GetObject')).toEqual({ kind: 'malformed' });
    expect(lookUpAction('s3:Get:Object')).toEqual({ kind: 'malformed' });
  });

  test('an action without a resource type has none in the data; others list their ARN formats', () => {
    expect(service('sts')!.actions.get('getcalleridentity')).toEqual([]);
    expect(service('dynamodb')!.actions.get('getitem')).toEqual(['arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}']);
    expect(service('s3')!.actions.get('getobject')).toContain(OBJECT);
    expect(service('nosuchservice')).toBeUndefined();
  });

  test('every exception names an action of the reference and cites AWS pages', () => {
    for (const exception of AUTHORIZATION_EXCEPTIONS) {
      expect(lookUpAction(exception.action)).toEqual(expect.objectContaining({ kind: 'actions', wildcard: false }));
      expect(exception.sources.length).toBeGreaterThan(0);
      for (const source of exception.sources) expect(source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });
});

describe('resource patterns', () => {
  test('placeholders of ARN formats match any value, and the partition, region, account and bucket name hold no / or :', () => {
    expect(matches('arn:aws:s3:::my-bucket/some/key.zip', OBJECT)).toBe(true);
    expect(matches('arn:aws:s3:::my-bucket/*', OBJECT)).toBe(true);
    expect(matches('arn:aws:s3:::my-bucket', OBJECT)).toBe(false);
    expect(matches('arn:aws:s3:::my-bucket', BUCKET)).toBe(true);
    expect(matches('arn:aws:s3:::my-bucket/*', BUCKET)).toBe(false);
    expect(matches('arn:aws:s3:::*', BUCKET)).toBe(true);
    expect(matches('arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/fn:*', 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}')).toBe(true);
    expect(matches('arn:aws:iam::111111111111:role/path/to/Role', 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}')).toBe(true);
    expect(matches('arn:aws:iam::111111111111:role/Role', BUCKET)).toBe(false);
  });

  test('wildcards of both sides meet: * and ? in the statement, case ignored', () => {
    expect(matches('arn:aws:dynamodb:*:*:table/Orders', 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}')).toBe(true);
    expect(matches('arn:aws:DYNAMODB:eu-west-1:111111111111:table/Orders', 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}')).toBe(true);
    expect(matches('arn:aws:s3:::bucket?', BUCKET)).toBe(true);
    expect(matches('*', OBJECT)).toBe(true);
  });

  test('what an exception evaluates is literal: alarm:* is matched by alarm:* but not by a prefix', () => {
    const evaluated = formatPattern('arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:*', true);
    expect(intersects(policyPattern('arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*'), evaluated)).toBe(true);
    expect(intersects(policyPattern('arn:aws:cloudwatch:eu-west-1:111111111111:alarm:MyApp-*'), evaluated)).toBe(false);
    const logGroups = formatPattern('arn:${Partition}:logs:${Region}:${Account}:log-group::log-stream:', true);
    expect(intersects(policyPattern('arn:aws:logs:eu-west-1:111111111111:log-group:*'), logGroups)).toBe(true);
    expect(intersects(policyPattern('arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/*'), logGroups)).toBe(false);
    expect(intersects(policyPattern('arn:aws:sts::111111111111:*'), [{ kind: 'char', char: '*' }])).toBe(false);
  });
});

describe('template values', () => {
  test('pseudo parameters resolve to the stack\'s partition, region and account, or stay a name segment', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:x']] };
    expect(text(arn)).toBe('arn:aws:logs:eu-west-1:111111111111:log-group:x');
    expect(text(arn, stack({ region: 'cn-north-1' }))).toBe('arn:aws-cn:logs:cn-north-1:111111111111:log-group:x');
    const agnostic = valuePattern(stack({ region: undefined, account: undefined }), arn);
    expect(patternText(agnostic)).toBe('arn:*:logs:*:*:log-group:x');
    expect(intersects(agnostic, policyPattern('arn:aws:logs:eu-west-1:111111111111:log-group:x'))).toBe(true);
    expect(intersects(agnostic, policyPattern('arn:aws:logs:eu-west-1:a/b:log-group:x'))).toBe(false);
  });

  test('Fn::Sub resolves pseudo parameters and its variables; ${!x} and other references stay open', () => {
    expect(text({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Name}/*' })).toBe('arn:aws:s3:::*/*');
    expect(text({ 'Fn::Sub': ['arn:aws:s3:::${B}/x', { B: 'bucket' }] })).toBe('arn:aws:s3:::bucket/x');
    expect(text({ 'Fn::Sub': 'arn:aws:s3:::b/${!aws:username}' })).toBe('arn:aws:s3:::b/*');
  });

  test('GetAtt and Ref of known types take their ARN\'s shape; other ARNs start with arn:; the rest is unknown', () => {
    const s = stack({}, { Bucket: { Type: 'AWS::S3::Bucket' }, Table: { Type: 'AWS::DynamoDB::Table' }, Thing: { Type: 'AWS::Some::Thing' }, Topic: { Type: 'AWS::SNS::Topic' } });
    const bucketArn = valuePattern(s, { 'Fn::GetAtt': ['Bucket', 'Arn'] });
    expect(patternText(bucketArn)).toBe('arn:aws:s3:::*');
    expect(intersects(bucketArn, formatPattern(BUCKET))).toBe(true);
    expect(intersects(bucketArn, formatPattern(OBJECT))).toBe(false);
    const objects = valuePattern(s, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] });
    expect(intersects(objects, formatPattern(OBJECT))).toBe(true);
    expect(patternText(valuePattern(s, { 'Fn::GetAtt': 'Table.Arn' }))).toBe('arn:aws:dynamodb:eu-west-1:111111111111:table/*');
    expect(patternText(valuePattern(s, { Ref: 'Topic' }))).toBe('arn:aws:sns:eu-west-1:111111111111:*');
    expect(patternText(valuePattern(s, { 'Fn::GetAtt': ['Thing', 'ThingArn'] }))).toBe('arn:*');
    expect(isWildcard(valuePattern(s, { 'Fn::GetAtt': ['Thing', 'Name'] }))).toBe(true);
    expect(isWildcard(valuePattern(s, { Ref: 'SomeParameter' }))).toBe(true);
    expect(isWildcard(valuePattern(s, { 'Fn::ImportValue': 'x' }))).toBe(true);
    expect(isWildcard(valuePattern(s, { 'Fn::GetAtt': ['Bucket', 'Arn'] }))).toBe(false);
  });

  test('values the template does not tell are not wildcards: a GetAtt ARN names one resource exactly', () => {
    const s = stack({}, { Alarm: { Type: 'AWS::CloudWatch::Alarm' } });
    expect(isExact(valuePattern(s, { 'Fn::GetAtt': ['Alarm', 'Arn'] }))).toBe(true);
    expect(isExact(policyPattern('arn:aws:cloudwatch:eu-west-1:111111111111:alarm:MyApp-*'))).toBe(false);
    expect(isExact(policyPattern('arn:aws:cloudwatch:eu-west-1:111111111111:alarm:MyApp-Errors'))).toBe(true);
  });
});
