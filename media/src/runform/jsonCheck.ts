/**
 * A JSON syntax check that says where the text goes wrong (line and column, 1-based).
 *
 * Pure. `JSON.parse` reports positions in engine-specific words (and not at all for some
 * mistakes), so the run form's JSON editor uses this small scanner instead: the same
 * message in every browser, and a position the user can go to.
 */

export interface JsonProblem {
  message: string;
  /** Offset into the text (0-based). */
  offset: number;
  line: number;
  column: number;
}

class Problem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const LITERALS = ['true', 'false', 'null'];

class Scanner {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.space();
    if (this.at < this.text.length) throw new Problem('unexpected text after the value', this.at);
  }

  private space(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private expect(what: string): never {
    throw new Problem(this.at >= this.text.length ? `unexpected end: expected ${what}` : `expected ${what}`, this.at);
  }

  private value(): void {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.at));
    if (literal) {
      this.at += literal.length;
      return;
    }
    NUMBER.lastIndex = this.at;
    if (c !== undefined && /[-\d]/.test(c) && NUMBER.exec(this.text)) {
      this.at = NUMBER.lastIndex;
      return;
    }
    this.expect('a value (object, array, string, number, true, false or null)');
  }

  private object(): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.expect('a property name in double quotes');
      this.string();
      this.space();
      if (this.text[this.at] !== ':') this.expect("':'");
      this.at += 1;
      this.value();
      this.space();
      const c = this.text[this.at];
      this.at += 1;
      if (c === '}') return;
      if (c !== ',') {
        this.at -= 1;
        this.expect("',' or '}'");
      }
    }
  }

  private array(): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      const c = this.text[this.at];
      this.at += 1;
      if (c === ']') return;
      if (c !== ',') {
        this.at -= 1;
        this.expect("',' or ']'");
      }
    }
  }

  private string(): void {
    const start = this.at;
    this.at += 1;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) throw new Problem('unterminated string', start);
      if (c === '"') {
        this.at += 1;
        return;
      }
      if (c < ' ') throw new Problem('a line break or control character inside a string (write it as \\n)', this.at);
      if (c === '\\') {
        const e = this.text[this.at + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) this.at += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.at += 2;
        else throw new Problem('invalid escape in a string', this.at);
      } else {
        this.at += 1;
      }
    }
  }
}

/** Line and column (1-based) of `offset` in `text`. */
export function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** Null when `text` is valid JSON, else what is wrong and where. */
export function checkJson(text: string): JsonProblem | null {
  try {
    new Scanner(text).document();
    return null;
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { message: error.message, offset: error.offset, ...position(text, error.offset) };
  }
}
