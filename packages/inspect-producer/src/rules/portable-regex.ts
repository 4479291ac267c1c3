import {
  type ClassEscape,
  JS_WHITESPACE_CODE_POINTS,
  LINE_TERMINATORS,
  parseRegex,
  type RegexNode,
  UnportablePatternError,
} from './regex-ast.js';

/**
 * Translates a rule-set pattern (a JavaScript `u`-mode regular expression that already passed the
 * contract's portability filter) into a PostgreSQL ARE that accepts exactly the same strings.
 *
 * Why a translation and not the pattern as written: even inside the contract's subset the two
 * engines disagree on a few everyday constructs, and every disagreement would let the SQL stamp a
 * row the reference evaluator fails (or the reverse):
 * - `.` in JavaScript stops at \n, \r, U+2028 and U+2029; in PostgreSQL it matches everything.
 * - `\s` in JavaScript is Unicode white space (U+00A0, U+3000, U+FEFF, …); in PostgreSQL it is
 *   locale dependent. `\d` and `\w` are ASCII in JavaScript and locale dependent in PostgreSQL.
 * - `\xHH` takes exactly two hex digits in JavaScript and any number in PostgreSQL.
 * - Inside brackets PostgreSQL reads `[:`, `[.` and `[=` specially and a leading `]` as a literal.
 * So every one of those is rewritten into an explicit, locale-free form, and the few constructs
 * that have no faithful translation are refused (fail closed) with a reason (see regex-ast.ts).
 */
export function toPostgresRegex(pattern: string): string {
  return emit(parseRegex(pattern));
}

/** Why `pattern` cannot be run identically in both engines, or null when it can. */
export function unportablePatternReason(pattern: string): string | null {
  try {
    toPostgresRegex(pattern);
    return null;
  } catch (error) {
    if (error instanceof UnportablePatternError) return error.message;
    throw error;
  }
}

export { JS_WHITESPACE_CODE_POINTS, UnportablePatternError };

const ESCAPE_BODIES: Record<ClassEscape['name'], string> = {
  d: '0-9',
  w: 'A-Za-z0-9_',
  s: JS_WHITESPACE_CODE_POINTS.map(codePointEscape).join(''),
};

function emit(node: RegexNode): string {
  switch (node.kind) {
    case 'char':
      // Characters the pattern wrote literally are never special to PostgreSQL either (JavaScript
      // would have read them as syntax); escaped ones are spelt as code points.
      return node.escaped ? codePointEscape(node.codePoint) : String.fromCodePoint(node.codePoint);
    case 'dot':
      return `[^${LINE_TERMINATORS.map(codePointEscape).join('')}]`;
    case 'escape':
      return `[${node.escape.negated ? '^' : ''}${ESCAPE_BODIES[node.escape.name]}]`;
    case 'class': {
      // Every member spelt out, so PostgreSQL's own bracket specials never come into play.
      const body = node.items.map((item) => {
        if (item.kind === 'escape') return ESCAPE_BODIES[item.escape.name];
        if (item.from === item.to) return codePointEscape(item.from);
        return `${codePointEscape(item.from)}-${codePointEscape(item.to)}`;
      });
      return `[${node.negated ? '^' : ''}${body.join('')}]`;
    }
    case 'seq':
      return node.items.map(emit).join('');
    case 'alt':
      return node.options.map(emit).join('|');
    case 'group':
      return `(${node.capture ? '' : '?:'}${emit(node.node)})`;
    case 'look':
      return `(?${node.negated ? '!' : '='}${emit(node.node)})`;
    case 'repeat':
      return emit(node.node) + node.text;
    case 'start':
      return '^';
    case 'end':
      return '$';
  }
}

/** ASCII letters and digits as themselves; everything else as an ARE escape, which is never special. */
function codePointEscape(codePoint: number): string {
  if (
    (codePoint >= 0x30 && codePoint <= 0x39) ||
    (codePoint >= 0x41 && codePoint <= 0x5a) ||
    (codePoint >= 0x61 && codePoint <= 0x7a)
  ) {
    return String.fromCodePoint(codePoint);
  }
  const hex = codePoint.toString(16).padStart(codePoint > 0xffff ? 8 : 4, '0');
  return codePoint > 0xffff ? `\\U${hex}` : `\\u${hex}`;
}
