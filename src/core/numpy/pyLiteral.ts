/** Python's `repr()` of str and bytes: the quotes and escapes Python itself prints. */

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function quoteFor(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

const hex = (c: number, digits: number) => c.toString(16).padStart(digits, '0');

/** `repr(s)`: 'abc', "it's", 'tab\t', '\x00', 'é' (printable non-ASCII stays). */
export function pyStrRepr(s: string): string {
  const q = quoteFor(s.includes("'"), s.includes('"'));
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === ' ' || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (c <= 0xff) out += `\\x${hex(c, 2)}`;
    else if (c <= 0xffff) out += `\\u${hex(c, 4)}`;
    else out += `\\U${hex(c, 8)}`;
  }
  return out + q;
}

/** `repr(b)`: b'abc', b'\x00\xff'. */
export function pyBytesRepr(b: Uint8Array): string {
  const q = quoteFor(b.includes(0x27), b.includes(0x22));
  let out = `b${q}`;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += `\\x${hex(c, 2)}`;
  }
  return out + q;
}

/** A string of UCS-4 code points as numpy's `<U` holds them; invalid ones become U+FFFD. */
export function fromCodePoints(codes: readonly number[]): string {
  let s = '';
  for (const c of codes) {
    s += c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : c <= 0x10ffff ? String.fromCodePoint(c) : '\ufffd';
  }
  return s;
}
