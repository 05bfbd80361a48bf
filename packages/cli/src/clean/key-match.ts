import type { Piece } from './values';

/** The characters of an asset key a template may hold (the build writes `assets/<hex>.zip`). */
const KEY_CHARACTERS = '[A-Za-z0-9._/-]';

/**
 * The asset keys written out in a text: every `<prefix><key characters>` in it, wherever it stands
 * (an `S3Key`, an `s3://bucket/assets/…` URI, a line of a script). A text matched too generously
 * only keeps an object (the safe side).
 */
export function keysInText(value: string, assetsPrefix: string): string[] {
  const pattern = new RegExp(`${escapeRegExp(assetsPrefix)}${KEY_CHARACTERS}+`, 'g');
  return [...value.matchAll(pattern)].map((match) => match[0]);
}

/**
 * Whether some text that the pieces may stand for is `key` (`whole`: a property CloudFormation
 * reads as a key) or holds it anywhere (`anywhere`: a URI, a location, a line of a script), where
 * each unknown piece may be any text of its characters. An automaton over the pieces' positions
 * reads the key, starting at the first position (`whole`) or at every one, and accepting at the
 * end of the pieces (`whole`) or wherever it stops.
 */
export function mayHold(pieces: readonly Piece[], key: string, match: 'whole' | 'anywhere' = 'anywhere'): boolean {
  const positions = layout(pieces);
  let states = new Set<number>();
  for (let at = 0; at < (match === 'whole' ? 1 : positions.total); at++) closure(positions, at, states);
  for (const c of key) {
    const next = new Set<number>();
    for (const state of states) {
      const step = positions.step(state, c);
      if (step !== undefined) closure(positions, step, next);
    }
    if (next.size === 0) return false;
    states = next;
  }
  return match === 'anywhere' || states.has(positions.total);
}

/** The pieces as positions: one per character of a text piece, one for each unknown piece, then the end. */
interface Layout {
  readonly total: number;
  /** Where piece `i` starts. */
  readonly starts: readonly number[];
  /** The position after reading `c` at `state` (a text position moves on, an unknown stays), or undefined. */
  step(state: number, c: string): number | undefined;
  /** The piece a position belongs to. */
  pieceAt(state: number): number;
  readonly pieces: readonly Piece[];
  readonly classes: ReadonlyArray<RegExp | undefined>;
}

function layout(pieces: readonly Piece[]): Layout {
  const starts: number[] = [];
  const owner: number[] = [];
  let total = 0;
  pieces.forEach((piece, i) => {
    starts.push(total);
    const width = 'text' in piece ? piece.text.length : 1;
    for (let k = 0; k < width; k++) owner.push(i);
    total += width;
  });
  starts.push(total);
  const classes = pieces.map((piece) => ('text' in piece ? undefined : new RegExp(`^${piece.chars}$`)));
  return {
    total,
    starts,
    pieces,
    classes,
    pieceAt: (state) => owner[state],
    step(state, c) {
      if (state >= total) return undefined;
      const i = owner[state];
      const piece = pieces[i];
      if ('text' in piece) return piece.text[state - starts[i]] === c ? state + 1 : undefined;
      return classes[i]!.test(c) ? state : undefined;
    },
  };
}

/** Adds `state` and every position reachable from it without reading: an unknown piece may end (it may be empty). */
function closure(positions: Layout, state: number, into: Set<number>): void {
  if (into.has(state)) return;
  into.add(state);
  if (state >= positions.total) return;
  const i = positions.pieceAt(state);
  if (!('text' in positions.pieces[i])) closure(positions, positions.starts[i + 1], into);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
