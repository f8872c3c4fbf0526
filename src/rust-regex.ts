// Whether a pattern compiles under Rust's `regex` crate, the engine Tuwunel uses for appservice namespaces and its regex options.
//
// Rules transcribed from regex-syntax 0.8.11 (the version Tuwunel v1.9.0's Cargo.lock pins, with
// regex 1.13.1): src/ast/parse.rs (parser, default ParserBuilder: octal off, empty_min_range off,
// nest limit 250) and src/hir/translate.rs (Unicode mode on, UTF-8 required, as `Regex` and
// `RegexSet` over `&str` configure it). JavaScript's RegExp accepts patterns Rust rejects
// (look-around, back-references, `\k<name>`, `\Z`, `\cX`, `{,n}`, `[^]`) and the reverse
// (`(?i)`, `[[:alpha:]]`, `a*+`, `\<`), so `new RegExp()` cannot stand in for it.
// Not checked: Unicode property names inside `\p{…}` and the compiled-size limit.

const META = new Set('\\.+*?()|[]{}^$#&-~');
const FLAGS = new Set('imsUuRx');
const ASCII_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const NEST_LIMIT = 250;

interface Flags { readonly x: boolean; readonly u: boolean }
/** What a parsed item is: repetition needs something before it, a range needs literals at both ends. */
type Item = { kind: 'literal'; cp: number } | { kind: 'class' } | { kind: 'assertion' } | { kind: 'other' };

class RustRegexError extends Error {}

/** regex-syntax's is_meta_character / is_escapeable_character (src/lib.rs). */
function isEscapeable(c: string): boolean {
  if (META.has(c)) return true;
  if (c.length !== 1 || c.charCodeAt(0) > 0x7f) return false;
  return !/[0-9A-Za-z<>]/.test(c);
}

