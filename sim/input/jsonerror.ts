/**
 * Turns a JSON.parse failure into one printable line: "line L, column C: <what>". V8's own
 * message quotes the input around the error, which may hold newlines or binary bytes; this
 * scanner (run only after JSON.parse failed, linear, no recursion) finds the position itself.
 */

export function describeJsonError(text: string): string {
  const { pos, what } = locate(text);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${pos - lineStart + 1}: ${what}`;
}

/** A character as it may be printed: JSON-quoted when printable ASCII, else its code. */
export function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return JSON.stringify(c);
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

const WS: ReadonlySet<string> = new Set([' ', '\t', '\n', '\r']);

function locate(text: string): { pos: number; what: string } {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const n = text.length;
  const skip = () => {
    while (i < n && WS.has(text[i])) i++;
  };
  const bad = (what?: string) => {
    if (i >= n) return { pos: i, what: 'unexpected end of the file' };
    const c = text[i];
    let hint = '';
    if (text.startsWith('NaN', i) || text.startsWith('Infinity', i) || text.startsWith('-Infinity', i)) hint = ' (JSON has no NaN or Infinity; write a number)';
    else if (c === "'") hint = ' (JSON strings use double quotes)';
    else if (c === '}' || c === ']') hint = ' (a trailing comma?)';
    else if (c === '/') hint = ' (JSON has no comments)';
    return { pos: i, what: `${what ?? 'unexpected character'} ${showChar(c)}${hint}` };
  };
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      i += c === 92 ? 2 : 1;
    }
    return false;
  };
  // expect: 'value' | 'key' | 'after' (a value ended: comma, closer or end)
  let expect: 'value' | 'key' | 'firstKey' | 'firstValue' | 'after' = 'value';
  for (;;) {
    skip();
    if (expect === 'after') {
      const top = stack[stack.length - 1];
      if (!top) return i < n ? bad('unexpected text after the JSON value:') : { pos: i, what: 'no error found' };
      if (text[i] === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if ((top === '{' && text[i] === '}') || (top === '[' && text[i] === ']')) {
        i++;
        stack.pop();
      } else return bad(`expected "," or "${top === '{' ? '}' : ']'}", got`);
      continue;
    }
    if (expect === 'key' || expect === 'firstKey') {
      if (expect === 'firstKey' && text[i] === '}') {
        i++;
        stack.pop();
        expect = 'after';
        continue;
      }
      if (text[i] !== '"') return bad('expected a double-quoted field name, got');
      const at = i;
      if (!str()) return { pos: at, what: 'unterminated string or a control character in it' };
      skip();
      if (text[i] !== ':') return bad('expected ":" after the field name, got');
      i++;
      expect = 'value';
      continue;
    }
    // a value
    if (i >= n) return bad();
    const c = text[i];
    if (expect === 'firstValue' && c === ']') {
      i++;
      stack.pop();
      expect = 'after';
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      expect = c === '{' ? 'firstKey' : 'firstValue';
      continue;
    }
    if (c === '"') {
      const at = i;
      if (!str()) return { pos: at, what: 'unterminated string or a control character in it' };
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
      m.lastIndex = 0;
      const rest = text.slice(i, i + 400);
      const hit = m.exec(rest);
      if (!hit || hit[0] === '' || hit[0] === '-') return bad('expected a value, got');
      i += hit[0].length;
    }
    expect = 'after';
  }
}
