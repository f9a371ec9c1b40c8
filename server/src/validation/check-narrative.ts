/**
 * Narrative.div (R4 narrative.html, txt-1, txt-2): well-formed XML, one `div` root in the XHTML namespace, only
 * the basic HTML formatting elements and attributes R4 allows (HTML 4.0 chapters 7-11 and 15, a, img), no active
 * content (script, event attributes, javascript: links), no entities but XML's five (no DTD, so `&reg;` is
 * undefined), and some non-whitespace content. A small strict tokenizer: no DOM, no dependency.
 */

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

// The element and attribute lists of the R4 reference validator's narrative check.
const ELEMENTS = new Set([
  'p', 'br', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'span', 'b', 'em', 'i', 'strong', 'small', 'big', 'tt',
  'dfn', 'q', 'var', 'abbr', 'acronym', 'cite', 'blockquote', 'hr', 'address', 'bdo', 'kbd', 'sub', 'sup', 'ul', 'ol',
  'li', 'dl', 'dt', 'dd', 'pre', 'table', 'caption', 'colgroup', 'col', 'thead', 'tr', 'tfoot', 'tbody', 'th', 'td',
  'code', 'samp', 'img', 'map', 'area',
]);
const ATTRIBUTES = new Set([
  'title', 'style', 'class', 'id', 'lang', 'xml:lang', 'dir', 'accesskey', 'tabindex',
  'span', 'width', 'align', 'valign', 'char', 'charoff', 'abbr', 'axis', 'headers', 'scope', 'rowspan', 'colspan',
]);
const ELEMENT_ATTRIBUTES = new Set([
  'a.href', 'a.name', 'a.charset', 'a.type', 'a.hreflang', 'a.rel', 'a.rev', 'a.shape', 'a.coords', 'img.src', 'img.alt',
  'img.longdesc', 'img.height', 'img.width', 'img.usemap', 'img.ismap', 'img.border', 'map.name', 'area.shape',
  'area.coords', 'area.href', 'area.nohref', 'area.alt', 'table.summary', 'table.width', 'table.border', 'table.frame',
  'table.rules', 'table.cellspacing', 'table.cellpadding', 'pre.space', 'td.nowrap', 'blockquote.cite', 'q.cite',
]);
const XML_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);
const NAME = /^[A-Za-z_][\w.:-]*/;

/** The problems of a narrative div, each a sentence; empty when it is valid. */
export function checkNarrativeXhtml(div: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let hasContent = false;
  let i = 0;
  const fail = (message: string) => {
    problems.push(message);
  };
  while (i < div.length && problems.length === 0) {
    if (div[i] !== '<') {
      const end = div.indexOf('<', i);
      const text = div.slice(i, end < 0 ? div.length : end);
      if (stack.length === 0 && text.trim()) fail('Text outside the root div element');
      checkEntities(text, fail);
      if (text.trim()) hasContent = true;
      i = end < 0 ? div.length : end;
    } else if (div.startsWith('<!--', i)) {
      const end = div.indexOf('-->', i + 4);
      if (end < 0) fail('Unterminated comment');
      i = end < 0 ? div.length : end + 3;
    } else if (div.startsWith('<![CDATA[', i)) {
      const end = div.indexOf(']]>', i);
      if (end < 0 || stack.length === 0) fail('Unterminated or misplaced CDATA section');
      if (div.slice(i + 9, end).trim()) hasContent = true;
      i = end < 0 ? div.length : end + 3;
    } else if (div.startsWith('<?', i) || div.startsWith('<!', i)) {
      fail('Processing instructions and DOCTYPE declarations are not allowed in a narrative');
    } else if (div.startsWith('</', i)) {
      const name = NAME.exec(div.slice(i + 2))?.[0];
      const close = div.indexOf('>', i);
      if (!name || close < 0 || div.slice(i + 2 + name.length, close).trim()) fail('Malformed end tag');
      else if (stack.pop() !== name) fail(`End tag </${name}> does not match the open element`);
      i = close < 0 ? div.length : close + 1;
    } else {
      const tag = readStartTag(div, i, fail);
      if (!tag) break;
      if (stack.length === 0 && ++roots > 1) fail('A narrative has one root div element');
      checkElement(tag, stack.length === 0, fail);
      if (tag.name === 'img') hasContent = true;
      if (!tag.selfClosing) stack.push(tag.name);
      i = tag.end;
    }
  }
  if (problems.length === 0 && stack.length > 0) fail(`Element <${stack[stack.length - 1]}> is not closed`);
  if (problems.length === 0 && roots === 0) fail('The narrative has no div element');
  if (problems.length === 0 && !hasContent) fail('The narrative has no non-whitespace content (txt-2)');
  return problems;
}

interface StartTag {
  name: string;
  attributes: Map<string, string>;
  selfClosing: boolean;
  end: number;
}

function readStartTag(div: string, start: number, fail: (m: string) => void): StartTag | undefined {
  const name = NAME.exec(div.slice(start + 1))?.[0];
  if (!name) {
    fail('A "<" that does not start a tag must be written &lt;');
    return undefined;
  }
  const attributes = new Map<string, string>();
  const attribute = /\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')|\s*(\/?>)/y;
  attribute.lastIndex = start + 1 + name.length;
  for (;;) {
    const m = attribute.exec(div);
    if (!m) {
      fail(`Malformed start tag <${name}>`);
      return undefined;
    }
    if (m[5]) return { name, attributes, selfClosing: m[5] === '/>', end: attribute.lastIndex };
    if (attributes.has(m[1])) {
      fail(`Attribute ${m[1]} appears twice on <${name}>`);
      return undefined;
    }
    const value = m[3] ?? m[4] ?? '';
    checkEntities(value, fail);
    attributes.set(m[1], value);
  }
}

function checkElement(tag: StartTag, isRoot: boolean, fail: (m: string) => void): void {
  if (isRoot && (tag.name !== 'div' || tag.attributes.get('xmlns') !== XHTML_NS)) {
    fail(`The root element must be a div in the XHTML namespace (<div xmlns="${XHTML_NS}">)`);
  }
  if (!ELEMENTS.has(tag.name)) fail(`Element <${tag.name}> is not allowed in a narrative`);
  for (const [name, value] of tag.attributes) {
    const allowed = name === 'xmlns' || name.startsWith('xmlns:') || ATTRIBUTES.has(name) || ELEMENT_ATTRIBUTES.has(`${tag.name}.${name}`);
    if (!allowed) fail(`Attribute ${name} is not allowed on <${tag.name}> in a narrative`);
    if ((name === 'href' || name === 'src') && /^\s*(javascript|vbscript):/i.test(value)) fail(`Active content in ${name} of <${tag.name}>`);
  }
}

function checkEntities(text: string, fail: (m: string) => void): void {
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', amp + 1)) {
    const m = /^&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);/.exec(text.slice(amp, amp + 40));
    if (!m) {
      fail('A "&" that does not start a character reference must be written &amp;');
      return;
    }
    const ref = m[1];
    if (ref.startsWith('#')) {
      const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) fail(`Character reference &${ref}; is not an XML character`);
    } else if (!XML_ENTITIES.has(ref)) {
      fail(`Entity &${ref}; is not defined in XHTML narrative (only &lt; &gt; &amp; &quot; &apos; or a numeric reference such as &#174;)`);
    }
  }
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}
