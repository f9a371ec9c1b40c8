/** The escaping rules of search values: `\,` `\$` `\|` `\\` are literal characters; bare `,` `$` `|` separate. */

/** Splits on unescaped `separator`, keeping the escapes in each part (they are removed by `unescapeValue`). */
export function splitUnescaped(value: string, separator: ',' | '|' | '$'): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[++i];
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Comma = OR: the alternatives of one parameter. */
export function splitValues(value: string): string[] {
  return splitUnescaped(value, ',');
}

export function unescapeValue(value: string): string {
  return value.replace(/\\([\\,$|])/g, '$1');
}

/** `system|code` on the first unescaped bar; no bar → only a code. Both parts unescaped. */
export function splitSystem(value: string): { system?: string; code: string } {
  const parts = splitUnescaped(value, '|');
  if (parts.length === 1) return { code: unescapeValue(value) };
  return { system: unescapeValue(parts[0]), code: unescapeValue(parts.slice(1).join('|')) };
}
