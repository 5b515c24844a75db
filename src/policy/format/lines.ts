/**
 * Output built as blocks of lines. A line knows its indentation (relative to the block) and the
 * source lines its content came from, so trailing comments can follow the code they stood next to.
 */
export interface Line {
  indent: number;
  text: string;
  /** Source lines covered (0 when the line holds no source content, e.g. a blank line). */
  from: number;
  to: number;
  /** The line ends with the bracket of a collection written one row of items a line. */
  opens?: boolean;
}

export type Block = Line[];

export function text(s: string, from = 0, to = from): Block {
  return [{ indent: 0, text: s, from, to }];
}

function union(a: Line, b: Line): Pick<Line, 'from' | 'to'> {
  if (a.from === 0) return { from: b.from, to: b.to };
  if (b.from === 0) return { from: a.from, to: a.to };
  return { from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) };
}

/** Joins blocks end to start: the last line of one continues with the first line of the next. */
export function concat(...blocks: Block[]): Block {
  const out: Block = [];
  for (const block of blocks) {
    if (block.length === 0) continue;
    if (out.length === 0) {
      out.push(...block.map((l) => ({ ...l })));
      continue;
    }
    const last = out[out.length - 1]!;
    const [first, ...rest] = block;
    const opens = last.opens || first!.opens;
    out[out.length - 1] = { indent: last.indent, text: last.text + first!.text, ...union(last, first!), ...(opens ? { opens } : {}) };
    out.push(...rest.map((l) => ({ ...l })));
  }
  return out;
}

export function indent(block: Block, by = 1): Block {
  return block.map((l) => ({ ...l, indent: l.indent + by }));
}

export function isSingleLine(block: Block): boolean {
  return block.length === 1;
}

export function blank(): Line {
  return { indent: 0, text: '', from: 0, to: 0 };
}

/** Source range of a block, for blank-line and grouping decisions. */
export function span(block: Block): { from: number; to: number } {
  const lines = block.filter((l) => l.from !== 0);
  if (lines.length === 0) return { from: 0, to: 0 };
  return { from: Math.min(...lines.map((l) => l.from)), to: Math.max(...lines.map((l) => l.to)) };
}
