/**
 * CW10: every action of every policy exists, and an action scoped to resources is scoped to
 * resources of a type it authorizes on (AWS's Service Authorization Reference, corrected by
 * AUTHORIZATION_EXCEPTIONS).
 */
import { Pattern, Token, formatPattern, intersects, isExact, isWildcard, partitionOf, valuePattern } from './arn-pattern';
import { Assembly, KindedStatement, StackTemplate, list } from './assembly';
import { AuthorizationException, IAM_DATA_VERSION, SAR_URL, Service, evaluatedPatterns, exceptionFor, lookUpAction, service as serviceByPrefix } from './service-authorization';

/** A finding of CW10, before it is given its rule id. */
export interface PolicyActionFinding {
  readonly placed: KindedStatement;
  readonly message: string;
}

/** The request resource of an action without a resource type: the string `*` itself. */
const STAR: Pattern = [{ kind: 'char', char: '*' }];
const MAX_MESSAGE = 999;
const SHORT = 80;
const shorten = (text: string) => (text.length > SHORT ? `${text.slice(0, SHORT)}…` : text);
const limit = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text);

/** ARN formats of the reference as patterns, parsed once. */
const formatPatterns = new Map<string, Pattern>();
function parsedFormat(format: string): Pattern {
  let pattern = formatPatterns.get(format);
  if (pattern === undefined) {
    pattern = formatPattern(format);
    formatPatterns.set(format, pattern);
  }
  return pattern;
}

/** A statement's resource: the template value, as text and as a pattern. */
interface StatementResource {
  readonly text: string;
  readonly pattern: Token[];
}

/** A template value as short text: intrinsics as `${Logical.Attr}`, joins joined. */
export function valueText(value: any): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `\${${getAtt.join('.')}}`;
    if (typeof getAtt === 'string') return `\${${getAtt}}`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return join[1].map(valueText).join(join[0]);
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  }
  return JSON.stringify(value) ?? String(value);
}

function statementLabel(placed: KindedStatement): string {
  const index = placed.location.split('/').pop();
  const sid = placed.statement?.Sid;
  return `stack ${shorten(placed.resource.stack.stackName)}, ${shorten(placed.resource.logicalId)} statement ${typeof sid === 'string' && sid !== '' ? `'${shorten(sid)}'` : `#${index}`}`;
}

const resourcesText = (resources: readonly StatementResource[]) => {
  const shown = resources.slice(0, 2).map((r) => shorten(r.text)).join(', ');
  return resources.length > 2 ? `${shown} (and ${resources.length - 2} more)` : shown;
};

/** The statement's resources, named again after `resourcesText` gave them. */
const them = (resources: readonly StatementResource[]) => (resources.length === 1 ? 'it does' : 'they do');

const formatsText = (formats: readonly string[]) => {
  const shown = formats.slice(0, 3).map(shorten).join(' or ');
  return formats.length > 3 ? `${shown} (or ${formats.length - 3} more)` : shown;
};

/** An exception's evaluated resource with the stack's partition, region and account. */
function filled(stack: StackTemplate, evaluated: string): string {
  return evaluated
    .replace('${Partition}', partitionOf(stack.region) ?? '${Partition}')
    .replace('${Region}', stack.region ?? '${Region}')
    .replace('${Account}', stack.account ?? '${Account}');
}

/** Why one action of a statement never applies to the statement's resources, or undefined when it may. */
function scopeProblem(stack: StackTemplate, service: Service, name: string, resources: readonly StatementResource[], effect: string): string | undefined {
  const exception = exceptionFor(`${service.prefix}:${name}`);
  const outcome = effect === 'Deny' ? 'the statement never denies it' : 'the statement never allows it, so the call is denied';
  if (exception !== undefined) {
    if (appliesUnderException(exception, service, name, resources)) return undefined;
    const evaluated = exception.evaluates.map((e) => (e === '*' ? '"*"' : filled(stack, e))).join(' or ');
    return `AWS evaluates it${exception.calls ? ` ${exception.calls}` : ''} against ${evaluated}, which ${them(resources)} not match: ${exception.reason}; ${outcome}; fix: ${exception.fix} (${exception.sources.join(', ')})`;
  }
  const formats = service.actions.get(name) ?? [];
  if (formats.length === 0) {
    if (resources.some((r) => intersects(r.pattern, STAR))) return undefined;
    return `it has no resource type in the Service Authorization Reference, so AWS evaluates it against "*", which ${them(resources)} not match: ${outcome}; fix: grant it in a statement with Resource "*" (${SAR_URL})`;
  }
  const accepted = [...formats, ...renamedFormats(service, name)];
  if (resources.some((r) => accepted.some((f) => intersects(r.pattern, parsedFormat(f))))) return undefined;
  return `it authorizes on ${formatsText(formats)}, and ${them(resources)} not match any of them: ${outcome}; fix: scope it to an ARN of one of those types (${SAR_URL})`;
}

/**
 * CodeStar Connections became CodeConnections, and IAM checks a connection action under the
 * prefix of the connection's ARN; CW2 asks for every connection action under both prefixes,
 * so an action of one prefix on an ARN of the other is left to CW2, not reported here.
 */
const RENAMED_SERVICES: Record<string, string> = { 'codestar-connections': 'codeconnections', 'codeconnections': 'codestar-connections' };

function renamedFormats(found: Service, name: string): readonly string[] {
  const other = RENAMED_SERVICES[found.prefix];
  return other === undefined ? [] : serviceByPrefix(other)?.actions.get(name) ?? [];
}

