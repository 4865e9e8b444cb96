// Streams an XML file through a SAX parser (saxes) in 1 MB blocks, so memory stays at one block
// plus whatever the handler keeps: a Holter-length aECG or MUSE file is never held whole as text
// or as a tree. The one thing that is held whole is a single text node (one lead's digits or
// base64 data), which the handler asks for by returning true from `open` (`wantText`).
import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { printable } from '../printable.js';
import { FormatError } from '../types.js';
import { xmlDecoderLabel } from './xml-encoding.js';

export interface XmlHandler {
  /** An element starts; `path` holds the local names of its ancestors and itself. Return true to receive its text. */
  open(name: string, attrs: Readonly<Record<string, string>>, path: readonly string[]): boolean | void;
  /** The text content of an element `open` asked for (all its text and CDATA, concatenated). */
  text?(name: string, text: string, path: readonly string[]): void;
  close?(name: string, path: readonly string[]): void;
}

const BLOCK = 1 << 20;

function localName(qname: string): string {
  const k = qname.indexOf(':');
  return k < 0 ? qname : qname.slice(k + 1);
}

/** Parses the whole file; XML errors (not well-formed, truncated) become FormatError 'xml'. */
export async function streamXml(path: string, handler: XmlHandler): Promise<void> {
  const file = await open(path, 'r');
  try {
    const path_: string[] = [];
    // Text is collected only for the innermost element that asked for it.
    let collecting = -1;
    let parts: string[] = [];
    const parser = new SaxesParser({ xmlns: false, position: true });
    parser.on('opentag', (tag) => {
      const name = localName(tag.name);
      path_.push(name);
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(tag.attributes)) attrs[localName(k)] = String(v);
      if (handler.open(name, attrs, path_) === true) {
        collecting = path_.length;
        parts = [];
      }
    });
    const onText = (t: string): void => {
      if (collecting >= 0 && path_.length >= collecting) parts.push(t);
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (tag) => {
      const name = localName(tag.name);
      if (collecting === path_.length) {
        handler.text?.(name, parts.join(''), path_);
        collecting = -1;
        parts = [];
      }
      handler.close?.(name, path_);
      path_.pop();
    });
    parser.on('error', (err) => {
      throw err;
    });

    const buf = Buffer.alloc(BLOCK);
    let decoder: TextDecoder | undefined;
    let offset = 0;
    try {
      for (;;) {
        const { bytesRead } = await file.read(buf, 0, BLOCK, offset);
        if (bytesRead === 0) break;
        if (!decoder) {
          const label = xmlDecoderLabel(buf.subarray(0, bytesRead));
          if (!label) throw new FormatError('xml', `${path}: not an XML file`);
          decoder = new TextDecoder(label);
        }
        offset += bytesRead;
        parser.write(decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
      }
      if (!decoder) throw new FormatError('xml', `${path}: empty file`);
      parser.write(decoder.decode());
      parser.close();
    } catch (err) {
      if (err instanceof FormatError) throw err;
      const why = printable((err as Error).message.split('\n')[0], 160);
      // saxes reports a file that stops early as unclosed tags at close().
      if (/unclosed|unexpected end/i.test(why)) throw new FormatError('truncated', `${path}: truncated XML (${why})`);
      throw new FormatError('xml', `${path}: not well-formed XML (${why})`);
    }
  } finally {
    await file.close();
  }
}
