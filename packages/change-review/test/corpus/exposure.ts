/**
 * Network and public exposure: ingress from anywhere, public access block off, unauthenticated
 * function URLs and API methods, public ACLs, a database made publicly accessible.
 */
import {
  BUCKET_BASE,
  BUCKET_NAME,
  DOC,
  REGION,
  ACCOUNT,
  add,
  cites,
  cs,
  fnArn,
  lid,
  maker,
  patch,
  physName,
  type Props,
} from './build';
import type { CorpusCase, ExpectedCategory } from './types';

const c = maker('exposure');

const SG = 'sg-0c1d2e3f4a5b6c7d8';
const SG_DOCS = [...cites('AWS::EC2::SecurityGroup'), DOC.sgRules];
const SG_BASE: Props = {
  GroupDescription: 'orders service',
  VpcId: 'vpc-0a1b2c3d4e5f60718',
  SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16', Description: 'from the load balancer' }],
};
const rule = (p: Props): Props => ({ IpProtocol: 'tcp', ...p });

/** The service security group's inline ingress becomes `ingress`. */
function ingress(id: string, title: string, rules: Props[], category: ExpectedCategory | undefined = 'exposure'): CorpusCase {
  return c.high(id, title, category, SG_DOCS, cs([patch('AWS::EC2::SecurityGroup', lid('ServiceSecurityGroup'), SG, SG_BASE, { SecurityGroupIngress: rules })]));
}

const standaloneIngress = (id: string, title: string, p: Props): CorpusCase =>
  c.high(id, title, 'exposure', [...cites('AWS::EC2::SecurityGroupIngress'), DOC.sgRules], cs([add('AWS::EC2::SecurityGroupIngress', lid(`Ingress${id}`.replace(/-/g, '')), { GroupId: SG, ...p })]));

const EXISTING = (SG_BASE.SecurityGroupIngress as Props[])[0];

