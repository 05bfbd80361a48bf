import { execFileSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { crc32, zipDirectory } from '../../src/pipeline/zip';

// The archive is checked by Info-ZIP's unzip, an independent reader (present here and
// in CodeBuild's standard images).
const unzip = (...args: string[]) => execFileSync('unzip', args, { encoding: 'utf-8' });

describe('zipDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'src', 'index.js'), `exports.handler = async () => 'ok';\n${'// padding that deflates well\n'.repeat(200)}`);
    writeFileSync(join(dir, 'src', 'lib', 'tiny.txt'), 'x');
    writeFileSync(join(dir, 'src', 'empty.txt'), '');
    writeFileSync(join(dir, 'src', 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(dir, 'src', 'run.sh'), 0o755);
  });

  test('writes an archive that unzip lists, tests and extracts: every file, same bytes, at its relative path', () => {
    const out = join(dir, 'code.zip');
    zipDirectory(join(dir, 'src'), out);
    expect(unzip('-Z1', out).trim().split('\n')).toEqual(['empty.txt', 'index.js', 'lib/tiny.txt', 'run.sh']);
    expect(unzip('-t', out)).toContain('No errors detected');
    expect(unzip('-p', out, 'index.js')).toBe(readFileSync(join(dir, 'src', 'index.js'), 'utf-8'));
    expect(unzip('-p', out, 'lib/tiny.txt')).toBe('x');
    // deflated where it pays, stored otherwise
    const listing = unzip('-Zv', out);
    expect(listing).toMatch(/index\.js[\s\S]*?compression method:\s+deflated/);
    expect(listing).toMatch(/tiny\.txt[\s\S]*?compression method:\s+none \(stored\)/);
  });

  test('keeps the executable bit and gives the same bytes for the same content', () => {
    const [a, b] = [join(dir, 'a.zip'), join(dir, 'b.zip')];
    zipDirectory(join(dir, 'src'), a);
    zipDirectory(join(dir, 'src'), b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(unzip('-Zl', a)).toMatch(/-rwxr-xr-x .* run\.sh/);
    expect(unzip('-Zl', a)).toMatch(/-rw-r--r-- .* index\.js/);
  });

  test('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
