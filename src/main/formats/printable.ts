// Text taken from a file, as an error message may show it: a damaged file can put control
// characters, line breaks or kilobytes of bytes where a name or a number belongs.

/** Control characters and line separators escaped (`\x07`), cut to `max` characters. */
export function printable(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const s = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
