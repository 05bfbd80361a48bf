/**
 * Links to the AWS console, built for a given partition and region so that nobody
 * lands in another region's console (the original example hard-coded one region).
 * Not exported from the package: an implementation detail of the messages.
 */

const CONSOLE_DOMAINS: Record<string, string> = {
  'aws': 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** `https://<region>.console.aws.amazon.com/<path>?region=<region>` (or the partition's console). */
export function consoleUrl(partition: string, region: string, path: string, fragment?: string): string {
  const domain = CONSOLE_DOMAINS[partition] ?? CONSOLE_DOMAINS.aws;
  const host = partition === 'aws' ? `${region}.${domain}` : domain;
  const query = `?region=${region}`;
  return fragment === undefined
    ? `https://${host}/${path}${query}`
    : `https://${host}/${path}${query}#${fragment}`;
}

/** The page of one execution of a pipeline (its timeline). */
export function pipelineExecutionUrl(partition: string, region: string, pipelineName: string, executionId: string): string {
  return consoleUrl(partition, region, `codesuite/codepipeline/pipelines/${segment(pipelineName)}/executions/${segment(executionId)}/timeline`);
}

/** The page of a pipeline, where a pending approval is reviewed. */
export function pipelineUrl(partition: string, region: string, pipelineName: string): string {
  return consoleUrl(partition, region, `codesuite/codepipeline/pipelines/${segment(pipelineName)}/view`);
}

/**
 * The changes of a change set, in the account and region the stack lives in. The stack and the
 * change set (a name or an ARN) are query values, encoded: whatever they hold, the link stays
 * one link to that page.
 */
export function changeSetUrl(partition: string, region: string, stackName: string, changeSetName: string): string {
  return consoleUrl(partition, region, 'cloudformation/home',
    `/stacks/changesets/changes?stackId=${queryValue(stackName)}&changeSetId=${queryValue(changeSetName)}`);
}

/** A query value, every reserved character percent-encoded (RFC 3986: `!'()*` too, which encodeURIComponent leaves). */
function queryValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A name as one URL path segment: printable ASCII stays as it is (the characters CodePipeline
 * allows in a name, `[A-Za-z0-9.@\-_]+` (API_PipelineDeclaration), CDK tokens and EventBridge
 * placeholders), anything else (spaces, line breaks, bidi and other invisible characters) is
 * percent-encoded, so a name from an event can neither break the link nor the line it is on.
 */
function segment(value: string): string {
  return Array.from(value).map((ch) => (/^[\x21-\x7e]$/.test(ch) ? ch : /^[\ud800-\udfff]$/.test(ch) ? '%EF%BF%BD' : encodeURIComponent(ch))).join('');
}
