/** What `crosswalk doctor --live` found, checked and could not check, in the order it went. */
export type LiveArea = 'accounts' | 'stacks' | 'connection' | 'notifications' | 'artifact store' | 'code assets' | 'permissions';

export interface LiveFinding {
  readonly area: LiveArea;
  /** What it is about: a resource, a role and action, an endpoint. */
  readonly subject: string;
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

export class LiveFindings {
  public readonly findings: LiveFinding[] = [];
  public readonly passes: string[] = [];
  /** What the doctor does not check, and why (not a finding: outside its reach by design). */
  public readonly outOfScope: string[] = [];

  public finding(area: LiveArea, subject: string, problem: string, fix: string): void {
    this.findings.push({ area, subject, problem, fix });
  }

  public passed(line: string): void {
    this.passes.push(line);
  }

  public notInScope(line: string): void {
    this.outOfScope.push(line);
  }
}
