import { readFileSync } from 'fs';
import { crc32, inflateRawSync } from 'zlib';
import { quoted } from '../text';
import type { SourceTree } from './source-tree';

/**
 * Whether a zip file holds exactly the files of a source tree: the same names, and for each,
 * content of the same size and CRC-32, read by inflating every entry (so a central directory
 * that claims what the data does not hold is caught too). Returns why not, or undefined.
 *
 * The format is that of PKWARE's APPNOTE.TXT (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT):
 * the end-of-central-directory record (4.3.16, its ZIP64 form 4.3.14 and locator 4.3.15), central
 * directory headers (4.3.12), local file headers (4.3.7), methods 0 (stored) and 8 (deflated).
 */
export function zipProblem(zipPath: string, tree: SourceTree): string | undefined {
  let zip: Buffer;
  try {
    zip = readFileSync(zipPath);
  } catch (err) {
    return `cannot read the packaged zip (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  let entries: ZipEntry[];
  try {
    entries = readEntries(zip);
  } catch (err) {
    return `the packaged zip is not a valid zip (${(err as Error).message})`;
  }
  const expected = new Map(tree.files.map((f) => [f.name, f]));
  if (entries.length !== expected.size) {
    return `the packaged zip holds ${entries.length} entries, the source ${expected.size} files`;
  }
  for (const entry of entries) {
    const file = expected.get(entry.name);
    if (!file) return `the packaged zip holds ${quoted(entry.name)}, which the source does not`;
    expected.delete(entry.name);
    let content: Buffer;
    try {
      content = entryContent(zip, entry);
    } catch (err) {
      return `the entry ${quoted(entry.name)} of the packaged zip cannot be read (${(err as Error).message})`;
    }
    if (content.length !== file.size || crc32(content) !== file.crc32 || entry.crc32 !== file.crc32) {
      return `the entry ${quoted(entry.name)} of the packaged zip does not hold the source file's content`;
    }
  }
  return undefined;
}

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function readEntries(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === MAX32) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new Error('no ZIP64 locator');
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(record) !== ZIP64_EOCD) throw new Error('no ZIP64 end of central directory');
    count = Number(zip.readBigUInt64LE(record + 32));
    offset = Number(zip.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL) throw new Error(`central directory entry ${i + 1} is damaged`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const sizes = {
      size: zip.readUInt32LE(offset + 24),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    };
    readZip64Extra(zip.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength), sizes);
    entries.push({
      name: zip.toString('utf-8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      crc32: zip.readUInt32LE(offset + 16),
      ...sizes,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces the sizes and offset that are 0xffffffff with those of the ZIP64 extra field (header id 1), in its order. */
function readZip64Extra(extra: Buffer, sizes: { size: number; compressedSize: number; localHeaderOffset: number }): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let field = at + 4;
      for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
        if (sizes[key] === MAX32) {
          sizes[key] = Number(extra.readBigUInt64LE(field));
          field += 8;
        }
      }
    }
    at += 4 + length;
  }
}

function entryContent(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== LOCAL) throw new Error('its local header is damaged');
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new Error('its data is cut short');
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`compression method ${entry.method}`);
}
