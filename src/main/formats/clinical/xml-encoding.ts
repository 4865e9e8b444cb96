// The text encoding of an XML file from its first bytes: byte-order mark, then the UTF-16 pattern
// of '<?', then the declaration's encoding="..." (clinical XML comes in UTF-8, UTF-16 with a BOM
// and Latin-1). Returns a WHATWG TextDecoder label, or undefined when the bytes cannot be XML.
export function xmlDecoderLabel(head: Uint8Array): string | undefined {
  const b = head;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 4 && b[0] === 0x3c && b[1] === 0x00 && b[2] !== 0x00) return 'utf-16le';
  if (b.length >= 4 && b[0] === 0x00 && b[1] === 0x3c) return 'utf-16be';
  // Leading white space is tolerated; anything else before '<' is not XML.
  let k = 0;
  while (k < b.length && (b[k] === 0x20 || b[k] === 0x09 || b[k] === 0x0a || b[k] === 0x0d)) k++;
  if (b[k] !== 0x3c) return undefined;
  const decl = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(Buffer.from(b.subarray(k, k + 200)).toString('latin1'));
  const enc = decl?.[1].toLowerCase();
  if (!enc || enc === 'utf8') return 'utf-8';
  try {
    new TextDecoder(enc);
    return enc;
  } catch {
    return undefined;
  }
}
