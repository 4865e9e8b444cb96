// XML bytes to text: Philips carts write UTF-8, UTF-16 (LE with a byte-order mark, as
// PageWriter/TraceMasterVue do) and sometimes declare Latin-1.
export function decodeXmlText(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return new TextDecoder('utf-8').decode(buf.subarray(3));
  // UTF-16 without a byte-order mark still starts with '<' and a NUL.
  if (buf.length >= 2 && buf[0] === 0x3c && buf[1] === 0) return new TextDecoder('utf-16le').decode(buf);
  if (buf.length >= 2 && buf[0] === 0 && buf[1] === 0x3c) return new TextDecoder('utf-16be').decode(buf);
  const head = Buffer.from(buf.subarray(0, 200)).toString('latin1');
  const declared = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|latin-?1|windows-1252|us-ascii)$/.test(declared)) return Buffer.from(buf).toString('latin1');
  return new TextDecoder('utf-8').decode(buf);
}
