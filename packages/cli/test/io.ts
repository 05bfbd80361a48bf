import type { MainIo } from '../src/main';

/** The lines a command writes to stdout and stderr. */
export function capture(): { io: MainIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** Characters a message must never carry raw: controls (a line break is one), separators, bidirectional controls. */
export const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
