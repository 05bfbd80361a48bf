/**
 * How the local stand-in for AWS speaks each protocol the functions use: the query protocol
 * (STS, CloudFormation, SNS: form-encoded request, XML answer), JSON 1.0 / 1.1 (CloudWatch,
 * CodePipeline, CodeDeploy, CodeBuild: `X-Amz-Target` header) and S3's REST XML. Answers are
 * written from each API's reference; the SDK clients parse them as they would AWS's.
 */
import type { CannedResponse, RecordedRequest } from '../../../../test-support/local-server';

/** The form fields of a query-protocol request (`Action`, `Version`, the parameters). */
export function queryFields(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body));
}

/** The operation of a JSON-protocol request: `CodePipeline_20150709.PutJobSuccessResult` → `PutJobSuccessResult`. */
export function jsonOperation(request: RecordedRequest): string | undefined {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? target.split('.').pop() : undefined;
}

export function xmlAnswer(action: string, inner: string, namespace: string): CannedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${inner}</${action}Result>` +
      `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export function xmlError(status: number, code: string, message: string): CannedResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
  };
}

export function jsonAnswer(body: unknown, version: '1.0' | '1.1' = '1.1'): CannedResponse {
  return { status: 200, headers: { 'content-type': `application/x-amz-json-${version}` }, body: JSON.stringify(body) };
}

export function jsonError(status: number, type: string, message: string, version: '1.0' | '1.1' = '1.1'): CannedResponse {
  return { status, headers: { 'content-type': `application/x-amz-json-${version}` }, body: JSON.stringify({ __type: type, message }) };
}

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const CFN_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** STS AssumeRole's answer: temporary credentials of the role. https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html */
export function assumeRoleAnswer(roleArn: string): CannedResponse {
  return xmlAnswer('AssumeRole', '<Credentials><AccessKeyId>ASIATARGETACCOUNT</AccessKeyId><SecretAccessKey>target-secret</SecretAccessKey>' +
    '<SessionToken>target-session-token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>' +
    `<AssumedRoleUser><Arn>${roleArn}/session</Arn><AssumedRoleId>AROA:session</AssumedRoleId></AssumedRoleUser>`, STS_NAMESPACE);
}

/** Renders a value as the query protocol's XML: objects as elements, arrays as `<member>` lists. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`).join('');
  }
  return escapeXml(String(value));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Environment of the SDK clients for a test: fake static credentials and every endpoint on the local server. */
export function localAwsEnvironment(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIABUILDACCOUNT',
    AWS_SECRET_ACCESS_KEY: 'build-secret',
    AWS_SESSION_TOKEN: 'build-session-token',
  };
}
