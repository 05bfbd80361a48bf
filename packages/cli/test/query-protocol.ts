/**
 * The AWS query protocol's answers, for the local stand-ins of the tests (STS, IAM,
 * CloudFormation, SNS): an XML `<Action>Response>` with the result, lists as `<member>` items,
 * as each API reference's response syntax shows (the tests cite the pages of their calls).
 */

/** XML of a value as the query protocol writes it: lists as <member> items. */
export function xml(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<member>${xml(v)}</member>`).join('');
  if (value !== null && typeof value === 'object') return Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `<${k}>${xml(v)}</${k}>`).join('');
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const NAMESPACES = {
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
} as const;

/** `<Action>Response><Action>Result>…` with a request id. */
export function queryAnswer(action: string, result: object, namespace: string): string {
  return `<${action}Response xmlns="${namespace}"><${action}Result>${xml(result)}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`;
}
