/**
 * Which IAM actions exist and what each authorizes on: AWS's Service Authorization Reference
 * (generated into ../generated/service-authorization.ts), corrected by a short table of
 * documented exceptions where a service evaluates another resource than the reference lists,
 * or where AWS's own pages disagree.
 */
import { IAM_DATA_VERSION, SERVICE_AUTHORIZATION } from '../generated/service-authorization';
import { Pattern, formatPattern } from './arn-pattern';
import { wildcardMatch } from './assembly';

export { IAM_DATA_VERSION };

export const SAR_URL = 'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html';

/** One service of the reference. */
export interface Service {
  readonly prefix: string;
  /** Its actions in lower case, each with the ARN formats it authorizes on (none: `*` only). */
  readonly actions: ReadonlyMap<string, readonly string[]>;
}

const services = new Map<string, Service | undefined>();

/** A service by its prefix (any case), or undefined when the reference has no such prefix. */
export function service(prefix: string): Service | undefined {
  const key = prefix.toLowerCase();
  if (services.has(key)) return services.get(key);
  const line = Object.prototype.hasOwnProperty.call(SERVICE_AUTHORIZATION, key) ? SERVICE_AUTHORIZATION[key] : undefined;
  let parsed: Service | undefined;
  if (line !== undefined) {
    const [formatPart, actionPart] = line.split('|');
    const formats = formatPart === '' ? [] : formatPart.split(' ');
    const actions = new Map<string, string[]>();
    for (const entry of actionPart === '' ? [] : actionPart.split(' ')) {
      const [name, indices] = entry.split(':');
      actions.set(name, indices === undefined ? [] : indices.split('.').map((i) => formats[Number(i)]));
    }
    parsed = { prefix: key, actions };
  }
  services.set(key, parsed);
  return parsed;
}

/** Where a service evaluates another resource than the reference lists, or AWS's pages disagree. */
export interface AuthorizationException {
  /** The action, as `service:Action`. */
  readonly action: string;
  /**
   * What AWS evaluates the call against: `${Partition}`, `${Region}` and `${Account}` (and any
   * other `${…}`) are placeholders, and `*` is the character itself. A statement must be able to
   * match one of them.
   */
  readonly evaluates: readonly string[];
  /** Which calls evaluate that, when not all of them do. */
  readonly calls?: string;
  /** Whether a statement naming resources exactly (no wildcard) is also accepted: calls that name them may be authorized on them. */
  readonly exactNamesAccepted?: boolean;
  /** Why: what the reference says and what the service does. */
  readonly reason: string;
  /** The form that works. */
  readonly fix: string;
  /** The AWS pages that state it. */
  readonly sources: readonly string[];
}

const CODEDEPLOY_SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html';
const CODEDEPLOY_PERMISSIONS = 'https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html';
const codeDeployDisagreement = (action: string): AuthorizationException => ({
  action: `codedeploy:${action}`,
  evaluates: ['*'],
  reason: 'the Service Authorization Reference lists no resource type (the call is evaluated against "*") while CodeDeploy\'s permissions reference lists the deployment group; only "*" works under both',
  fix: 'grant it in a statement with Resource "*"',
  sources: [CODEDEPLOY_SAR, CODEDEPLOY_PERMISSIONS],
});

/** The reviewed exceptions, each with the AWS pages that state it. */
export const AUTHORIZATION_EXCEPTIONS: readonly AuthorizationException[] = [
  {
    action: 'cloudwatch:DescribeAlarms',
    evaluates: ['arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:*'],
    calls: 'called with AlarmNamePrefix or without AlarmNames',
    exactNamesAccepted: true,
    reason: 'a call by prefix (or for all alarms) is evaluated against the ARN alarm:* itself, not the alarms it returns, and composite alarms are returned only to a permission scoped to "*"',
    fix: 'grant it on arn:…:alarm:* (or "*")',
    sources: [
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html',
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/permissions-reference-cw.html',
    ],
  },
  {
    action: 'logs:DescribeLogGroups',
    evaluates: ['arn:${Partition}:logs:${Region}:${Account}:log-group::log-stream:'],
    reason: 'the reference lists no resource type, and CloudWatch Logs evaluates the call against log-group::log-stream:, which log-group:* matches and log-group:<prefix>* does not',
    fix: 'grant it on arn:…:log-group:* (or "*")',
    sources: [
      'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html',
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html',
    ],
  },
  codeDeployDisagreement('StopDeployment'),
  codeDeployDisagreement('ListDeploymentTargets'),
  codeDeployDisagreement('BatchGetDeploymentTargets'),
  codeDeployDisagreement('ContinueDeployment'),
  codeDeployDisagreement('GetDeploymentTarget'),
  {
    action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
    evaluates: ['*', 'arn:${Partition}:codedeploy:${Region}:${Account}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}'],
    reason: 'the Service Authorization Reference lists no resource type while CodeDeploy\'s permissions reference lists the deployment group, and a hook scoped to its deployment group works (the CDK\'s LambdaDeploymentGroup grants it so)',
    fix: 'grant it on the deployment group, or "*"',
    sources: [CODEDEPLOY_SAR, CODEDEPLOY_PERMISSIONS],
  },
];

const exceptions = new Map(AUTHORIZATION_EXCEPTIONS.map((e) => [e.action.toLowerCase(), e]));

/** The exception for an action (`service:action`, any case), if the table has one. */
export const exceptionFor = (action: string): AuthorizationException | undefined => exceptions.get(action.toLowerCase());

/** The patterns of what AWS evaluates an exception's action against. */
export const evaluatedPatterns = (exception: AuthorizationException): Pattern[] => exception.evaluates.map((e) => formatPattern(e, true));

/** What a statement's action names. */
export type ActionLookup =
  | { readonly kind: 'all' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unknown-service'; readonly prefix: string }
  | { readonly kind: 'unknown-action'; readonly service: Service; readonly suggestion?: string }
  | { readonly kind: 'actions'; readonly service: Service; readonly names: readonly string[]; readonly wildcard: boolean };

/** The actions of the reference an action of a policy names (with `*` and `?` wildcards). */
export function lookUpAction(action: string): ActionLookup {
  if (action === '*') return { kind: 'all' };
  const match = /^([^:]+):([^:]+)$/.exec(action);
  if (!match) return { kind: 'malformed' };
  const [, prefix, name] = match;
  if (/[*?]/.test(prefix)) return { kind: 'all' }; // a wildcard service prefix: nothing to check here
  const found = service(prefix);
  if (found === undefined) return { kind: 'unknown-service', prefix };
  const wildcard = /[*?]/.test(name);
  const names = wildcard
    ? [...found.actions.keys()].filter((a) => wildcardMatch(name, a, true))
    : found.actions.has(name.toLowerCase()) ? [name.toLowerCase()] : [];
  if (names.length === 0) return { kind: 'unknown-action', service: found, suggestion: wildcard ? undefined : closest(name.toLowerCase(), [...found.actions.keys()]) };
  return { kind: 'actions', service: found, names, wildcard };
}

/** The closest action name by edit distance, when it is close (a typo). */
function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
