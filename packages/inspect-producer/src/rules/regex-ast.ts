/**
 * Reads a rule-set pattern (a JavaScript `u`-mode regular expression inside the contract's portable
 * subset) into a small syntax tree. Two consumers share it, so they can never read a pattern
 * differently: portable-regex.ts writes the tree back out as a PostgreSQL ARE, and linear-regex.ts
 * matches it in linear time.
 */

export class UnportablePatternError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnportablePatternError';
  }
}

/** The characters JavaScript's `\s` matches (ECMAScript WhiteSpace and LineTerminator). */
export const JS_WHITESPACE_CODE_POINTS: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
/** What `.` excludes without the `s` flag: the line terminators. */
export const LINE_TERMINATORS: readonly number[] = [0x0a, 0x0d, 0x2028, 0x2029];

/** A class escape: `\d`, `\w` or `\s`, possibly negated (`\D`, `\W`, `\S`). */
export type ClassEscape = { readonly name: 'd' | 'w' | 's'; readonly negated: boolean };

/** One member of a bracket expression. */
export type ClassItem =
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'escape'; readonly escape: ClassEscape };

export type RegexNode =
  /** One literal character; `escaped` when the pattern wrote it as an escape (`\.`, `\x41`). */
  | { readonly kind: 'char'; readonly codePoint: number; readonly escaped: boolean }
  | { readonly kind: 'dot' }
  | { readonly kind: 'escape'; readonly escape: ClassEscape }
  | { readonly kind: 'class'; readonly negated: boolean; readonly items: readonly ClassItem[] }
  | { readonly kind: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly options: readonly RegexNode[] }
  | { readonly kind: 'group'; readonly capture: boolean; readonly node: RegexNode }
  | { readonly kind: 'look'; readonly negated: boolean; readonly node: RegexNode }
  | {
      readonly kind: 'repeat';
      readonly node: RegexNode;
      readonly min: number;
      /** null: unbounded. */
      readonly max: number | null;
      /** The quantifier as written (`*`, `+?`, `{2,5}`): kept so the translation reads like the original. */
      readonly text: string;
    }
  | { readonly kind: 'start' }
  | { readonly kind: 'end' };

/** PostgreSQL refuses repetition bounds above 255 (RE_DUP_MAX). */
export const MAX_REPEAT = 255;
const SYNTAX_CHARACTERS = new Set([
  '^',
  '$',
  '\\',
  '.',
  '*',
  '+',
  '?',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '|',
  '/',
  '-',
]);

/**
 * Parses `pattern`, or throws an UnportablePatternError: when JavaScript itself refuses it, or when
 * it uses a construct with no identical meaning in PostgreSQL.
 */
export function parseRegex(pattern: string): RegexNode {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    // The parser relies on JavaScript's grammar having accepted the pattern.
    throw new UnportablePatternError(`is not a valid regular expression: ${(error as Error).message}`);
  }
  return new Parser(pattern).parse();
}

class Parser {
  // Code points, not UTF-16 units: an astral character is one character in both engines.
  private readonly chars: string[];
  private index = 0;

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  parse(): RegexNode {
    const node = this.alternation();
    if (this.index !== this.chars.length) throw new UnportablePatternError('has an unbalanced parenthesis');
    return node;
  }

