import { createHash } from 'crypto';
import { Dirent, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'fs';
import { basename, join } from 'path';
import { crc32 } from 'zlib';
import { AssemblyError, AssemblyFiles } from '../assembly-files';
import { quoted } from '../text';

/** A file of an asset, as the zip of a directory asset holds it. */
export interface SourceFile {
  /** Its path inside the asset, with `/` separators (the name of its zip entry). */
  readonly name: string;
  readonly size: number;
  /** The CRC-32 of its content, as a zip entry records it. */
  readonly crc32: number;
}

/** What an asset's source holds, read whole before anything is published. */
export interface SourceTree {
  /** `zip`: a directory published as a zip of its files; `file`: a file published as is. */
  readonly packaging: 'zip' | 'file';
  /** The real path of the directory or file, inside the assembly. */
  readonly path: string;
  /** Every file (one for `file`), sorted by name. */
  readonly files: readonly SourceFile[];
  /** SHA-256 of every file's name and content: two sources with the same digest publish the same content. */
  readonly digest: string;
  readonly bytes: number;
}

/**
 * Reads an asset's source whole, the way `@aws-cdk/cdk-assets-lib` packages it (a directory:
 * every file below it, dot files included, symbolic links followed; a file: itself), and refuses
 * anything that would not publish the asset as synthesized: a source that is missing, outside
 * the assembly or reached through a link that leaves it, a link that is broken or loops, an
 * entry that is neither file nor directory, a file that cannot be read, and an empty asset
 * (an empty zip, or an empty file, is never the code of a function).
 */
export function readSourceTree(files: AssemblyFiles, relativePath: unknown, manifestDir: string, packaging: unknown, what: string): SourceTree {
  if (packaging !== undefined && packaging !== 'zip' && packaging !== 'file') {
    throw new AssemblyError(`${what} has the packaging ${quoted(String(packaging))}; publish-assets publishes 'zip' (a directory) and 'file'`);
  }
  const path = files.resolve(relativePath, `the source of ${what}`, manifestDir);
  const isDirectory = statSync(path).isDirectory();
  if ((packaging === 'zip') !== isDirectory) {
    throw new AssemblyError(`the source of ${what} ${files.display(path)} is ${isDirectory ? 'a directory' : 'not a directory'}, but its packaging is '${packaging ?? 'file'}'; synthesize the app again`);
  }
  const found: Array<SourceFile & { digest: string }> = [];
  const add = (name: string, real: string) => {
    let content: Buffer;
    try {
      content = readFileSync(real);
    } catch (err) {
      throw new AssemblyError(`${what}: cannot read ${quoted(name)} (${(err as NodeJS.ErrnoException).code ?? 'error'}); the asset cannot be published whole`);
    }
    found.push({ name, size: content.length, crc32: crc32(content), digest: createHash('sha256').update(content).digest('hex') });
  };
  if (isDirectory) {
    walk(files, path, '', new Set([path]), add, what);
  } else {
    if (!statSync(path).isFile()) throw new AssemblyError(`the source of ${what} ${files.display(path)} is not a regular file`);
    add(basename(path), path);
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const bytes = found.reduce((sum, f) => sum + f.size, 0);
  if (found.length === 0 || (!isDirectory && bytes === 0)) {
    throw new AssemblyError(`${what} would be published empty: its source ${files.display(path)} ${isDirectory ? 'holds no file' : 'is an empty file'}; ` +
      'an empty asset is never a function\'s code, and its content-hash key would keep it in the bucket for every later build: synthesize the app again (is the bundling output missing?)');
  }
  const digest = createHash('sha256');
  for (const file of found) digest.update(isDirectory ? `${file.name}\u0000${file.digest}\n` : file.digest);
  return {
    packaging: isDirectory ? 'zip' : 'file',
    path,
    files: found.map(({ name, size, crc32: crc }) => ({ name, size, crc32: crc })),
    digest: digest.digest('hex'),
    bytes,
  };
}

/** Adds every file below `dir` (a real path); `ancestors` holds the real paths of the directories on the way, to refuse a loop. */
function walk(files: AssemblyFiles, dir: string, prefix: string, ancestors: Set<string>, add: (name: string, real: string) => void, what: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new AssemblyError(`${what}: cannot list ${quoted(prefix || '.')} (${(err as NodeJS.ErrnoException).code ?? 'error'}); the asset cannot be published whole`);
  }
  for (const entry of entries) {
    const name = `${prefix}${entry.name}`;
    const lexical = join(dir, entry.name);
    let real = lexical;
    if (lstatSync(lexical).isSymbolicLink()) {
      try {
        real = realpathSync(lexical);
      } catch {
        throw new AssemblyError(`${what}: ${quoted(name)} is a broken symbolic link; the asset cannot be published whole`);
      }
      if (!files.contains(real)) {
        throw new AssemblyError(`${what}: ${quoted(name)} is a symbolic link to ${quoted(real)}, outside the cloud assembly; publish-assets publishes only files inside it`);
      }
    }
    const stat = statSync(real);
    if (stat.isDirectory()) {
      if (ancestors.has(real)) throw new AssemblyError(`${what}: ${quoted(name)} links back to a directory above it (a loop); the asset cannot be published`);
      walk(files, real, `${name}/`, new Set([...ancestors, real]), add, what);
    } else if (stat.isFile()) {
      add(name, real);
    } else {
      throw new AssemblyError(`${what}: ${quoted(name)} is neither a file nor a directory (a device, pipe or socket); the asset cannot be published`);
    }
  }
}
