import { expect } from 'chai';
import { compileAndLoad } from '../compile-and-load.js';
import { fromJs, Obj, preparePolicy, toJs } from '../../../../src/policy/topdown/index.js';

/**
 * `with` putting a value that is neither a function nor a constant in place of a function or a
 * built-in (a local variable, a comprehension, a ref): as in OPA, the value is computed before
 * the expression that carries the `with`, and every call of the replaced function under it
 * (directly or through the rules it evaluates) answers that value. The module and the
 * TypeScript evaluator must both give OPA's answers.
 */
const POLICY = `package w

discount(_) := 0
price := 100 - discount(input.amount)

# a local variable in place of a function called through a rule
sale_price := p if {
	d := 30
	p := price with discount as d
}

# a comprehension in place of a built-in called directly
counted := n if {
	n := count(input.items) with count as [x | some x in input.items; x > 1]
}

# a value that changes per iteration: the rule under the replacement is evaluated each time
limit(_) := 0
within if input.amount <= limit(input.amount)
fits contains l if {
	some l in input.limits
	within with limit as l
}

# two replacements, one made inside a rule evaluated under the other
tax(_) := 0
fee(_) := 0
total := (input.amount + tax(input.amount)) + fee(input.amount)
billed := t if {
	f := 2
	t := total with fee as f
}
taxed_and_billed := t if {
	x := 5
	t := billed with tax as x
}

# the value is read before the expression's replacement of input applies
early := t if {
	t := total with input.amount as 1 with tax as input.amount
}

input_early := b if {
	b := input.b with input as {"amount": 1} with input.b as input.amount
}

# an undefined value makes the expression fail even where the function is never called
default undefined_value := "no"
undefined_value := "yes" if {
	true with tax as input.missing
}
`;

const INPUT = { amount: 100, items: [1, 2, 3], limits: [50, 100, 150] };

const EXPECTED = {
  price: 100,
  sale_price: 70,
  counted: [2, 3],
  fits: [100, 150],
  total: 100,
  billed: 102,
  taxed_and_billed: 107,
  early: 101,
  input_early: 100,
  undefined_value: 'no',
};

describe('regoc: `with` replacing a function by a local variable, a comprehension or a ref', () => {
  let moduleResult: Record<string, unknown>;
  let evaluatorResult: Record<string, unknown>;

  before(async function () {
    this.timeout(300_000);
    const { policy } = await compileAndLoad({ 'w.rego': POLICY }, { entrypoints: ['w'] });
    moduleResult = policy.evaluate(INPUT, 'w')[0].result;
    const prepared = preparePolicy([{ path: 'w.rego', text: POLICY }], { entrypoints: ['w'] });
    const rows = toJs(prepared.interpreter.evaluate('w', fromJs(INPUT), new Obj())) as Array<{ result: Record<string, unknown> }>;
    evaluatorResult = rows[0]!.result;
  });

  for (const [name, label] of [['module', 'the wasm module'], ['evaluator', 'the TypeScript evaluator']] as const) {
    const result = (): Record<string, unknown> => (name === 'module' ? moduleResult : evaluatorResult);

    it(`${label}: a local variable replaces a function called through a rule, which keeps its own value elsewhere`, () => {
      expect(result().sale_price).to.equal(EXPECTED.sale_price);
      expect(result().price).to.equal(EXPECTED.price);
    });

    it(`${label}: a comprehension replaces a built-in called directly`, () => {
      expect(result().counted).to.deep.equal(EXPECTED.counted);
    });

    it(`${label}: a value bound per iteration reaches the rule under the replacement on every iteration`, () => {
      expect(result().fits).to.deep.equal(EXPECTED.fits);
    });

    it(`${label}: a replacement made inside a rule evaluated under another keeps both`, () => {
      expect(result().total).to.equal(EXPECTED.total);
      expect(result().billed).to.equal(EXPECTED.billed);
      expect(result().taxed_and_billed).to.equal(EXPECTED.taxed_and_billed);
    });

    it(`${label}: the replacement value is read before the expression's other replacements apply`, () => {
      expect(result().early).to.equal(EXPECTED.early);
      expect(result().input_early).to.equal(EXPECTED.input_early);
    });

    it(`${label}: an undefined replacement value makes the expression fail`, () => {
      expect(result().undefined_value).to.equal(EXPECTED.undefined_value);
    });
  }
});