function appliesUnderException(exception: AuthorizationException, service: Service, name: string, resources: readonly StatementResource[]): boolean {
  const evaluated = evaluatedPatterns(exception);
  if (resources.some((r) => evaluated.some((e) => intersects(r.pattern, e)))) return true;
  if (!exception.exactNamesAccepted) return false;
  const formats = service.actions.get(name) ?? [];
  return resources.some((r) => isExact(r.pattern) && formats.some((f) => intersects(r.pattern, parsedFormat(f))));
}

/**
 * Actions that aws-cdk-lib's own grants put where they never apply, harmlessly: the table
 * grants (grantReadData, grantReadWriteData) write dynamodb:GetRecords and
 * dynamodb:GetShardIterator, stream actions, for the table and its indexes, next to a
 * statement for the same resources that allows dynamodb:Query and dynamodb:BatchGetItem (a
 * stream's readers get them on the stream from grantStreamRead). Not reported in that shape.
 */
const CDK_GRANT_EXCESS: ReadonlyArray<{ readonly actions: readonly string[]; readonly alongside: readonly string[] }> = [
  { actions: ['dynamodb:getrecords', 'dynamodb:getsharditerator'], alongside: ['dynamodb:query', 'dynamodb:batchgetitem'] },
];

/** Whether the action is one of CDK_GRANT_EXCESS, in a policy that also has the statement it comes with. */
function cdkGrantExcess(action: string, placed: KindedStatement, siblings: readonly KindedStatement[]): boolean {
  const resources = JSON.stringify(placed.statement.Resource);
  return CDK_GRANT_EXCESS.some((e) => e.actions.includes(action.toLowerCase()) && siblings.some((s) => {
    const lower = list<any>(s.statement?.Action).filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
    return s.statement?.Effect === 'Allow' && JSON.stringify(s.statement.Resource) === resources && e.alongside.every((a) => lower.includes(a));
  }));
}

/** Whether an action applies to the resources (for a wildcard action's expansion). */
const applies = (stack: StackTemplate, service: Service, name: string, resources: readonly StatementResource[]) =>
  scopeProblem(stack, service, name, resources, 'Allow') === undefined;

/** CW10 over the assembly. */
export function policyActionFindings(assembly: Assembly): PolicyActionFinding[] {
  const findings: PolicyActionFinding[] = [];
  const statements = assembly.policyStatements();
  const documentOf = (p: KindedStatement) => `${p.resource.stack.stackName}/${p.resource.logicalId}/${p.location.replace(/\/Statement\/\d+$/, '')}`;
  const byDocument = new Map<string, KindedStatement[]>();
  for (const placed of statements) byDocument.set(documentOf(placed), [...(byDocument.get(documentOf(placed)) ?? []), placed]);
  for (const placed of statements) {
    const statement = placed.statement;
    const effect = statement?.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') continue;
    const stack = placed.resource.stack;
    const where = statementLabel(placed);
    const report = (message: string) => findings.push({ placed, message: limit(`${where}: ${message}`) });
    const grants = effect === 'Deny' ? 'denies' : 'allows';

    // 1. Every action (and every NotAction) names actions that exist.
    const named = [...list<any>(statement.Action), ...list<any>(statement.NotAction)].filter((a): a is string => typeof a === 'string');
    for (const action of named) {
      const found = lookUpAction(action);
      switch (found.kind) {
        case 'malformed':
          report(`action '${shorten(action)}' is not of the form service:Action, so IAM never matches it and the statement ${grants} nothing through it; fix: write it as <service prefix>:<action> (${SAR_URL})`);
          break;
        case 'unknown-service':
          report(`action ${shorten(action)} has service prefix '${shorten(found.prefix)}', which no service of the Service Authorization Reference (data ${IAM_DATA_VERSION}) has, so IAM never matches it; fix: use the service's prefix as its page of the reference gives it (${SAR_URL})`);
          break;
        case 'unknown-action':
          report(/[*?]/.test(action)
            ? `action ${shorten(action)} matches no action of ${found.service.prefix} in the Service Authorization Reference (data ${IAM_DATA_VERSION}), so the statement ${grants} nothing through it; fix: correct the pattern (${SAR_URL})`
            : `${shorten(action)} is not an action of ${found.service.prefix} in the Service Authorization Reference (data ${IAM_DATA_VERSION}), so IAM never matches it and the statement ${grants} nothing through it; fix: ${found.suggestion ? `did you mean ${found.service.prefix}:${found.suggestion}? ` : ''}correct the name, or refresh the data if AWS added the action since (${SAR_URL})`);
          break;
        default:
          break;
      }
    }

    // 2. An action scoped to resources is scoped to resources of a type it authorizes on.
    if (placed.kind === 'trust' || statement.NotAction !== undefined || statement.NotResource !== undefined || statement.Resource === undefined) continue;
    const resources: StatementResource[] = list<any>(statement.Resource).map((value) => ({ text: valueText(value), pattern: valuePattern(stack, value) }));
    if (resources.length === 0 || resources.some((r) => isWildcard(r.pattern))) continue; // `*`, or a value that may be `*`
    const actions = list<any>(statement.Action).filter((a): a is string => typeof a === 'string');
    for (const action of actions) {
      const found = lookUpAction(action);
      if (found.kind !== 'actions' || cdkGrantExcess(action, placed, byDocument.get(documentOf(placed)) ?? [])) continue;
      if (found.wildcard) {
        if (found.names.some((name) => applies(stack, found.service, name, resources))) continue;
        report(`none of the ${found.names.length} actions ${shorten(action)} matches applies to ${resourcesText(resources)} (their resource types are others, or "*"): the statement ${grants} nothing through it; fix: scope it to the resources of the actions it should cover (${SAR_URL})`);
        continue;
      }
      const problem = scopeProblem(stack, found.service, found.names[0], resources, effect);
      if (problem !== undefined) report(`${shorten(action)} on ${resourcesText(resources)}: ${problem}`);
    }
  }
  return findings;
}
