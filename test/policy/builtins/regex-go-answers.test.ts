/**
 * regex.* against answers recorded from Go's own regexp package (regex-go-answers.json: generated
 * patterns over flags, classes, case folding, anchors, nested and lazy repetition, captures and
 * invalid syntax, with inputs holding astral, folding and newline characters). Each case must get
 * Go's answer, Go's error text, or a stop (NotExactError); never a different answer.
 * The answers were recorded with the Go toolchain named in the file; its regexp semantics are those
 * of current Go (the (x+)? compilation of nullable loops predates it); its Unicode tables are older,
 * so the inputs use only long-assigned characters.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { regexBuiltins } from '../../../src/policy/builtins/impl/regex.js';
import { BuiltinError, NotExactError } from '../../../src/policy/builtins/value.js';

interface Row {
  op: 'match' | 'find_n' | 'submatch' | 'split' | 'replace' | 'is_valid';
  pattern: string;
  input?: string;
  n?: number;
  repl?: string;
  want?: unknown;
  error?: string;
}

const file = JSON.parse(readFileSync(new URL('./regex-go-answers.json', import.meta.url), 'utf8')) as { rows: Row[] };

function run(row: Row): unknown {
  const b = regexBuiltins;
  switch (row.op) {
    case 'match':
      return b['regex.match']!(row.pattern, row.input);
    case 'find_n':
      return b['regex.find_n']!(row.pattern, row.input, row.n);
    case 'submatch':
      return b['regex.find_all_string_submatch_n']!(row.pattern, row.input, row.n);
    case 'split':
      return b['regex.split']!(row.pattern, row.input);
    case 'replace':
      return b['regex.replace']!(row.input, row.pattern, row.repl);
    case 'is_valid':
      return b['regex.is_valid']!(row.pattern);
  }
}

type Outcome = { ok: unknown } | { error: string } | 'stop';

function outcome(row: Row): Outcome {
  try {
    return { ok: run(row) };
  } catch (err) {
    if (err instanceof NotExactError) return 'stop';
    if (err instanceof BuiltinError) return { error: err.message };
    throw err;
  }
}

describe('regex built-ins against answers recorded from Go regexp', () => {
  let stops = 0;
  for (const op of ['match', 'find_n', 'submatch', 'split', 'replace', 'is_valid'] as const) {
    it(`gives Go's answer or Go's error for every recorded ${op} case it does not stop on`, () => {
      const wrong: string[] = [];
      for (const row of file.rows.filter((r) => r.op === op)) {
        const got = outcome(row);
        if (got === 'stop') {
          if (op !== 'replace') stops++;
          continue;
        }
        const want = row.error !== undefined ? { error: row.error } : { ok: row.want };
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${JSON.stringify(row)} -> ${JSON.stringify(got)}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  }

  it('stops on fewer than 1% of the recorded cases other than replace', () => {
    // regex.replace also stops where OPA's later replace loop would differ from ReplaceAllString.
    const counted = file.rows.filter((r) => r.op !== 'replace');
    expect(counted.length).to.be.greaterThan(1000);
    expect(stops / counted.length).to.be.lessThan(0.01);
  });
});
