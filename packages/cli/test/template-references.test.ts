import { mayHold, planAssetCleanup, templateReferences } from '../src/clean';
import { Value } from '../src/clean/values';

const BUCKET = 'crosswalk-artifacts-111111111111-eu-west-1';
const NOW = new Date('2025-06-01T12:00:00Z');
const OLD = new Date('2024-01-01T00:00:00Z');
const key = (n: number, ext = 'zip') => `assets/${n.toString(16).padStart(64, '0')}.${ext}`;

/** A function whose `Code.S3Key` is `s3Key`, with a role that is a `Fn::GetAtt` (not a key). */
function lambda(s3Key: unknown, extra: Record<string, unknown> = {}) {
  return {
    Parameters: { CodeKey: { Type: 'String' }, Hash: { Type: 'String' }, Keys: { Type: 'CommaDelimitedList' }, Secret: { Type: 'String', NoEcho: true } },
    Mappings: { Code: { 'eu-west-1': { Key: key(20) }, 'us-east-1': { Key: key(21) } } },
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: BUCKET, S3Key: s3Key }, Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Handler: 'index.handler', Runtime: 'nodejs22.x' },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Sub': '${AWS::StackName}-role' } } },
      ...extra,
    },
  };
}

/**
 * Which of `keys` (old objects of the bucket) the template keeps, and why, once evaluated with
 * these parameter values and pseudo parameters.
 */
function kept(template: Record<string, unknown>, keys: string[], parameters: Record<string, Value[]> = {}, pseudo: Record<string, string> = { 'AWS::Region': 'eu-west-1' }) {
  const { references } = templateReferences(template, { template, parameters: new Map(Object.entries(parameters)), pseudo }, 'stack S', 'assets/');
  const plan = planAssetCleanup({ objects: keys.map((k) => ({ key: k, size: 1, lastModified: OLD })), references, now: NOW, assetsPrefix: 'assets/' });
  return Object.fromEntries(plan.keep.map((o) => [o.key, o.reason]));
}

const known = (value: string): Value[] => [{ kind: 'string', pieces: [{ text: value }] }];

