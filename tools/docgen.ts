/**
 * Writes API.md for the jsii package in the current directory.
 *
 * jsii-docgen's CLI cannot find hoisted assemblies, and globbing the whole root
 * node_modules is slow and races with sibling packages compiling in parallel. So the
 * assemblies it may read (this package and its peer dependencies) are linked into a
 * private temporary folder and docgen reads only that.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { Documentation, Language } from 'jsii-docgen';

async function main(): Promise<void> {
  const manifest = JSON.parse(readFileSync('package.json', 'utf-8'));
  const dir = mkdtempSync(join(tmpdir(), 'docgen-'));
  try {
    const link = (name: string, target: string) => {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      symlinkSync(target, join(dir, name), 'dir');
    };
    link(manifest.name, resolve('.'));
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
      link(dep, dirname(require.resolve(`${dep}/package.json`, { paths: [process.cwd()] })));
    }
    const docs = await Documentation.forAssembly(manifest.name, dir);
    const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT });
    writeFileSync('API.md', markdown.render());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
