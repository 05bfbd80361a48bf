import { createHash } from 'crypto';
import { createReadStream } from 'fs';
import { Writable } from 'stream';
import { pipeline } from 'stream/promises';
import { createGunzip } from 'zlib';

/** What reading an archive whole found: its digest and size, and why nx could not replay it (undefined: it can). */
export interface ArchiveCheck {
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly bytes: number;
  readonly problem?: string;
}

const BLOCK = 512;

/**
 * Reads a task archive from an open file whole and checks that nx can replay it: nx's
 * self-hosted cache client stores a task's outputs as a gzip-compressed tar (nx 24 writes
 * `code`, `terminalOutput` and the output files). The gzip stream must end with its checksum and
 * length (RFC 1952), and the tar inside must be whole: every header's checksum right, every
 * entry's data present, then the end-of-archive blocks (POSIX pax/ustar format,
 * https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06).
 * A truncated or corrupt entry would fail the task that replays it, in every later build.
 */
export async function checkArchive(fd: number): Promise<ArchiveCheck> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tar = new TarChecker();
  const source = createReadStream('', { fd, start: 0, autoClose: false });
  source.on('data', (chunk: Buffer | string) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  let problem: string | undefined;
  try {
    await pipeline(source, createGunzip(), new Writable({
      write(chunk: Buffer, _encoding, done) {
        try {
          tar.push(chunk);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    }));
    problem = tar.end();
  } catch (err) {
    problem = (err as { code?: string }).code?.startsWith('Z_') || err instanceof TarProblem
      ? `it is not a whole gzip-compressed tar (${(err as Error).message})`
      : `it cannot be read (${(err as { code?: string }).code ?? (err as Error).message})`;
  }
  return { sha256: hash.digest('hex'), bytes, problem };
}

class TarProblem extends Error {}

/** Follows a tar stream block by block: headers (checksum, size), data, end of archive. */
class TarChecker {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of entry data (padded to blocks) still to skip. */
  private skip = 0;
  private entries = 0;
  private ended = false;

  public push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.pending.length);
        this.pending = this.pending.subarray(n);
        this.skip -= n;
        if (this.skip > 0) return;
      }
      if (this.pending.length < BLOCK) return;
      const header = this.pending.subarray(0, BLOCK);
      this.pending = this.pending.subarray(BLOCK);
      if (header.every((b) => b === 0)) {
        this.ended = true;
        continue;
      }
      if (this.ended) throw new TarProblem('an entry follows the end of the archive');
      this.checkHeader(header);
    }
  }

  /** Why the archive is not whole once the stream ended, or undefined. */
  public end(): string | undefined {
    if (this.skip > 0 || this.pending.length > 0) return 'the last entry is cut short';
    if (this.entries === 0) return 'it holds no entry';
    if (!this.ended) return 'it has no end-of-archive blocks';
    return undefined;
  }

  private checkHeader(header: Buffer): void {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    const recorded = parseInt(header.toString('ascii', 148, 156).replace(/[\0 ]+$/, '').trim(), 8);
    if (recorded !== sum) throw new TarProblem(`the header of entry ${this.entries + 1} has a wrong checksum`);
    this.skip = Math.ceil(this.size(header) / BLOCK) * BLOCK;
    this.entries++;
  }

  /** The size field: octal text, or base-256 when its first byte has the high bit set (large files). */
  private size(header: Buffer): number {
    const field = header.subarray(124, 136);
    if (field[0] & 0x80) {
      let value = field[0] & 0x7f;
      for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
      return value;
    }
    const size = parseInt(field.toString('ascii').replace(/[\0 ]+$/, '').trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new TarProblem(`entry ${this.entries + 1} has no readable size`);
    return size;
  }
}
