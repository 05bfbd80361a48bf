import { readFileSync, realpathSync, statSync } from 'fs';
import { isAbsolute, resolve, sep } from 'path';
import { excerpt, jsonParseProblem, quoted } from './text';

/** Thrown for an assembly the commands refuse to read; the message says what to do. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

/** The largest JSON file of an assembly the commands read (a manifest or a template). */
export const MAX_ASSEMBLY_JSON_BYTES = 64 * 1024 * 1024;

/**
 * The files of one cloud assembly, and only those: every path a command reads goes through
 * {@link resolve}, which refuses an absolute path, a `..` that leaves the folder and a symbolic
 * link (on the way or at the end) whose target lies outside it, before anything is read.
 */
export class AssemblyFiles {
  /** Opens the assembly folder `dir`; throws an {@link AssemblyError} if it is not a folder. */
  public static open(dir: string): AssemblyFiles {
    let root: string;
    try {
      root = realpathSync(dir);
    } catch {
      throw new AssemblyError(`${quoted(dir)} is not a cloud assembly (it does not exist): synthesize the app first (cdk synth), then pass its output folder, e.g. cdk.out`);
    }
    if (!statSync(root).isDirectory()) {
      throw new AssemblyError(`${quoted(dir)} is not a cloud assembly (not a folder): synthesize the app first (cdk synth), then pass its output folder, e.g. cdk.out`);
    }
    return new AssemblyFiles(root, dir);
  }

  /**
   * @param root the real path of the assembly folder (symbolic links resolved)
   * @param shown the folder as the caller named it, for messages
   */
  private constructor(public readonly root: string, public readonly shown: string) {}

  /** Whether a real path is the assembly folder or lies inside it. */
  public contains(realPath: string): boolean {
    return realPath === this.root || realPath.startsWith(this.root.endsWith(sep) ? this.root : `${this.root}${sep}`);
  }

  /**
   * The real path of `relative`, taken from `base` (a real path inside the assembly; the
   * assembly folder by default), after following every symbolic link; refuses, naming the path
   * and why, anything that is not inside the assembly.
   *
   * @param what what the path is, for messages (`the template of stack X`)
   */
  public resolve(relative: unknown, what: string, base: string = this.root): string {
    if (typeof relative !== 'string' || relative === '' || relative.includes('\u0000')) {
      throw new AssemblyError(`${what} has no usable path (got ${typeof relative === 'string' ? quoted(relative) : typeof relative}); synthesize the app again`);
    }
    if (isAbsolute(relative)) {
      throw new AssemblyError(`${what} is the absolute path ${quoted(relative)}; the command reads only files inside the cloud assembly ${quoted(this.shown)}, named relative to it`);
    }
    const lexical = resolve(base, relative);
    if (!this.contains(lexical)) {
      throw new AssemblyError(`${what} ${quoted(relative)} leaves the cloud assembly ${quoted(this.shown)} (through '..'); the command reads only files inside it`);
    }
    let real: string;
    try {
      real = realpathSync(lexical);
    } catch {
      throw new AssemblyError(`${what} ${quoted(relative)} does not exist in the cloud assembly ${quoted(this.shown)} (or is a broken link); synthesize the app again`);
    }
    if (!this.contains(real)) {
      throw new AssemblyError(`${what} ${quoted(relative)} is a symbolic link (or goes through one) to ${quoted(real)}, outside the cloud assembly ${quoted(this.shown)}; the command reads only files inside it`);
    }
    return real;
  }

  /** Reads and parses the JSON file `relative` (see {@link resolve}); it must be a regular file of at most {@link MAX_ASSEMBLY_JSON_BYTES}. */
  public readJson(relative: unknown, what: string, base: string = this.root): { path: string; value: unknown } {
    const path = this.resolve(relative, what, base);
    const stat = statSync(path);
    if (!stat.isFile()) {
      throw new AssemblyError(`${what} ${quoted(String(relative))} is not a regular file; synthesize the app again`);
    }
    if (stat.size > MAX_ASSEMBLY_JSON_BYTES) {
      throw new AssemblyError(`${what} ${quoted(String(relative))} is ${stat.size} bytes; the command reads at most ${MAX_ASSEMBLY_JSON_BYTES}`);
    }
    try {
      return { path, value: JSON.parse(readFileSync(path, 'utf-8')) };
    } catch (err) {
      throw new AssemblyError(`${what} ${quoted(String(relative))} cannot be read: ${jsonParseProblem(err)}; synthesize the app again`);
    }
  }

  /** A path inside the assembly as messages show it: relative to the folder, escaped. */
  public display(realPath: string): string {
    return quoted(realPath === this.root ? '.' : realPath.slice(this.root.length + 1));
  }
}

/** A plain JSON object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** A JSON value as messages name it: `null`, `an array`, `an object`, a string quoted and escaped. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return quoted(value, 60);
  if (value === undefined) return 'nothing';
  if (typeof value === 'object') return 'an object';
  return excerpt(String(value), 40);
}
