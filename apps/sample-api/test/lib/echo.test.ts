import { MAX_ECHO_LENGTH, quote, shorten } from '../../src/lib/echo';

describe('shorten', () => {
  test('keeps a short value as it is', () => {
    expect(shorten('Library')).toBe('Library');
    expect(shorten('x'.repeat(MAX_ECHO_LENGTH))).toBe('x'.repeat(MAX_ECHO_LENGTH));
  });

  test('cuts a long value to a prefix with an ellipsis', () => {
    // Prepare
    const value = 'f'.repeat(16_000);
    // Act
    const shown = shorten(value);
    // Assess
    expect(shown).toBe(`${'f'.repeat(MAX_ECHO_LENGTH)}…`);
  });

  test('counts characters, so it never cuts an emoji in half', () => {
    expect(shorten('😀'.repeat(50), 3)).toBe('😀😀😀…');
  });

  test('writes invisible characters (controls, zero-width, bidi, lone surrogates) as \\u{…}, within the limit', () => {
    expect(shorten('a\u200Bb\u202Ec\nd\uD800')).toBe('a\\u{200B}b\\u{202E}c\\u{A}d\\u{D800}');
    expect(shorten('\u200B'.repeat(100), 20)).toBe('\\u{200B}\\u{200B}…');
  });
});

describe('quote', () => {
  test('shortens and puts the value in single quotes', () => {
    expect(quote('x'.repeat(500))).toBe(`'${'x'.repeat(MAX_ECHO_LENGTH)}…'`);
    expect(quote('Library')).toBe("'Library'");
  });
});
