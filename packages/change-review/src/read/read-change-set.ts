/**
 * Reads what the review needs from CloudFormation: every page of a change set (waiting while it
 * is still being created), its processed template, the hooks and validations AWS ran on it, and
 * its nested change sets. The calls go through {@link CloudFormationReads}, so that the pipeline's
 * function and the `crosswalk review` command bring their own SDK client (this package depends on
 * no SDK). Not part of the jsii API: import it from `@crosswalk/change-review/lib/read/read-change-set`.
 *
 * - DescribeChangeSet (IncludePropertyValues): https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * - GetTemplate with ChangeSetName: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html
 * - DescribeEvents with ChangeSetName: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html
 */

/** The three CloudFormation reads, as the caller's SDK client makes them. */
export interface CloudFormationReads {
  describeChangeSet(input: { StackName?: string; ChangeSetName: string; IncludePropertyValues: true; NextToken?: string }): Promise<any>;
  getTemplate(input: { StackName?: string; ChangeSetName: string; TemplateStage: 'Processed' }): Promise<{ TemplateBody?: string }>;
  describeEvents(input: { StackName?: string; ChangeSetName: string; NextToken?: string }): Promise<{ OperationEvents?: unknown[]; NextToken?: string }>;
  /** Waits between two reads of a change set that is still being created. */
  sleep(ms: number): Promise<void>;
  /** True once the caller gave up (its time budget ended): what failed is then not reported as a problem. */
  aborted(): boolean;
}

/** The input of `ChangeReview.review`. */
export interface ReadChangeSet {
  readonly pages: any[];
  readonly template?: string;
  readonly events?: unknown[];
  readonly eventsProblem?: string;
  readonly nested: { [changeSetId: string]: ReadChangeSet };
}

/** How deep nested change sets are followed; deeper ones are reported as not reviewed. */
export const MAX_NESTING = 5;
/** One page more than the review accepts (100): a larger change set is refused by the review, naming the cap. */
export const MAX_PAGES = 101;
/** At most this many DescribeEvents pages are read; more is said in the report, not guessed. */
export const MAX_EVENT_PAGES = 20;
/** How long a change set that CloudFormation is still creating is awaited between reads. */
export const CREATE_POLL_MS = 5_000;

export async function readChangeSet(cfn: CloudFormationReads, which: { StackName?: string; ChangeSetName: string }, depth = 0): Promise<ReadChangeSet> {
  const describe = (NextToken?: string) => cfn.describeChangeSet({ ...which, IncludePropertyValues: true, ...(NextToken ? { NextToken } : {}) });
  let first = await describe();
  while (first.Status === 'CREATE_PENDING' || first.Status === 'CREATE_IN_PROGRESS') {
    await cfn.sleep(CREATE_POLL_MS);
    first = await describe();
  }
  const pages: any[] = [first];
  let next: string | undefined = first.NextToken;
  while (next && pages.length < MAX_PAGES) {
    const page = await describe(next);
    pages.push(page);
    next = page.NextToken;
  }
  const complete = first.Status === 'CREATE_COMPLETE';
  const id: string = first.ChangeSetId ?? which.ChangeSetName;
  const template = complete ? await readTemplate(cfn, which, id) : undefined;
  const events = depth === 0 && complete ? await readEvents(cfn, which, id) : {};
  const nested: { [id: string]: ReadChangeSet } = {};
  if (depth < MAX_NESTING) {
    for (const change of pages.flatMap((p) => p.Changes ?? [])) {
      const resource = change?.ResourceChange;
      // A nested stack's own change set, present when the change set includes nested stacks.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
      if (resource?.ResourceType === 'AWS::CloudFormation::Stack' && typeof resource.ChangeSetId === 'string' && !nested[resource.ChangeSetId]) {
        nested[resource.ChangeSetId] = await readChangeSet(cfn, { ChangeSetName: resource.ChangeSetId }, depth + 1);
      }
    }
  }
  return { pages, ...(template !== undefined ? { template } : {}), ...events, nested };
}

/** The change set's processed template, or undefined when it cannot be read (the review then proves less low). */
async function readTemplate(cfn: CloudFormationReads, which: { StackName?: string; ChangeSetName: string }, id: string): Promise<string | undefined> {
  try {
    return (await cfn.getTemplate({ ...which, ChangeSetName: id, TemplateStage: 'Processed' })).TemplateBody;
  } catch (err) {
    if (cfn.aborted()) throw err;
    return undefined;
  }
}

/**
 * The hooks and pre-deployment validations CloudFormation ran on the change set. What cannot be
 * read is passed on as `eventsProblem`, which makes the review ask a person.
 */
async function readEvents(cfn: CloudFormationReads, which: { StackName?: string; ChangeSetName: string }, id: string): Promise<{ events?: unknown[]; eventsProblem?: string }> {
  const events: unknown[] = [];
  try {
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await cfn.describeEvents({ ...which, ChangeSetName: id, ...(next ? { NextToken: next } : {}) });
      events.push(...(page.OperationEvents ?? []));
      next = page.NextToken;
      pages++;
    } while (next && pages < MAX_EVENT_PAGES);
    if (next) return { eventsProblem: `more than ${MAX_EVENT_PAGES} pages of events: not all of AWS's checks were read` };
    return { events };
  } catch (err) {
    if (cfn.aborted()) throw err;
    return { eventsProblem: `${(err as Error).name}: ${(err as Error).message}` };
  }
}
