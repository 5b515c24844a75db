import { expect } from 'chai';
import { sourceExpression } from '../../../src/policy/topdown/source-expression.js';

describe('topdown: the text of a failing expression as written on its source line', () => {
  it('runs from the column to the end of the line, trailing blanks trimmed', () => {
    expect(sourceExpression('\tcount(ys) == 3   ', 2)).to.equal('count(ys) == 3');
  });

  it('stops at a comment or a semicolon outside strings and brackets', () => {
    expect(sourceExpression('\tx == 1 # one', 2)).to.equal('x == 1');
    expect(sourceExpression('\tx == 1; y == 2', 2)).to.equal('x == 1');
    expect(sourceExpression('\tx == 1; y == 2', 10)).to.equal('y == 2');
    expect(sourceExpression('\ts == "a # b; c"', 2)).to.equal('s == "a # b; c"');
    expect(sourceExpression('\ts == `raw # ;`', 2)).to.equal('s == `raw # ;`');
    expect(sourceExpression('\ts == "q\\"#"', 2)).to.equal('s == "q\\"#"');
    expect(sourceExpression('\t{1; 2} == x', 2)).to.equal('{1; 2} == x');
  });

  it('gives up on an expression that goes on to the next line', () => {
    expect(sourceExpression('\tx == {', 2)).to.equal(undefined);
    expect(sourceExpression('\tx == `raw', 2)).to.equal(undefined);
    expect(sourceExpression('\tx == 1', 40)).to.equal(undefined);
    expect(sourceExpression('\t)', 2)).to.equal(undefined);
  });
});
