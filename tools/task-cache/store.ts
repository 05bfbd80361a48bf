import { randomBytes } from 'crypto';
import {
  closeSync, constants, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, renameSync, writeFileSync,
} from 'fs';
import { join } from 'path';
import { existsAtAll } from '../../packages/cli/src/exists';
import { checkArchive } from './archive';

/** What a task hash looks like (nx's are decimal digits); anything else is refused, so no request names a path. */
export const TASK_HASH = /^[A-Za-z0-9]{1,128}$/;
const ARCHIVE_SUFFIX = '.tar';
/** The record nx-cache writes beside each archive it stores: `<sha256> <bytes>`. It marks the archive as nx-cache's, and what it held. */
const RECORD_SUFFIX = '.tar.sha256';
const PARTIAL_PREFIX = '.nx-cache-partial-';

/** An archive of the folder, opened to be served: checked whole and still open. */
export interface OpenEntry {
  readonly fd: number;
  readonly bytes: number;
}

/** Why an archive was not served (it stays a miss, and nx runs the task). */
export interface Refusal {
  readonly hash: string;
  readonly reason: string;
  /** Whether the archive was removed (only one nx-cache wrote). */
  readonly dropped: boolean;
}

/**
 * The folder of task archives that the build host keeps between runs. It serves only regular
 * files of the folder itself (no link is followed, no directory read), only archives it wrote
 * (with their record) and that are whole and unchanged, and it removes only files it wrote.
 */
export class TaskArchiveStore {
  public readonly dir: string;
  /** The partial uploads of this run, removed if they are still there at the end. */
  private readonly partials = new Set<string>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.dir = realpathSync(dir);
  }

  /** How many archives nx-cache wrote are in the folder. */
  public count(): number {
    return this.ownHashes().length;
  }

  /** Whether anything at all has the archive's name (a file, a link, a directory). */
  public has(hash: string): boolean {
    return existsAtAll(this.archivePath(hash));
  }

  /**
   * Opens the archive of `hash` to serve it: a regular file (not a link, a directory or a
   * device) with nx-cache's record, whose bytes match the record and which nx can replay.
   * Returns undefined for a plain miss, a {@link Refusal} for an entry not served; a bad entry
   * nx-cache wrote is removed, so that nx runs the task and stores a good one.
   */
  public async open(hash: string): Promise<OpenEntry | Refusal | undefined> {
    const path = this.archivePath(hash);
    if (!existsAtAll(path)) return undefined;
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      return { hash, reason: `it cannot be opened as a file of the folder (${(err as NodeJS.ErrnoException).code})`, dropped: false };
    }
    const refuse = (reason: string, mine: boolean): Refusal => {
      closeSync(fd);
      if (mine) this.drop(hash);
      return { hash, reason, dropped: mine };
    };
    if (!fstatSync(fd).isFile()) return refuse('it is not a regular file', false);
    const record = this.readRecord(hash);
    if (!record) return refuse('nx-cache did not write it (it has no record)', false);
    const check = await checkArchive(fd);
    if (check.problem) return refuse(check.problem, true);
    if (check.sha256 !== record.sha256 || check.bytes !== record.bytes) return refuse('its bytes are not the ones nx-cache stored', true);
    return { fd, bytes: check.bytes };
  }

  /** A new file for an upload, created exclusively; commit it with {@link commit} or discard it with {@link discard}. */
  public createPartial(hash: string): string {
    const path = join(this.dir, `${PARTIAL_PREFIX}${hash}-${randomBytes(6).toString('hex')}`);
    closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644));
    this.partials.add(path);
    return path;
  }

  /**
   * Stores a complete upload as the archive of `hash`, if nx can replay it: its record first,
   * then the archive, linked into place only if nothing has the name yet (an entry is never
   * replaced). Returns why it was not stored, or undefined.
   */
  public async commit(hash: string, partial: string): Promise<string | undefined> {
    const fd = openSync(partial, constants.O_RDONLY | constants.O_NOFOLLOW);
    let check;
    try {
      check = await checkArchive(fd);
    } finally {
      closeSync(fd);
    }
    if (check.problem) {
      this.discard(partial);
      return check.problem;
    }
    if (existsAtAll(this.archivePath(hash))) {
      this.discard(partial);
      return 'exists';
    }
    const record = this.createPartial(`${hash}-record`);
    writeFileSync(record, `${check.sha256} ${check.bytes}\n`);
    renameSync(record, this.recordPath(hash));
    this.partials.delete(record);
    try {
      linkSync(partial, this.archivePath(hash));
    } catch (err) {
      this.discard(partial);
      return (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists' : `it could not be stored (${(err as NodeJS.ErrnoException).code})`;
    }
    this.discard(partial);
    return undefined;
  }

  /** Removes the partial uploads of this run that are still there. */
  public discardPartials(): void {
    for (const partial of [...this.partials]) this.discard(partial);
  }

  public discard(partial: string): void {
    rmSync(partial, { force: true });
    this.partials.delete(partial);
  }

  /**
   * Removes the archives nx-cache wrote (those with a record) whose hash is not in `keep`, and
   * this run's partial uploads; nothing else in the folder is touched. Returns the removed hashes.
   */
  public prune(keep: ReadonlySet<string>): string[] {
    this.discardPartials();
    const removed: string[] = [];
    for (const hash of this.ownHashes()) {
      if (keep.has(hash)) continue;
      this.drop(hash);
      removed.push(hash);
    }
    return removed;
  }

  /** Removes an archive nx-cache wrote, and its record; a link or directory in its place is left alone. */
  private drop(hash: string): void {
    const archive = this.archivePath(hash);
    if (existsAtAll(archive) && lstatSync(archive).isFile()) rmSync(archive, { force: true });
    rmSync(this.recordPath(hash), { force: true });
  }

  /** The hashes that have nx-cache's record (a regular file) in the folder. */
  private ownHashes(): string[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith(RECORD_SUFFIX))
      .map((name) => name.slice(0, -RECORD_SUFFIX.length))
      .filter((hash) => TASK_HASH.test(hash) && lstatSync(this.recordPath(hash)).isFile());
  }

  private readRecord(hash: string): { sha256: string; bytes: number } | undefined {
    const path = this.recordPath(hash);
    if (!existsAtAll(path) || !lstatSync(path).isFile() || lstatSync(path).size > 200) return undefined;
    const match = /^([0-9a-f]{64}) (\d+)\n?$/.exec(readFileSync(path, 'utf-8'));
    return match ? { sha256: match[1], bytes: Number(match[2]) } : undefined;
  }

  private archivePath(hash: string): string {
    return join(this.dir, `${hash}${ARCHIVE_SUFFIX}`);
  }

  private recordPath(hash: string): string {
    return join(this.dir, `${hash}${RECORD_SUFFIX}`);
  }
}