describe('what CloudFormation will read: template values, evaluated', () => {
  test('finds the code keys of a Lambda function, a layer and a SAM CodeUri written out, and nothing else', () => {
    const template = {
      Resources: {
        ...lambda(key(1)).Resources,
        Layer: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: BUCKET, S3Key: key(2) } } },
        Sam: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: `s3://${BUCKET}/${key(3)}` } },
        Other: { Type: 'AWS::S3::BucketPolicy', Properties: { Prefix: 'templates/x.json', Keys: ['assets/', 'not assets'] } },
      },
    };
    expect(Object.keys(kept(template, [key(1), key(2), key(3), key(4)])).sort()).toEqual([key(1), key(2), key(3)]);
  });

  test('keeps a key that reaches the template through Fn::Join', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-join.html
    const template = lambda({ 'Fn::Join': ['', ['assets/', '0'.repeat(63), '1', '.zip']] });
    expect(kept(template, [key(1), key(2)])).toEqual({ [key(1)]: 'referenced by stack S' });
  });

  test('keeps a key that reaches the template through Fn::Sub, its variable map, and a parameter\'s current value', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html
    const hash = key(5).slice(7, -4);
    expect(kept(lambda({ 'Fn::Sub': ['assets/${H}.zip', { H: hash }] }), [key(5), key(6)])).toEqual({ [key(5)]: 'referenced by stack S' });
    expect(kept(lambda({ 'Fn::Sub': 'assets/${Hash}.zip' }), [key(5), key(6)], { Hash: known(hash) })).toEqual({ [key(5)]: 'referenced by stack S' });
    expect(kept(lambda({ 'Fn::Sub': 'assets/${!Literal}.zip' }), [key(5)])).toEqual({});
  });

  test('keeps a key passed as a stack parameter (parameterOverrides), with the value the stack has', () => {
    expect(kept(lambda({ Ref: 'CodeKey' }), [key(7), key(8)], { CodeKey: known(key(7)) })).toEqual({ [key(7)]: 'referenced by stack S' });
    expect(kept(lambda({ 'Fn::Select': [1, { Ref: 'Keys' }] }), [key(7), key(8)], {
      Keys: [{ kind: 'list', items: [known(key(7)), known(key(8))] }],
    })).toEqual({ [key(8)]: 'referenced by stack S' });
  });

  test('keeps every key a value it cannot resolve may be: an unknown parameter, a masked one, an attribute, an import, a dynamic reference', () => {
    for (const s3Key of [
      { Ref: 'CodeKey' },
      { Ref: 'Secret' },
      { 'Fn::GetAtt': ['Custom', 'Key'] },
      { 'Fn::ImportValue': 'CodeKey' },
      '{{resolve:ssm:/service/code-key}}',
      { 'Fn::Transform': { Name: 'Macro' } },
    ]) {
      const reasons = kept(lambda(s3Key), [key(9), key(10, 'json')], { Secret: [{ kind: 'unknown', why: 'the parameter Secret, whose value CloudFormation masks (NoEcho)' }] });
      expect({ s3Key, kept: Object.keys(reasons) }).toEqual({ s3Key, kept: [key(9), key(10, 'json')] });
      expect(reasons[key(9)]).toMatch(/^may be referenced by stack S: Resources\/Fn\/Properties\/Code\/S3Key is not known before deployment \(/);
    }
  });

  test('keeps only the keys a partly known value may be', () => {
    const reasons = kept(lambda({ 'Fn::Sub': 'assets/${Hash}.zip' }), [key(11), key(12, 'json')]);
    expect(reasons).toEqual({ [key(11)]: 'may be referenced by stack S: Resources/Fn/Properties/Code/S3Key is not known before deployment (the parameter Hash, whose value is not known)' });
  });

  test('keeps the keys of both branches of Fn::If, and of every entry Fn::FindInMap may pick', () => {
    const ifTemplate = lambda({ 'Fn::If': ['IsProd', key(13), key(14)] });
    expect(Object.keys(kept(ifTemplate, [key(13), key(14), key(15)]))).toEqual([key(13), key(14)]);
    const blocks = lambda(key(16));
    (blocks.Resources.Fn.Properties as Record<string, unknown>).Code = { 'Fn::If': ['IsProd', { S3Bucket: BUCKET, S3Key: { Ref: 'CodeKey' } }, { S3Bucket: BUCKET, S3Key: key(17) }] };
    expect(Object.keys(kept(blocks, [key(17), key(18)]))).toEqual([key(17), key(18)]);
    expect(Object.keys(kept(lambda({ 'Fn::FindInMap': ['Code', { Ref: 'AWS::Region' }, 'Key'] }), [key(20), key(21)]))).toEqual([key(20)]);
    expect(Object.keys(kept(lambda({ 'Fn::FindInMap': ['Code', { Ref: 'AWS::Region' }, 'Key'] }), [key(20), key(21)], {}, {}))).toEqual([key(20), key(21)]);
  });

  test('a value it cannot resolve where no key is read (a role, a name, a policy\'s Resource, an API\'s integration Uri) keeps nothing', () => {
    const template = lambda(key(22), {
      Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Action: 'logs:PutLogEvents', Resource: { 'Fn::GetAtt': ['Logs', 'Arn'] } }] } } },
      Method: {
        Type: 'AWS::ApiGateway::Method',
        Properties: { Integration: { Uri: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:eu-west-1:lambda:path/2015-03-31/functions/', { Ref: 'Alias' }, '/invocations']] } } },
      },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' } } },
    });
    expect(kept(template, [key(22), key(23)])).toEqual({ [key(22)]: 'referenced by stack S' });
  });

  test('a key in a script or URL built with Fn::Sub or Fn::Join keeps what it may name', () => {
    const userData = { 'Fn::Base64': { 'Fn::Sub': 'aws s3 cp s3://${Bucket}/assets/${Hash}.zip /opt/app.zip && unzip /opt/app.zip' } };
    const template = lambda(key(24), { Instance: { Type: 'AWS::EC2::Instance', Properties: { UserData: userData } } });
    expect(Object.keys(kept(template, [key(24), key(25), key(26, 'json')]))).toEqual([key(24), key(25), key(26, 'json')]);
  });

  test('names the nested stacks, with the values their parent passes', () => {
    const template = lambda(key(27), {
      Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.eu-west-1.amazonaws.com/b/assets/n.json', Parameters: { CodeKey: { 'Fn::Sub': 'assets/${Hash}.zip' } } } },
    });
    const { nested } = templateReferences(template, { template, parameters: new Map([['Hash', known('abc')]]), pseudo: {} }, 'stack S', 'assets/');
    expect(nested.map((n) => [n.logicalId, n.parameters.get('CodeKey')])).toEqual([['Nested', [{ kind: 'string', pieces: [{ text: 'assets/abc.zip' }] }]]]);
  });
});

describe('mayHold', () => {
  test('a partly known value holds the keys its known text and unknown characters allow, whole or anywhere in it', () => {
    const sub = [{ text: 'assets/' }, { unknown: 'Hash', chars: '[\\s\\S]' as const }, { text: '.zip' }];
    expect(mayHold(sub, 'assets/abc.zip', 'whole')).toBe(true);
    expect(mayHold(sub, 'assets/abc.json', 'whole')).toBe(false);
    expect(mayHold(sub, 'assets/abc.json', 'anywhere')).toBe(true); // 'assets/abc.json x.zip' holds it
    const url = [{ text: 'https://s3.' }, { unknown: 'AWS::URLSuffix', chars: '[a-z.]' as const }, { text: '/b/assets/n.json' }];
    expect(mayHold(url, 'assets/n.json')).toBe(true);
    expect(mayHold(url, 'assets/other.json')).toBe(false);
    expect(mayHold([{ unknown: 'AWS::AccountId', chars: '[0-9]' as const }], 'assets/1.zip')).toBe(false);
  });
});
