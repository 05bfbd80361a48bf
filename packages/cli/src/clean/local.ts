import { readdirSync, readFileSync, realpathSync, statSync } from 'fs';
import { dirname, join } from 'path';
import { asObject } from '../assembly-files';
import { errorText, jsonParseProblem, quoted } from '../text';
import type { TemplateSource } from './collect';

/** The largest local template read. */
const MAX_TEMPLATE_BYTES = 64 * 1024 * 1024;

/**
 * The local templates at `path`: the file itself, or every `*.template.json` below a directory
 * (a cloud assembly, including nested stage assemblies), skipping the asset directories. A
 * nested stack's template (`*.nested.template.json`) is read through its parent, which passes
 * it its parameters, unless no parent names it. Finding none is an error: the caller meant to
 * protect some code.
 */
export function readLocalTemplates(path: string, region: string): TemplateSource[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? templateFilesIn(path) : [path];
  } catch (err) {
    throw new Error(`--templates ${quoted(path)}: ${errorText(err, 120)}; give a cloud assembly directory (synthesize it first: npx nx run @crosswalk/sample-api:synth) or a template file`);
  }
  if (files.length === 0) {
    throw new Error(`--templates ${quoted(path)} holds no *.template.json; synthesize the app first (npx nx run @crosswalk/sample-api:synth) or drop the option`);
  }
  const read = files.map((file) => {
    const real = realpathSync(file);
    if (!statSync(real).isFile() || statSync(real).size > MAX_TEMPLATE_BYTES) throw new Error(`template ${quoted(file)} is not a regular file of at most ${MAX_TEMPLATE_BYTES} bytes`);
    const body = readFileSync(real, 'utf-8');
    let template: Record<string, unknown> | undefined;
    try {
      template = asObject(JSON.parse(body));
    } catch (err) {
      throw new Error(`template ${quoted(file)} cannot be read: ${jsonParseProblem(err)}; synthesize the app again`);
    }
    if (!template) throw new Error(`template ${quoted(file)} is not a JSON object; synthesize the app again`);
    return { file, real, body, template };
  });
  const nestedFiles = new Set(read.flatMap(({ real, template }) => nestedTemplateFiles(template, dirname(real))));
  return read
    .filter(({ real }) => !nestedFiles.has(real))
    .map(({ file, real, body }) => ({ source: `template ${quoted(file)}`, body, pseudo: { 'AWS::Region': region }, localDir: dirname(real) }));
}

/** The real paths of the nested stacks' template files a template names (CDK's `aws:asset:path` metadata), when they exist beside it. */
function nestedTemplateFiles(template: Record<string, unknown>, dir: string): string[] {
  return Object.values(asObject(template.Resources) ?? {}).flatMap((value) => {
    const resource = asObject(value);
    const assetPath = asObject(resource?.Metadata)?.['aws:asset:path'];
    if (resource?.Type !== 'AWS::CloudFormation::Stack' || typeof assetPath !== 'string') return [];
    try {
      return [realpathSync(join(dir, assetPath))];
    } catch {
      return [];
    }
  });
}

function templateFilesIn(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('asset.') && entry.name !== 'node_modules') files.push(...templateFilesIn(path));
    else if (entry.isFile() && entry.name.endsWith('.template.json')) files.push(path);
  }
  return files;
}
