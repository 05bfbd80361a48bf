import { capped, clean, msg, quote, words } from '../src/model/text';
import { mdMsg } from '../src/report/render-text';

describe('values from a change set', () => {
  test('hidden characters (bidi overrides and isolates, zero-width, controls, tags) are written out, never passed through', () => {
    expect(clean('a\u202Eb\u2066c\u200Bd\uFEFFe\nf\u0007g')).toBe('a<U+202E>b<U+2066>c<U+200B>d<U+FEFF>e<U+000A>f<U+0007>g');
    expect(clean('x\u{E0041}y')).toBe('x<U+E0041>y');
  });

  test('a value is capped with how much was cut, and quoted in plain text', () => {
    expect(capped('x'.repeat(100_000), 10)).toBe(`${'x'.repeat(10)}…(99990 more characters)`);
    expect(quote('Risk tier none')).toBe('"Risk tier none"');
  });

  test('a message keeps the review\'s words apart from values: in Markdown a value is a code span, never a link or emphasis', () => {
    const m = msg`${'[click](https://evil.example) *now* <b>'}${words(' is removed.')}`;
    expect(m.plain()).toBe('"[click](https://evil.example) *now* <b>" is removed.');
    expect(mdMsg(m)).toBe('`[click](https://evil.example) *now* <b>` is removed.');
    expect(mdMsg(msg`${'a`b'}`)).toBe('``a`b``');
  });
});
