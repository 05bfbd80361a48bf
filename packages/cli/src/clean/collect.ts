import { readFileSync, realpathSync, statSync } from 'fs';
import { dirname, resolve, sep } from 'path';
import { errorText, quoted } from '../text';
import { AssetReference, NestedStackResource, keepEverything, templateReferences } from './references';
import { Value, ValueContext, asRecord, evaluate, literal, text } from './values';

/** A template to read references from, with what is known of its stack. */
export interface TemplateSource {
  /** Where it came from, as printed: `stack X`, `change set Y of stack X`, `template <file>`. */
  readonly source: string;
  /** The template as CloudFormation returns it, or as the file holds it. */
  readonly body: string;
  /** The stack's parameter values, by name (undefined: masked, NoEcho). */
  readonly parameterValues?: ReadonlyMap<string, string | undefined>;
  /** The values a parent stack passes to the parameters, by name. */
  readonly passedParameters?: ReadonlyMap<string, readonly Value[]>;
  /** The pseudo parameters known (`AWS::Region` → `eu-west-1`). */
  readonly pseudo: Readonly<Record<string, string>>;
  /** Nested stacks (logical ids) whose templates are read from CloudFormation, as stacks of their own. */
  readonly nestedReadElsewhere?: ReadonlySet<string>;
  /** The folder of a template file: its nested stacks' templates are files beside it. */
  readonly localDir?: string;
}

export interface CollectorOptions {
  readonly assetsPrefix: string;
  /** The bucket being cleaned: a nested stack's template in it is read from it. */
  readonly bucket: string;
  /** Reads an object of the bucket as text. */
  readonly readObject: (key: string) => Promise<string>;
}

/** How deep nested stacks are followed; a deeper one keeps everything. */
const MAX_NESTING = 5;

/**
 * Gathers the references of templates, following nested stacks into their templates (a file
 * beside a local template, as CDK writes it with the resource's `aws:asset:path` metadata, or
 * the object of the bucket its `TemplateURL` names) with the parameter values the parent passes.
 * Anything it cannot read keeps every object.
 */
export class ReferenceCollector {
  public readonly references: AssetReference[] = [];

  constructor(private readonly options: CollectorOptions) {}

  public async add(template: TemplateSource, depth = 0): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(template.body);
    } catch {
      this.references.push(keepEverything(template.source, '', 'the template is not JSON (CDK writes JSON), so its intrinsic functions cannot be evaluated'));
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.references.push(keepEverything(template.source, '', 'the template is not a JSON object'));
      return;
    }
    const body = parsed as Record<string, unknown>;
    const ctx = { template: body, parameters: parameterValues(body, template), pseudo: template.pseudo };
    const { references, nested } = templateReferences(body, ctx, template.source, this.options.assetsPrefix);
    this.references.push(...references);
    for (const stack of nested) {
      if (template.nestedReadElsewhere?.has(stack.logicalId)) continue;
      const source = `nested stack ${stack.logicalId} of ${template.source}`;
      if (depth + 1 > MAX_NESTING) {
        this.references.push(keepEverything(source, `Resources/${stack.logicalId}`, `nested stacks deeper than ${MAX_NESTING} levels are not followed`));
        continue;
      }
      const read = await this.nestedTemplate(stack, template, ctx);
      if ('why' in read) {
        this.references.push(keepEverything(source, `Resources/${stack.logicalId}`, read.why));
        continue;
      }
      const pseudo: Record<string, string> = { ...template.pseudo };
      delete pseudo['AWS::StackName']; // a nested stack has a name and id of its own
      delete pseudo['AWS::StackId'];
      await this.add({ source, body: read.body, passedParameters: stack.parameters, pseudo, localDir: read.localDir }, depth + 1);
    }
  }

  /** The template of a nested stack: a file beside a local template, or an object of the bucket; else why it cannot be read. */
  private async nestedTemplate(stack: NestedStackResource, parent: TemplateSource, ctx: ValueContext): Promise<{ body: string; localDir?: string } | { why: string }> {
    const assetPath = asRecord(stack.resource.Metadata)['aws:asset:path'];
    if (parent.localDir !== undefined && typeof assetPath === 'string') {
      try {
        const file = realpathSync(resolve(parent.localDir, assetPath));
        if (!file.startsWith(`${parent.localDir}${sep}`) || !statSync(file).isFile()) throw new Error('not a file beside the template');
        return { body: readFileSync(file, 'utf-8'), localDir: dirname(file) };
      } catch (err) {
        return { why: `its template file ${quoted(assetPath)} cannot be read beside the parent template (${errorText(err, 100)})` };
      }
    }
    const urls = evaluate(asRecord(stack.resource.Properties).TemplateURL, ctx).map(literal);
    const location = urls.length === 1 && urls[0] !== undefined ? parseS3Url(urls[0]) : undefined;
    if (location?.bucket !== this.options.bucket) {
      return { why: `its TemplateURL ${urls.length === 1 && urls[0] !== undefined ? quoted(urls[0]) : 'is not known before deployment, and'} is not an object of s3://${this.options.bucket}, so its template cannot be read` };
    }
    try {
      return { body: await this.options.readObject(location.key) };
    } catch (err) {
      return { why: `its template s3://${location.bucket}/${quoted(location.key)} cannot be read (${errorText(err, 150)})` };
    }
  }
}

/** The parameters' values of a template: passed by a parent, or the stack's own (lists split, masked ones unknown). */
function parameterValues(template: Record<string, unknown>, source: TemplateSource): Map<string, readonly Value[]> {
  const values = new Map<string, readonly Value[]>(source.passedParameters ?? []);
  for (const [name, value] of source.parameterValues ?? []) {
    const type = String(asRecord(asRecord(template.Parameters)[name]).Type ?? '');
    if (value === undefined) {
      // NoEcho parameters are returned masked (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
      values.set(name, [{ kind: 'unknown', why: `the parameter ${name}, whose value CloudFormation masks (NoEcho)` }]);
    } else if (type.startsWith('List<') || type === 'CommaDelimitedList') {
      values.set(name, [{ kind: 'list', items: value.split(',').map((item) => [text(item)]) }]);
    } else {
      values.set(name, [text(value)]);
    }
  }
  return values;
}

/**
 * The bucket and key of an S3 URL as a `TemplateURL` gives it: path style
 * (`https://s3.<region>.amazonaws.com/<bucket>/<key>`), virtual-hosted style
 * (`https://<bucket>.s3.<region>.amazonaws.com/<key>`), or `s3://<bucket>/<key>`.
 */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (s3) return { bucket: s3[1], key: s3[2] };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const path = decodeURIComponent(parsed.pathname.slice(1));
  const host = /^(?:(.+)\.)?s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(parsed.hostname);
  if (!host) return undefined;
  if (host[1] !== undefined) return path === '' ? undefined : { bucket: host[1], key: path };
  const slash = path.indexOf('/');
  return slash > 0 ? { bucket: path.slice(0, slash), key: path.slice(slash + 1) } : undefined;
}
