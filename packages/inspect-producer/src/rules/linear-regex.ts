import {
  type ClassEscape,
  JS_WHITESPACE_CODE_POINTS,
  LINE_TERMINATORS,
  parseRegex,
  type RegexNode,
  UnportablePatternError,
} from './regex-ast.js';

/**
 * A matcher that answers exactly what `new RegExp(pattern, 'u').test(value)` answers, in time
 * linear in the length of the value (a Thompson NFA simulated in lock step, "Pike VM").
 *
 * Why not RegExp itself: JavaScript's engine backtracks, and an innocent-looking pattern such as
 * `.+\S*\d$` takes minutes on a 4,096-character description. The reference evaluator must not
 * hang where PostgreSQL answers at once. The portable subset has no backreferences, so whether a
 * match exists never depends on backtracking order, and an automaton gives the same answer. The
 * unit tests compare this matcher with RegExp on inputs where backtracking is cheap; the
 * differential test compares it with PostgreSQL.
 */
export interface LinearRegex {
  test(value: string): boolean;
}

/** Refused above this many instructions (nested counted repetitions multiply). */
const MAX_PROGRAM = 20_000;

type Instruction =
  | { op: 'char'; has: (codePoint: number) => boolean }
  | { op: 'split'; a: number; b: number }
  | { op: 'jump'; to: number }
  | { op: 'start' }
  | { op: 'end' }
  | { op: 'look'; program: Instruction[]; negated: boolean; slot: number }
  | { op: 'match' };

export function compileLinearRegex(pattern: string): LinearRegex {
  const compiler = new Compiler();
  const program = compiler.program(parseRegex(pattern));
  const lookCount = compiler.lookCount;
  return {
    test(value: string): boolean {
      const input = Array.from(value, (char) => char.codePointAt(0)!);
      const memo: Int8Array[] = Array.from({ length: lookCount }, () => new Int8Array(input.length + 1));
      return run(program, input, 0, false, memo);
    },
  };
}

class Compiler {
  lookCount = 0;
  private size = 0;

  program(node: RegexNode): Instruction[] {
    const out: Instruction[] = [];
    this.emit(node, out);
    out.push({ op: 'match' });
    return out;
  }

  private push(out: Instruction[], instruction: Instruction): Instruction {
    this.size += 1;
    if (this.size > MAX_PROGRAM) {
      throw new UnportablePatternError(
        `is too large to match in linear time (over ${MAX_PROGRAM} steps); simplify its repetitions`,
      );
    }
    out.push(instruction);
    return instruction;
  }

  private emit(node: RegexNode, out: Instruction[]): void {
    switch (node.kind) {
      case 'char': {
        const wanted = node.codePoint;
        this.push(out, { op: 'char', has: (codePoint) => codePoint === wanted });
        return;
      }
      case 'dot':
        this.push(out, { op: 'char', has: (codePoint) => !LINE_TERMINATORS.includes(codePoint) });
        return;
      case 'escape':
        this.push(out, { op: 'char', has: escapePredicate(node.escape) });
        return;
      case 'class': {
        const members = node.items.map((item) =>
          item.kind === 'escape'
            ? escapePredicate(item.escape)
            : (codePoint: number) => codePoint >= item.from && codePoint <= item.to,
        );
        const negated = node.negated;
        this.push(out, {
          op: 'char',
          has: (codePoint) => members.some((member) => member(codePoint)) !== negated,
        });
        return;
      }
      case 'seq':
        for (const item of node.items) this.emit(item, out);
        return;
      case 'alt': {
        const exits: { op: 'jump'; to: number }[] = [];
        node.options.forEach((option, index) => {
          if (index === node.options.length - 1) {
            this.emit(option, out);
            return;
          }
          const split = this.push(out, { op: 'split', a: out.length + 1, b: -1 }) as {
            op: 'split';
            a: number;
            b: number;
          };
          this.emit(option, out);
          exits.push(this.push(out, { op: 'jump', to: -1 }) as { op: 'jump'; to: number });
          split.b = out.length;
        });
        for (const exit of exits) exit.to = out.length;
        return;
      }
      case 'group':
        this.emit(node.node, out);
        return;
      case 'look': {
        const slot = this.lookCount;
        this.lookCount += 1;
        const program: Instruction[] = [];
        this.emit(node.node, program);
        program.push({ op: 'match' });
        this.push(out, { op: 'look', program, negated: node.negated, slot });
        return;
      }
      case 'repeat': {
        for (let i = 0; i < node.min; i++) this.emit(node.node, out);
        if (node.max === null) {
          const loop = out.length;
          const split = this.push(out, { op: 'split', a: loop + 1, b: -1 }) as {
            op: 'split';
            a: number;
            b: number;
          };
          this.emit(node.node, out);
          this.push(out, { op: 'jump', to: loop });
          split.b = out.length;
        } else {
          for (let i = node.min; i < node.max; i++) {
            const split = this.push(out, { op: 'split', a: out.length + 1, b: -1 }) as {
              op: 'split';
              a: number;
              b: number;
            };
            this.emit(node.node, out);
            split.b = out.length;
          }
        }
        return;
      }
      case 'start':
        this.push(out, { op: 'start' });
        return;
      case 'end':
        this.push(out, { op: 'end' });
        return;
    }
  }
}