function isScalar(cp: number): boolean {
  return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

class Parser {
  private readonly chars: string[];
  private pos = 0;
  private flags: Flags = { x: false, u: true };
  private readonly groups: Flags[] = [];
  private readonly names = new Set<string>();
  private classDepth = 0;

  constructor(pattern: string) {
    this.chars = Array.from(pattern);
  }

  public parse(): void {
    // What a repetition operator would repeat: undefined at the start of a concatenation, 'flags' after `(?i)`.
    let last: 'none' | 'flags' | 'item' = 'none';
    for (;;) {
      this.skipSpace();
      if (this.eof()) break;
      const c = this.char();
      if (c === '(') {
        last = this.openGroup();
      } else if (c === ')') {
        if (this.groups.length === 0) this.fail('unopened group: ")" without "("');
        this.flags = this.groups.pop()!;
        this.pos++;
        last = 'item';
      } else if (c === '|') {
        this.pos++;
        last = 'none';
      } else if (c === '[') {
        this.parseClass();
        last = 'item';
      } else if (c === '?' || c === '*' || c === '+') {
        if (last !== 'item') this.fail(`repetition operator "${c}" has nothing to repeat`);
        this.pos++;
        if (this.char() === '?') this.pos++;
      } else if (c === '{') {
        if (last !== 'item') this.fail('counted repetition "{" has nothing to repeat');
        this.parseCounted();
      } else if (c === '\\') {
        this.parseEscape(false);
        last = 'item';
      } else {
        if (c === '.' && !this.flags.u) this.fail('"." with Unicode mode off can match invalid UTF-8');
        this.pos++;
        last = 'item';
      }
    }
    if (this.groups.length > 0) this.fail('unclosed group: "(" without ")"');
  }

  private eof(): boolean {
    return this.pos >= this.chars.length;
  }

  private char(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private fail(reason: string): never {
    throw new RustRegexError(reason);
  }

  private startsWith(text: string): boolean {
    return this.chars.slice(this.pos, this.pos + text.length).join('') === text;
  }

  /** Under the `x` flag whitespace is insignificant and `#` starts a comment to the end of the line. */
  private skipSpace(): void {
    if (!this.flags.x) return;
    while (!this.eof()) {
      const c = this.char()!;
      if (/\s/u.test(c)) {
        this.pos++;
      } else if (c === '#') {
        while (!this.eof() && this.char() !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private checkNesting(): void {
    if (this.groups.length + this.classDepth > NEST_LIMIT) this.fail(`nesting deeper than ${NEST_LIMIT} levels`);
  }

  /** parse_group (parse.rs:1227): look-around, named and flag groups. */
  private openGroup(): 'flags' | 'none' {
    this.pos++;
    this.skipSpace();
    for (const prefix of ['?=', '?!', '?<=', '?<!']) {
      if (this.startsWith(prefix)) this.fail('look-around (look-ahead and look-behind) is not supported');
    }
    if (this.startsWith('?P<') || this.startsWith('?<')) {
      this.pos += this.startsWith('?P<') ? 3 : 2;
      this.parseCaptureName();
      this.pushGroup(this.flags);
      return 'none';
    }
    if (this.char() === '?') {
      this.pos++;
      if (this.eof()) this.fail('unclosed group');
      const flags = this.parseFlags();
      const end = this.char();
      this.pos++;
      if (end === ')') {
        this.flags = flags;
        return 'flags';
      }
      this.pushGroup(flags);
      return 'none';
    }
    this.pushGroup(this.flags);
    return 'none';
  }

  private pushGroup(inner: Flags): void {
    this.groups.push(this.flags);
    this.flags = inner;
    this.checkNesting();
  }

  /** parse_capture_name (parse.rs:1298) with is_capture_char (parse.rs:111). */
  private parseCaptureName(): void {
    const start = this.pos;
    while (!this.eof() && this.char() !== '>') {
      const c = this.char()!;
      const ok = this.pos === start ? /^[_\p{Alphabetic}]$/u.test(c) : /^[_.[\]\p{Alphabetic}\p{N}]$/u.test(c);
      if (!ok) this.fail(`invalid character ${JSON.stringify(c)} in capture group name`);
      this.pos++;
    }
    if (this.eof()) this.fail('unclosed capture group name');
    const name = this.chars.slice(start, this.pos).join('');
    this.pos++;
    if (name === '') this.fail('empty capture group name');
    if (this.names.has(name)) this.fail(`duplicate capture group name "${name}"`);
    this.names.add(name);
  }

  /** parse_flags / parse_flag (parse.rs:1359, 1411): i m s U u R x, with "-" negating. */
  private parseFlags(): Flags {
    let { x, u } = this.flags;
    const seen = new Set<string>();
    let negate = false;
    let items = 0;
    let lastWasNegation = false;
    while (this.char() !== ':' && this.char() !== ')') {
      const c = this.char()!;
      if (c === '-') {
        if (negate) this.fail('flag negation "-" repeated');
        negate = true;
        lastWasNegation = true;
      } else {
        if (!FLAGS.has(c)) this.fail(`unrecognized flag ${JSON.stringify(c)} (Rust knows i, m, s, U, u, R, x; "(?>", "(?#" and "(?'" are not supported)`);
        if (seen.has(c)) this.fail(`duplicate flag "${c}"`);
        seen.add(c);
        if (c === 'x') x = !negate;
        if (c === 'u') u = !negate;
        lastWasNegation = false;
      }
      items++;
      this.pos++;
      if (this.eof()) this.fail('unclosed flag group');
    }
    if (lastWasNegation) this.fail('flag negation "-" without a flag after it');
    if (items === 0 && this.char() === ')') this.fail('empty flag group "(?)"');
    return { x, u };
  }

  /** parse_counted_repetition (parse.rs:1103): {n}, {n,} and {n,m}; {,m} is an error. */
  private parseCounted(): void {
    this.pos++;
    this.skipSpace();
    if (this.eof()) this.fail('unclosed counted repetition');
    const min = this.parseDecimal();
    if (this.eof()) this.fail('unclosed counted repetition');
    let max: number | undefined = min;
    if (this.char() === ',') {
      this.pos++;
      this.skipSpace();
      if (this.eof()) this.fail('unclosed counted repetition');
      if (this.char() === '}') {
        max = undefined;
        if (min === undefined) this.fail('counted repetition "{,}" needs a minimum');
      } else {
        if (min === undefined) this.fail('counted repetition "{,n}" needs a minimum (write {0,n})');
        max = this.parseDecimal();
        if (max === undefined) this.fail('counted repetition expects a decimal number');
      }
    } else if (min === undefined) {
      this.fail('counted repetition expects a decimal number');
    }
    if (this.eof() || this.char() !== '}') this.fail('unclosed counted repetition');
    this.pos++;
    this.skipSpace();
    if (this.char() === '?') this.pos++;
    if (max !== undefined && min! > max) this.fail(`invalid counted repetition: minimum ${min} exceeds maximum ${max}`);
  }

  private parseDecimal(): number | undefined {
    this.skipSpace();
    let digits = '';
    while (!this.eof() && /[0-9]/.test(this.char()!)) {
      digits += this.char();
      this.pos++;
      this.skipSpace();
    }
    if (digits === '') return undefined;
    const value = Number(digits);
    if (value > 0xffffffff) this.fail(`repetition count ${digits} does not fit in 32 bits`);
    return value;
  }

  /** parse_escape (parse.rs:1479). */
  private parseEscape(inClass: boolean): Item {
    this.pos++;
    if (this.eof()) this.fail('incomplete escape sequence at the end');
    const c = this.char()!;
    if (/[0-9]/.test(c)) this.fail(`back-references (and octal escapes) such as "\\${c}" are not supported`);
    if (c === 'x' || c === 'u' || c === 'U') return this.parseHex(c);
    if (c === 'p' || c === 'P') {
      this.parseUnicodeClass();
      return { kind: 'class' };
    }
    this.pos++;
    if ('dswDSW'.includes(c)) {
      if (!this.flags.u && 'DSW'.includes(c)) this.fail(`"\\${c}" with Unicode mode off can match invalid UTF-8`);
      return { kind: 'class' };
    }
    if (isEscapeable(c)) return { kind: 'literal', cp: c.codePointAt(0)! };
    const special: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (special[c] !== undefined) return { kind: 'literal', cp: special[c] };
    if ('AzbB<>'.includes(c)) {
      if (inClass) this.fail(`"\\${c}" is an assertion and not allowed inside a character class`);
      if (c === 'b' && this.char() === '{' && /[A-Za-z-]/.test(this.char(1) ?? '')) this.parseSpecialWordBoundary();
      return { kind: 'assertion' };
    }
    return this.fail(`unrecognized escape sequence "\\${c}"${c === 'Z' ? ' (Rust has \\z, not \\Z)' : ''}${c === 'k' ? ' (named back-references are not supported)' : ''}`);
  }

  /** maybe_parse_special_word_boundary (parse.rs): \b{start}, \b{end}, \b{start-half}, \b{end-half}. */
  private parseSpecialWordBoundary(): void {
    this.pos++;
    let word = '';
    while (!this.eof() && /[A-Za-z-]/.test(this.char()!)) word += this.chars[this.pos++];
    if (this.char() !== '}') this.fail('unclosed special word boundary "\\b{"');
    this.pos++;
    if (!['start', 'end', 'start-half', 'end-half'].includes(word)) this.fail(`unrecognized special word boundary "\\b{${word}}"`);
  }

  /** parse_hex / parse_hex_digits / parse_hex_brace (parse.rs:1713-1841). */
  private parseHex(kind: string): Item {
    this.pos++;
    if (this.eof()) this.fail(`incomplete "\\${kind}" escape`);
    let hex = '';
    if (this.char() === '{') {
      this.pos++;
      while (!this.eof() && this.char() !== '}') {
        if (!/[0-9A-Fa-f]/.test(this.char()!)) this.fail(`invalid hexadecimal digit in "\\${kind}{…}"`);
        hex += this.chars[this.pos++];
      }
      if (this.eof()) this.fail(`unclosed "\\${kind}{"`);
      this.pos++;
      if (hex === '') this.fail(`empty "\\${kind}{}" escape`);
    } else {
      const digits = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
      for (let i = 0; i < digits; i++) {
        if (this.eof()) this.fail(`incomplete "\\${kind}" escape: it takes ${digits} hexadecimal digits`);
        if (!/[0-9A-Fa-f]/.test(this.char()!)) this.fail(`"\\${kind}" takes ${digits} hexadecimal digits or a braced value`);
        hex += this.chars[this.pos++];
      }
    }
    const cp = hex.length > 8 ? Infinity : parseInt(hex, 16);
    if (!isScalar(cp)) this.fail(`"\\${kind}" escape ${hex} is not a Unicode scalar value`);
    if (kind === 'x' && cp > 0x7f && !this.flags.u) this.fail(`"\\x${hex}" with Unicode mode off can match invalid UTF-8`);
    return { kind: 'literal', cp };
  }

  /** parse_unicode_class (parse.rs:2167); property names are checked at translation, not here. */
  private parseUnicodeClass(): void {
    if (!this.flags.u) this.fail('Unicode classes "\\p" / "\\P" are not allowed with Unicode mode off');
    this.pos++;
    if (this.eof()) this.fail('incomplete "\\p" escape');
    if (this.char() === '{') {
      const start = this.pos + 1;
      while (!this.eof() && this.char() !== '}') this.pos++;
      if (this.eof()) this.fail('unclosed "\\p{"');
      if (this.pos === start) this.fail('empty Unicode class "\\p{}"');
      this.pos++;
    } else {
      if (this.char() === '\\') this.fail('invalid Unicode class "\\p\\"');
      this.pos++;
    }
  }

  /** parse_set_class and friends (parse.rs:1877-2160): nesting, && -- ~~, [:ascii:] classes and ranges. */
  private parseClass(): void {
    this.pos++;
    this.classDepth++;
    this.checkNesting();
    this.skipSpace();
    if (this.eof()) this.fail('unclosed character class');
    const negated = this.char() === '^';
    if (negated) {
      this.pos++;
      this.skipSpace();
    }
    if (negated && !this.flags.u) this.fail('a negated class with Unicode mode off can match invalid UTF-8');
    let items = 0;
    while (this.char() === '-') {
      this.pos++;
      this.skipSpace();
      items++;
    }
    if (items === 0 && this.char() === ']') {
      // A "]" right after "[" or "[^" is a literal: "[]" and "[^]" are unclosed, unlike JavaScript.
      this.pos++;
      this.skipSpace();
    }
    for (;;) {
      this.skipSpace();
      if (this.eof()) this.fail('unclosed character class (Rust reads "]" right after "[" or "[^" as a literal)');
      const c = this.char();
      if (c === '[') {
        if (!this.parseAsciiClass()) this.parseClass();
      } else if (c === ']') {
        this.pos++;
        this.classDepth--;
        return;
      } else if ((c === '&' || c === '-' || c === '~') && this.char(1) === c) {
        this.pos += 2;
      } else {
        this.parseClassRange();
      }
    }
  }

  private parseAsciiClass(): boolean {
    const match = /^\[:(\^?)([a-z]+):\]/.exec(this.chars.slice(this.pos, this.pos + 12).join(''));
    if (!match || !ASCII_CLASSES.has(match[2])) return false;
    if (match[1] && !this.flags.u) this.fail('a negated ASCII class with Unicode mode off can match invalid UTF-8');
    this.pos += match[0].length;
    return true;
  }

  private parseClassItem(): Item {
    if (this.char() === '\\') return this.parseEscape(true);
    const cp = this.char()!.codePointAt(0)!;
    this.pos++;
    if (cp > 0x7f && !this.flags.u) this.fail('a non-ASCII character in a class with Unicode mode off is not allowed');
    return { kind: 'literal', cp };
  }

  /** parse_set_class_range (parse.rs:1944): "a-z" needs literals at both ends, in order. */
  private parseClassRange(): void {
    const first = this.parseClassItem();
    this.skipSpace();
    if (this.eof()) this.fail('unclosed character class');
    if (this.char() !== '-' || this.peekAfterSpace(1) === ']' || this.peekAfterSpace(1) === '-') return;
    this.pos++;
    this.skipSpace();
    if (this.eof()) this.fail('unclosed character class');
    const second = this.parseClassItem();
    if (first.kind !== 'literal' || second.kind !== 'literal') this.fail('a class range must have a literal at both ends');
    if (first.cp > second.cp) this.fail(`invalid class range: ${String.fromCodePoint(first.cp)} comes after ${String.fromCodePoint(second.cp)}`);
  }

  private peekAfterSpace(offset: number): string | undefined {
    let i = this.pos + offset;
    while (this.flags.x && i < this.chars.length && /\s/u.test(this.chars[i])) i++;
    return this.chars[i];
  }
}

/**
 * Why Rust's `regex` crate (default syntax, Unicode mode, as Tuwunel compiles appservice namespaces)
 * would refuse the pattern, or undefined when it compiles.
 */
export function rustRegexProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string') return 'is not a string';
  try {
    new Parser(pattern).parse();
    return undefined;
  } catch (error) {
    if (error instanceof RustRegexError) return error.message;
    throw error;
  }
}
