import { existsSync } from 'fs';
import { dirname, join } from 'path';

/** The monorepo's root (the directory holding `nx.json`) above `from`, if any. */
export function findRepositoryRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