const DIGIT = (codePoint: number) => codePoint >= 0x30 && codePoint <= 0x39;
const WORD = (codePoint: number) =>
  DIGIT(codePoint) ||
  (codePoint >= 0x41 && codePoint <= 0x5a) ||
  (codePoint >= 0x61 && codePoint <= 0x7a) ||
  codePoint === 0x5f;
const SPACE = (codePoint: number) => JS_WHITESPACE_CODE_POINTS.includes(codePoint);

function escapePredicate(classEscape: ClassEscape): (codePoint: number) => boolean {
  const base = classEscape.name === 'd' ? DIGIT : classEscape.name === 'w' ? WORD : SPACE;
  return classEscape.negated ? (codePoint) => !base(codePoint) : base;
}

/**
 * Does `program` match `input` starting at `from` (anchored: only there; otherwise anywhere
 * after)? Threads advance one character at a time; each instruction is visited at most once per
 * position, so the work is O(input × program). Lookahead results are memoised per position.
 */
function run(
  program: Instruction[],
  input: number[],
  from: number,
  anchored: boolean,
  memo: Int8Array[],
): boolean {
  const visited = new Int32Array(program.length);
  let generation = 1;

  // Follows the empty moves from `pc` at `position`, collecting character instructions in `list`.
  // True as soon as `match` is reachable: existence is all test() asks.
  const addThread = (list: number[], startPc: number, position: number): boolean => {
    const stack = [startPc];
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (visited[pc] === generation) continue;
      visited[pc] = generation;
      const instruction = program[pc]!;
      switch (instruction.op) {
        case 'match':
          return true;
        case 'char':
          list.push(pc);
          break;
        case 'jump':
          stack.push(instruction.to);
          break;
        case 'split':
          stack.push(instruction.b, instruction.a);
          break;
        case 'start':
          if (position === 0) stack.push(pc + 1);
          break;
        case 'end':
          if (position === input.length) stack.push(pc + 1);
          break;
        case 'look': {
          const slot = memo[instruction.slot]!;
          if (slot[position] === 0)
            slot[position] = run(instruction.program, input, position, true, memo) ? 1 : 2;
          if ((slot[position] === 1) !== instruction.negated) stack.push(pc + 1);
          break;
        }
      }
    }
    return false;
  };

  let current: number[] = [];
  if (addThread(current, 0, from)) return true;
  for (let position = from; position < input.length; position++) {
    generation += 1;
    const next: number[] = [];
    const codePoint = input[position]!;
    for (const pc of current) {
      const instruction = program[pc] as { op: 'char'; has: (codePoint: number) => boolean };
      if (instruction.has(codePoint) && addThread(next, pc + 1, position + 1)) return true;
    }
    if (!anchored && addThread(next, 0, position + 1)) return true;
    if (next.length === 0 && anchored) return false;
    current = next;
  }
  return false;
}