const NETWORK: CorpusCase[] = [
  standaloneIngress('sg-ingress-resource-ssh-from-anywhere', 'AWS::EC2::SecurityGroupIngress opens SSH (22) to 0.0.0.0/0', rule({ FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' })),
  standaloneIngress('sg-ingress-resource-rdp-from-any-ipv6', 'AWS::EC2::SecurityGroupIngress opens RDP (3389) to ::/0', rule({ FromPort: 3389, ToPort: 3389, CidrIpv6: '::/0' })),
  ingress('sg-inline-ssh-from-anywhere', 'The service security group gains SSH (22) from 0.0.0.0/0', [EXISTING, rule({ FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: 'debug' })]),
  ingress('sg-inline-all-traffic-from-anywhere', 'The service security group gains every protocol and port from 0.0.0.0/0', [EXISTING, { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }]),
  ingress('sg-inline-postgres-cidr-widened', 'The 443 rule from the VPC becomes PostgreSQL (5432) from 0.0.0.0/0', [rule({ FromPort: 5432, ToPort: 5432, CidrIp: '0.0.0.0/0' })]),
  ingress(
    'sg-inline-two-halves-of-the-internet',
    'SSH from 0.0.0.0/1 and 128.0.0.0/1: the whole IPv4 internet without writing 0.0.0.0/0',
    [EXISTING, rule({ FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/1' }), rule({ FromPort: 22, ToPort: 22, CidrIp: '128.0.0.0/1' })],
    undefined,
  ),
  c.high(
    'network-acl-entry-ssh-from-anywhere',
    'A network ACL entry allows SSH from 0.0.0.0/0',
    'exposure',
    [...cites('AWS::EC2::NetworkAclEntry')],
    cs([
      add('AWS::EC2::NetworkAclEntry', lid('PublicSshEntry'), {
        NetworkAclId: 'acl-0a1b2c3d4e5f60718',
        RuleNumber: 90,
        Protocol: 6,
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
        PortRange: { From: 22, To: 22 },
      }),
    ]),
  ),
];

const bucket = (id: string, title: string, p: Props, extraCites: readonly string[]): CorpusCase =>
  c.high(id, title, 'exposure', [...cites('AWS::S3::Bucket'), ...extraCites], cs([patch('AWS::S3::Bucket', lid('AssetsBucket'), BUCKET_NAME, BUCKET_BASE, p)]));

const STORAGE: CorpusCase[] = [
  bucket(
    's3-public-access-block-all-off',
    'Every S3 public access block setting of the bucket is turned off',
    { PublicAccessBlockConfiguration: { BlockPublicAcls: false, BlockPublicPolicy: false, IgnorePublicAcls: false, RestrictPublicBuckets: false } },
    [DOC.s3Bpa],
  ),
  bucket(
    's3-public-policy-block-off',
    'BlockPublicPolicy and RestrictPublicBuckets are turned off (ACL blocks stay)',
    { PublicAccessBlockConfiguration: { BlockPublicPolicy: false, RestrictPublicBuckets: false } },
    [DOC.s3Bpa],
  ),
  bucket('s3-public-access-block-removed', 'The public access block configuration is removed from the bucket', { PublicAccessBlockConfiguration: undefined }, [DOC.s3Bpa]),
  bucket(
    's3-acl-public-read',
    'The bucket ACL becomes PublicRead (and ACLs are re-enabled)',
    {
      AccessControl: 'PublicRead',
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false },
    },
    [DOC.s3Acl],
  ),
  c.high(
    'rds-publicly-accessible',
    'The database becomes PubliclyAccessible',
    'exposure',
    [...cites('AWS::RDS::DBInstance'), DOC.rdsPublic],
    cs([
      patch('AWS::RDS::DBInstance', lid('OrdersDatabase'), physName(lid('OrdersDatabase')).toLowerCase(), { Engine: 'postgres', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: '100', PubliclyAccessible: false }, {
        PubliclyAccessible: true,
      }),
    ]),
  ),
];

const handler = fnArn(physName(lid('OrdersHandler')));
const URL_DOCS = [...cites('AWS::Lambda::Url'), DOC.lambdaUrlAuth];
const API_ID = 'a1b2c3d4e5';
const METHOD_BASE: Props = {
  RestApiId: API_ID,
  ResourceId: 'r2d2c3',
  HttpMethod: 'POST',
  AuthorizationType: 'COGNITO_USER_POOLS',
  AuthorizerId: 'auth01',
  Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${handler}/invocations` },
};

const ENDPOINTS: CorpusCase[] = [
  c.high(
    'lambda-url-auth-none-added',
    'A function URL with AuthType NONE is added: the handler is on the internet',
    'exposure',
    URL_DOCS,
    cs([add('AWS::Lambda::Url', lid('OrdersHandlerUrl'), { TargetFunctionArn: handler, AuthType: 'NONE' })]),
  ),
  c.high(
    'lambda-url-auth-iam-to-none',
    'An existing function URL goes from AWS_IAM to NONE',
    'exposure',
    URL_DOCS,
    cs([patch('AWS::Lambda::Url', lid('OrdersHandlerUrl'), `${handler}`, { TargetFunctionArn: handler, AuthType: 'AWS_IAM' }, { AuthType: 'NONE' })]),
  ),
  c.high(
    'apigw-method-authorization-none',
    'The POST /orders method drops its Cognito authorizer (AuthorizationType NONE)',
    'exposure',
    [...cites('AWS::ApiGateway::Method'), DOC.apigwAuth],
    cs([patch('AWS::ApiGateway::Method', lid('OrdersApiPostMethod'), `${API_ID}-r2d2c3-POST`, METHOD_BASE, { AuthorizationType: 'NONE', AuthorizerId: undefined })]),
  ),
  c.high(
    'apigw-new-method-without-authorizer',
    'A new DELETE method is added with AuthorizationType NONE',
    'exposure',
    [...cites('AWS::ApiGateway::Method'), DOC.apigwAuth],
    cs([add('AWS::ApiGateway::Method', lid('OrdersApiDeleteMethod'), { ...METHOD_BASE, HttpMethod: 'DELETE', AuthorizationType: 'NONE', AuthorizerId: undefined })]),
  ),
  c.high(
    'apigwv2-route-authorization-none',
    'An HTTP API route drops its JWT authorizer',
    'exposure',
    [...cites('AWS::ApiGatewayV2::Route'), DOC.apigwAuth],
    cs([
      patch('AWS::ApiGatewayV2::Route', lid('OrdersRoute'), 'abc123', { ApiId: 'x1y2z3', RouteKey: 'POST /orders', AuthorizationType: 'JWT', AuthorizerId: 'jwt01', Target: 'integrations/int01' }, {
        AuthorizationType: 'NONE',
        AuthorizerId: undefined,
      }),
    ]),
  ),
  c.high(
    'apigw-rest-api-policy-public',
    'A private REST API becomes EDGE with a resource policy for Principal *',
    undefined,
    [...cites('AWS::ApiGateway::RestApi'), DOC.apigwAuth],
    cs([
      patch('AWS::ApiGateway::RestApi', lid('OrdersApi'), API_ID, { Name: 'orders', EndpointConfiguration: { Types: ['PRIVATE'] } }, {
        EndpointConfiguration: { Types: ['EDGE'] },
        Policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*` }] },
      }),
    ]),
  ),
];

export const CASES: CorpusCase[] = [...NETWORK, ...STORAGE, ...ENDPOINTS];
