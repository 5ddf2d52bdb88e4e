/**
 * A small strict XML parser for the tests: it throws on anything that is not well-formed
 * (unescaped & or <, unknown entities, mismatched or unclosed tags, duplicate or unquoted
 * attributes, several roots, text outside the root), and returns the element tree.
 * No DTDs, no CDATA (the plots use neither).
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
  readonly parent: XmlElement | null;
}

export type XmlNode = XmlElement | string;

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;&<]*);|&|</g, (match, body: string | undefined, offset: number) => {
    if (match === '<') throw new Error(`'<' in text or attribute at ${where + offset}`);
    if (body === undefined) throw new Error(`bare '&' at ${where + offset}`);
    if (body in ENTITIES) return ENTITIES[body];
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!num) throw new Error(`unknown entity &${body}; at ${where + offset}`);
    const code = num[1] ? parseInt(num[1], 16) : parseInt(num[2], 10);
    if (!isXmlChar(code)) throw new Error(`character reference &${body}; at ${where + offset} is not an XML character`);
    return String.fromCodePoint(code);
  });
}

/** XML 1.0's Char production: anything else makes a document not well-formed, even as a character reference. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function checkChars(text: string, what: string): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    if (!isXmlChar(code)) throw new Error(`${what}: character U+${code.toString(16).toUpperCase().padStart(4, '0')} at ${i} is not allowed in XML`);
    if (code > 0xffff) i++;
  }
}

export function parseXml(source: string): XmlElement {
  checkChars(source, 'document');
  let i = 0;
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${i}: ${JSON.stringify(source.slice(i, i + 40))}`);
  };
  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  while (i < source.length) {
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment');
      if (source.slice(i + 4, end).includes('--')) fail("'--' inside a comment");
      i = end + 3;
      continue;
    }
    if (source.startsWith('<!', i) || source.startsWith('<?', i)) fail('unsupported markup');
    if (source.startsWith('</', i)) {
      i += 2;
      const m = NAME.exec(source.slice(i));
      if (!m) fail('bad end tag');
      const name = (m as RegExpExecArray)[0];
      i += name.length;
      while (/\s/.test(source[i] ?? '')) i++;
      if (source[i] !== '>') fail('bad end tag');
      i++;
      const open = stack.pop();
      if (!open) fail(`end tag </${name}> with nothing open`);
      if ((open as XmlElement).name !== name) fail(`end tag </${name}> closes <${(open as XmlElement).name}>`);
      continue;
    }
    if (source[i] === '<') {
      i++;
      const m = NAME.exec(source.slice(i));
      if (!m) fail('bad start tag');
      const name = (m as RegExpExecArray)[0];
      i += name.length;
      const attrs: Record<string, string> = {};
      for (;;) {
        const spaceStart = i;
        while (/\s/.test(source[i] ?? '')) i++;
        if (source.startsWith('/>', i) || source[i] === '>') break;
        if (i === spaceStart) fail('attributes must be separated by space');
        const a = NAME.exec(source.slice(i));
        if (!a) fail('bad attribute name');
        const attr = (a as RegExpExecArray)[0];
        i += attr.length;
        while (/\s/.test(source[i] ?? '')) i++;
        if (source[i] !== '=') fail(`attribute ${attr} has no value`);
        i++;
        while (/\s/.test(source[i] ?? '')) i++;
        const quote = source[i];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attr} is not quoted`);
        const end = source.indexOf(quote, i + 1);
        if (end < 0) fail('unterminated attribute value');
        if (attr in attrs) fail(`duplicate attribute ${attr}`);
        attrs[attr] = decode(source.slice(i + 1, end), i + 1);
        i = end + 1;
      }
      const parent = stack.length ? stack[stack.length - 1] : null;
      const element: XmlElement = { name, attrs, children: [], parent };
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (source.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(element);
      }
      continue;
    }
    const next = source.indexOf('<', i);
    const end = next < 0 ? source.length : next;
    const raw = source.slice(i, end);
    const content = decode(raw, i);
    if (stack.length) stack[stack.length - 1].children.push(content);
    else if (content.trim() !== '') fail('text outside the root element');
    i = end;
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under (and including) `node`, document order. */
export function allElements(node: XmlElement): XmlElement[] {
  const out: XmlElement[] = [node];
  for (const child of node.children) if (typeof child !== 'string') out.push(...allElements(child));
  return out;
}

/** The class list of an element. */
export function classes(node: XmlElement): string[] {
  return (node.attrs.class ?? '').split(/\s+/).filter(Boolean);
}

/** Elements matching a tiny selector: `name`, `.class`, `name.class`, `.a.b` (all classes required). */
export function select(node: XmlElement, selector: string): XmlElement[] {
  const [name, ...wanted] = selector.split('.');
  return allElements(node).filter((e) => (name === '' || e.name === name) && wanted.every((c) => classes(e).includes(c)));
}

/** The concatenated text of an element and its descendants. */
export function textContent(node: XmlElement): string {
  return node.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}

/** The nearest ancestor (or self) with the class. */
export function closest(node: XmlElement, cls: string): XmlElement | null {
  for (let e: XmlElement | null = node; e; e = e.parent) if (classes(e).includes(cls)) return e;
  return null;
}
