import { lstatSync } from 'fs';

/** Whether anything has this path: a file, a directory, a link (a broken one too). `existsSync` follows links. */
export function existsAtAll(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