  private next(): string {
    const char = this.chars[this.index];
    if (char === undefined) throw new UnportablePatternError('ends in the middle of a construct');
    this.index += 1;
    return char;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.index + offset];
  }

  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.next();
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.index < this.chars.length && this.peek() !== '|' && this.peek() !== ')')
      items.push(this.quantified());
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  private quantified(): RegexNode {
    const node = this.atom();
    const char = this.peek();
    let min: number;
    let max: number | null;
    let text: string;
    if (char === '*' || char === '+' || char === '?') {
      this.next();
      [min, max, text] = char === '*' ? [0, null, '*'] : char === '+' ? [1, null, '+'] : [0, 1, '?'];
    } else if (char === '{') {
      ({ min, max, text } = this.bound());
    } else {
      return node;
    }
    if (this.peek() === '?') {
      this.next();
      text += '?';
    }
    return { kind: 'repeat', node, min, max, text };
  }

  /** `{n}`, `{n,}` or `{n,m}` (in `u` mode a `{` is always a quantifier). */
  private bound(): { min: number; max: number | null; text: string } {
    this.next();
    let body = '';
    while (this.peek() !== '}') body += this.next();
    this.next();
    const [low, high] = body.split(',');
    const min = Number(low);
    const max = high === undefined ? min : high === '' ? null : Number(high);
    if (min > MAX_REPEAT || (max !== null && max > MAX_REPEAT)) {
      throw new UnportablePatternError(
        `repeats {${body}}; PostgreSQL allows repetition counts up to ${MAX_REPEAT}`,
      );
    }
    return { min, max, text: `{${body}}` };
  }

  private atom(): RegexNode {
    const char = this.next();
    switch (char) {
      case '^':
        return { kind: 'start' };
      case '$':
        return { kind: 'end' };
      case '.':
        return { kind: 'dot' };
      case '[':
        return this.bracket();
      case '(':
        return this.group();
      case '\\': {
        const escaped = this.escape(false);
        return 'name' in escaped
          ? { kind: 'escape', escape: escaped }
          : { kind: 'char', codePoint: escaped.codePoint, escaped: true };
      }
      default:
        return { kind: 'char', codePoint: char.codePointAt(0)!, escaped: false };
    }
  }

  private group(): RegexNode {
    let capture = true;
    let look: boolean | undefined;
    if (this.peek() === '?') {
      const kind = this.peek(1);
      if (kind === ':') capture = false;
      else if (kind === '=' || kind === '!') look = kind === '!';
      else
        throw new UnportablePatternError(
          `uses the group syntax (?${kind ?? ''}…), which PostgreSQL reads differently`,
        );
      this.index += 2;
    }
    const node = this.alternation();
    if (this.next() !== ')') throw new UnportablePatternError('has an unbalanced parenthesis');
    return look === undefined ? { kind: 'group', capture, node } : { kind: 'look', negated: look, node };
  }

  /** What follows a backslash: a class escape or one character. */
  private escape(inClass: boolean): ClassEscape | { codePoint: number } {
    const char = this.next();
    switch (char) {
      case 'd':
      case 'w':
      case 's':
        return { name: char, negated: false };
      case 'D':
      case 'W':
      case 'S':
        if (inClass)
          throw new UnportablePatternError(
            `uses \\${char} inside brackets, which has no portable PostgreSQL form`,
          );
        return { name: char.toLowerCase() as 'd' | 'w' | 's', negated: true };
      case 't':
        return { codePoint: 0x09 };
      case 'n':
        return { codePoint: 0x0a };
      case 'v':
        return { codePoint: 0x0b };
      case 'f':
        return { codePoint: 0x0c };
      case 'r':
        return { codePoint: 0x0d };
      case 'c':
        return { codePoint: this.next().charCodeAt(0) % 32 };
      case 'x':
        return { codePoint: nonNul(Number.parseInt(this.next() + this.next(), 16)) };
      case 'u':
        return { codePoint: nonNul(this.unicodeEscape()) };
      case '0':
        throw new UnportablePatternError('matches \\0 (NUL), which PostgreSQL text can never contain');
      default:
        // `\-` is a literal dash (legal inside brackets only); `\b` (backspace) the contract refuses.
        if (SYNTAX_CHARACTERS.has(char)) return { codePoint: char.codePointAt(0)! };
        throw new UnportablePatternError(`uses the escape \\${char}, which PostgreSQL reads differently`);
    }
  }

  /** `\uHHHH`, a `\uHHHH\uHHHH` surrogate pair, or `\u{H…}`. */
  private unicodeEscape(): number {
    if (this.peek() === '{') {
      this.next();
      let digits = '';
      while (this.peek() !== '}') digits += this.next();
      this.next();
      return Number.parseInt(digits, 16);
    }
    const unit = this.hex4();
    if (
      unit >= 0xd800 &&
      unit <= 0xdbff &&
      this.peek() === '\\' &&
      this.peek(1) === 'u' &&
      this.peek(2) !== '{'
    ) {
      const save = this.index;
      this.index += 2;
      const low = this.hex4();
      if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      this.index = save;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      throw new UnportablePatternError('escapes a lone surrogate, which PostgreSQL text can never contain');
    }
    return unit;
  }

  private hex4(): number {
    return Number.parseInt(this.next() + this.next() + this.next() + this.next(), 16);
  }

  /** A bracket expression, read with JavaScript's ClassRanges grammar. */
  private bracket(): RegexNode {
    let negated = false;
    if (this.peek() === '^') {
      this.next();
      negated = true;
    }
    if (this.peek() === ']') {
      throw new UnportablePatternError('uses an empty class ([] or [^]), which PostgreSQL reads differently');
    }
    const items: ClassItem[] = [];
    while (this.peek() !== ']') {
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.next();
        const to = this.classAtom();
        // In `u` mode JavaScript refuses a range with a class escape at either end.
        if ('name' in from || 'name' in to)
          throw new UnportablePatternError('uses a range with a class escape');
        items.push({ kind: 'range', from: from.codePoint, to: to.codePoint });
      } else {
        items.push(
          'name' in from
            ? { kind: 'escape', escape: from }
            : { kind: 'range', from: from.codePoint, to: from.codePoint },
        );
      }
    }
    this.next();
    return { kind: 'class', negated, items };
  }

  private classAtom(): ClassEscape | { codePoint: number } {
    const char = this.next();
    if (char === '\\') return this.escape(true);
    return { codePoint: char.codePointAt(0)! };
  }
}

function nonNul(codePoint: number): number {
  if (codePoint === 0)
    throw new UnportablePatternError('matches NUL, which PostgreSQL text can never contain');
  return codePoint;
}
