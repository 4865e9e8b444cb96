// Small typed accessors over fast-xml-parser's object tree (elements as objects, attributes as
// '@_name', text as '#text'), so the reader never indexes `unknown` by hand.
import { XMLParser } from 'fast-xml-parser';

export type XmlNode = { readonly [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
});

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

function isNode(x: unknown): x is XmlNode {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** All children named `name` (repeated elements come back as arrays). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const v = node?.[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  // An element with only text parses as a string; wrap it so callers see one shape.
  return list.map((x) => (isNode(x) ? x : { '#text': x === null || x === undefined ? '' : String(x) }));
}

export function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let cur = node;
  for (const name of path) cur = children(cur, name)[0];
  return cur;
}

/** Text content of the element at `path` ('' when absent or empty). */
export function text(node: XmlNode | undefined, ...path: string[]): string {
  const n = path.length ? child(node, ...path) : node;
  const t = n?.['#text'];
  return t === undefined || t === null ? '' : String(t).trim();
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return v === undefined || v === null ? undefined : String(v).trim();
}
