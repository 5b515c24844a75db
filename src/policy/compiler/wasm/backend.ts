import type { Block, Callee, Const, Func, Operand, Program, Stmt } from '../ir/types.js';
import { nativeFunctionName } from './native-builtins.js';

/**
 * IR -> AssemblyScript source for one module. Each IR block becomes `do { ... } while (false)`,
 * so a failing statement is a plain `break`. Constants are built once at instantiation (before the
 * SDK records its base heap pointer) and so survive every heap reset.
 */
export function generateAssemblyScript(program: Program): string {
  return new Generator(program).run();
}

const RUNTIME_IMPORTS = [
  'import { fail } from "./mem";',
  'import * as V from "./value";',
  'import * as R from "./ops";',
  'import * as B from "./builtins";',
  'import { dumpJSON, setHostMode } from "./json";',
  'import { evalPrologue } from "./abi";',
  'export { opa_wasm_abi_version, opa_wasm_abi_minor_version, opa_malloc, opa_heap_ptr_get, opa_heap_ptr_set,',
  '  opa_json_parse, opa_value_parse, opa_json_dump, opa_value_dump, opa_eval_ctx_new, opa_eval_ctx_set_input,',
  '  opa_eval_ctx_set_data, opa_eval_ctx_set_entrypoint, opa_eval_ctx_get_result } from "./abi";',
];

function bytesOf(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

function cString(text: string): string {
  return `memory.data<u8>([${[...bytesOf(text), 0].join(', ')}])`;
}

/** All non-parameter locals, declared up front (loops reassign them), eight per line. */
function localDecls(fn: Func): string[] {
  const params = new Set(fn.params);
  const names: string[] = [];
  for (let i = 0; i < fn.locals; i++) if (!params.has(i)) names.push(`l${i}: u32 = 0`);
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 8) lines.push(`  let ${names.slice(i, i + 8).join(', ')};`);
  return lines;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

class Generator {
  private readonly constIds = new Map<string, number>();
  private readonly constDecls: string[] = [];
  private readonly messageNames = new Map<string, string>();
  private readonly hostIds = new Map<string, number>();
  private readonly hostArities = new Set<number>();
  private uid = 0;

  constructor(private readonly program: Program) {
    program.hostBuiltins.forEach((name, i) => this.hostIds.set(name, i));
  }

  run(): string {
    const body: string[] = [];
    for (const fn of this.program.funcs) body.push(this.func(fn));
    this.program.plans.forEach((plan, i) => body.push(this.plan(plan.func, i)));
    const head = [...RUNTIME_IMPORTS];
    this.program.hostBuiltins.forEach((_, id) => {
      head.push(`let h0g_${id}: u32 = 0xffffffff; let h0v_${id}: u32 = 0;`,
        `function host0_${id}(): u32 { if (h0g_${id} != gen) { h0v_${id} = hostCall0(${id}); h0g_${id} = gen; } return h0v_${id}; }`);
    });
    if (this.program.hostBuiltins.length > 0) this.hostArities.add(0);
    for (const n of [...this.hostArities].sort()) {
      const params = ['id: i32', 'ctx: i32', ...Array.from({ length: n }, (_, i) => `a${i}: u32`)].join(', ');
      head.push(`@external("env", "opa_builtin${n}") declare function opa_builtin${n}(${params}): u32;`);
      // Sets keep their kind across the SDK only in the runtime's host mode (see json.ts).
      const args = Array.from({ length: n }, (_, i) => `a${i}`);
      head.push(`function hostCall${n}(${['id: i32', ...args.map((a) => `${a}: u32`)].join(', ')}): u32 {`,
        `  setHostMode(true); const r = opa_builtin${n}(${['id', '0', ...args].join(', ')}); setHostMode(false); return r;`, '}');
    }
    return [...head.slice(0, RUNTIME_IMPORTS.length), 'let gen: u32 = 0;', ...head.slice(RUNTIME_IMPORTS.length), ...this.constDecls, ...body, this.abi()].join('\n') + '\n';
  }

  // ---- constants ----

  private constant(c: Const): string {
    const key = JSON.stringify(c);
    let id = this.constIds.get(key);
    if (id === undefined) {
      id = this.constIds.size;
      this.constIds.set(key, id);
      if (c.type === 'string') {
        // The value and the raw bytes used for key lookups share one data segment.
        this.constDecls.push(`const KB${id}: u32 = ${this.bytesExpr(c.value)};`);
        this.constDecls.push(`const K${id}: u32 = V.mkStr(KB${id}, ${bytesOf(c.value).length});`);
      } else {
        this.constDecls.push(`const K${id}: u32 = ${this.constInit(c)};`);
      }
    }
    return `K${id}`;
  }

  /** A NUL-terminated message in static memory, one data segment per distinct text. */
  private message(text: string): string {
    let name = this.messageNames.get(text);
    if (name === undefined) {
      name = `M${this.messageNames.size}`;
      this.messageNames.set(text, name);
      this.constDecls.push(`const ${name} = ${cString(text)};`);
    }
    return name;
  }

  private bytesExpr(text: string): string {
    const bytes = bytesOf(text);
    return bytes.length === 0 ? '0' : `<u32>memory.data<u8>([${bytes.join(', ')}])`;
  }

  private constInit(c: Const): string {
    switch (c.type) {
      case 'null': return 'V.mkNull()';
      case 'boolean': return `V.mkBool(${c.value})`;
      case 'string': return `V.mkStr(${this.bytesExpr(c.value)}, ${bytesOf(c.value).length})`;
      case 'number': return this.numberInit(c.text);
    }
  }

  private numberInit(text: string): string {
    if (/^-?\d+$/.test(text)) {
      const big = BigInt(text);
      if (big >= -(2n ** 63n) && big < 2n ** 63n) return big === -(2n ** 63n) ? 'V.mkInt(i64.MIN_VALUE)' : `V.mkInt(${big})`;
    }
    return `R.numberConst(${this.bytesExpr(text)}, ${bytesOf(text).length})`;
  }

  private operand(o: Operand): string {
    return o.kind === 'local' ? `l${o.local}` : this.constant(o.value);
  }

  // ---- functions ----

  private func(fn: Func): string {
    const name = safeName(fn.name);
    const params = fn.params.map((p) => `l${p}: u32`).join(', ');
    const lines: string[] = [`function ${name}(${params}): u32 {`];
    lines.push(...localDecls(fn));
    if (fn.cache) {
      const [inp, data] = fn.params;
      lines.unshift(`let cg_${name}: u32 = 0xffffffff; let ci_${name}: u32 = 0; let cd_${name}: u32 = 0; let cv_${name}: u32 = 0;`);
      lines.push(`  if (cg_${name} == gen && ci_${name} == l${inp} && cd_${name} == l${data}) return cv_${name};`);
    }
    lines.push('  do {');
    lines.push(...this.block(fn.body, '    '));
    lines.push('  } while (false);');
    if (fn.cache) {
      const [inp, data] = fn.params;
      lines.push(`  cg_${name} = gen; ci_${name} = l${inp}; cd_${name} = l${data}; cv_${name} = l${fn.result};`);
    }
    lines.push(`  return l${fn.result};`, '}');
    return lines.join('\n');
  }

  private plan(fn: Func, index: number): string {
    const params = fn.params.map((p) => `l${p}: u32`).join(', ');
    const lines: string[] = [`function plan_${index}(${params}): u32 {`, '  const rs = V.mkSet(4);'];
    lines.push(...localDecls(fn));
    lines.push('  do {', ...this.block(fn.body, '    '), '  } while (false);', '  return rs;', '}');
    return lines.join('\n');
  }

  private block(b: Block, ind: string): string[] {
    const lines: string[] = [];
    for (const s of b.stmts) lines.push(...this.stmt(s, ind));
    return lines;
  }

  private nested(b: Block, ind: string): string[] {
    return [`${ind}do {`, ...this.block(b, ind + '  '), `${ind}} while (false);`];
  }

  private stmt(s: Stmt, ind: string): string[] {
    const o = (x: Operand): string => this.operand(x);
    switch (s.op) {
      case 'scan': {
        const u = this.uid++;
        const lines = [`${ind}{ const s${u} = l${s.source}; const n${u} = R.iterLen(s${u});`,
          `${ind}for (let i${u}: u32 = 0; i${u} < n${u}; i${u}++) {`];
        if (s.key !== null) lines.push(`${ind}  l${s.key} = R.iterKey(s${u}, i${u});`);
        if (s.value !== null) lines.push(`${ind}  l${s.value} = R.iterVal(s${u}, i${u});`);
        lines.push(...this.nested(s.body, ind + '  '), `${ind}} }`);
        return lines;
      }
      case 'dot': {
        if (s.key.kind === 'const' && s.key.value.type === 'string') {
          const k = this.constant(s.key.value);
          const id = k.slice(1);
          const n = bytesOf(s.key.value.value).length;
          const hint = `<u32>memory.data(4, 4)`;
          return [`${ind}l${s.target} = R.dotStrAt(${o(s.source)}, KB${id}, ${n}, ${k}, ${hint}); if (l${s.target} == 0) break;`];
        }
        return [`${ind}l${s.target} = V.dot(${o(s.source)}, ${o(s.key)}); if (l${s.target} == 0) break;`];
      }
      case 'equal': return [`${ind}if (!V.equal(${o(s.a)}, ${o(s.b)})) break;`];
      case 'notEqual': return [`${ind}if (V.equal(${o(s.a)}, ${o(s.b)})) break;`];
      case 'isDefined': return [`${ind}if (l${s.local} == 0) break;`];
      case 'isUndefined': return [`${ind}if (l${s.local} != 0) break;`];
      case 'truthy': return [`${ind}if (!R.truthy(${o(s.value)})) break;`];
      case 'isType': {
        const tag = { array: 'V.T_ARR', object: 'V.T_OBJ', set: 'V.T_SET' }[s.type];
        return [`${ind}if (!R.isType(${o(s.value)}, ${tag}, ${s.length ?? -1})) break;`];
      }
      case 'not': {
        const u = this.uid++;
        return [`${ind}{ let ok${u} = false;`, `${ind}do {`, ...this.block(s.body, ind + '  '),
          `${ind}  ok${u} = true;`, `${ind}} while (false);`, `${ind}if (ok${u}) break; }`];
      }
      case 'block': return this.nested(s.body, ind);
      case 'ifUndefined': return [`${ind}if (l${s.local} == 0) {`, ...this.nested(s.body, ind + '  '), `${ind}}`];
      case 'fail': return [`${ind}break;`];
      case 'call': return [`${ind}l${s.target} = ${this.callExpr(s.fn, s.args.map(o))}; if (l${s.target} == 0) break;`];
      case 'assign': return [`${ind}l${s.target} = ${o(s.source)};`];
      case 'clear': return [`${ind}l${s.target} = 0;`];
      case 'assignOnce': {
        const msg = this.message(s.message ?? 'var assignment conflict');
        return [`${ind}if (l${s.target} != 0 && !V.equal(l${s.target}, ${o(s.source)})) fail(${msg});`,
          `${ind}l${s.target} = ${o(s.source)};`];
      }
      case 'makeArray': return [`${ind}l${s.target} = V.mkArr(${Math.max(s.capacity, 4)});`];
      case 'makeObject': return [`${ind}l${s.target} = V.mkObj(4);`];
      case 'makeSet': return [`${ind}l${s.target} = V.mkSet(4);`];
      case 'arrayAppend': return [`${ind}V.arrPush(l${s.array}, ${o(s.value)});`];
      case 'objectInsert':
        return s.once
          ? [`${ind}R.objInsertOnce(l${s.object}, ${o(s.key)}, ${o(s.value)});`]
          : [`${ind}V.objPut(l${s.object}, ${o(s.key)}, ${o(s.value)});`];
      case 'setAdd': return [`${ind}V.setAdd(l${s.set}, ${o(s.value)});`];
      case 'upsert': {
        const u = this.uid++;
        const lines = [`${ind}{ const p${u} = V.mkArr(${Math.max(s.path.length, 4)});`];
        for (const p of s.path) lines.push(`${ind}  V.arrPush(p${u}, ${o(p)});`);
        lines.push(`${ind}  l${s.target} = R.upsert(l${s.source}, p${u}, 0, ${o(s.value)}); }`);
        return lines;
      }
      case 'return': return [`${ind}return ${o(s.value)};`];
      case 'resultSetAdd': return [`${ind}V.setAdd(rs, l${s.value});`];
    }
  }

  private callExpr(fn: Callee, args: string[]): string {
    switch (fn.kind) {
      case 'func': return `${safeName(fn.name)}(${args.join(', ')})`;
      case 'native': return `B.${nativeFunctionName(fn.name)}(${args.join(', ')})`;
      case 'host': {
        const id = this.hostIds.get(fn.name);
        if (id === undefined) throw new Error(`host built-in ${fn.name} missing from the program's list`);
        if (args.length > 4) throw new Error(`host built-in ${fn.name} takes more than 4 arguments`);
        this.hostArities.add(args.length);
        let call = `hostCall${args.length}(${[String(id), ...args].join(', ')})`;
        // Argument-less built-ins (time.now_ns, ...) give one value per evaluation, as in OPA.
        if (args.length === 0) call = `host0_${id}()`;
        return fn.resultIsSet ? `R.arrayToSet(${call})` : call;
      }
    }
  }

  // ---- ABI exports that depend on the program ----

  private abi(): string {
    const lines: string[] = [];
    lines.push('export function builtins(): u32 {', '  const o = V.mkObj(4);');
    this.program.hostBuiltins.forEach((name, i) => {
      lines.push(`  V.objPut(o, V.mkStr(${this.bytesExpr(name)}, ${bytesOf(name).length}), V.mkInt(${i}));`);
    });
    lines.push('  return o;', '}');
    lines.push('export function entrypoints(): u32 {', '  const o = V.mkObj(4);');
    this.program.plans.forEach((plan, i) => {
      lines.push(`  V.objPut(o, V.mkStr(${this.bytesExpr(plan.name)}, ${bytesOf(plan.name).length}), V.mkInt(${i}));`);
    });
    lines.push('  return o;', '}');
    lines.push('function runPlan(ep: i32, input: u32, data: u32): u32 {', '  gen++;');
    this.program.plans.forEach((_, i) => lines.push(`  if (ep == ${i}) return plan_${i}(input, data);`));
    lines.push(`  fail(${cString('unknown entrypoint')});`, '  return 0;', '}');
    lines.push(
      'export function opa_eval(ctx: u32, ep: i32, data: u32, inputAddr: u32, inputLen: u32, heapPtr: u32, format: i32): u32 {',
      '  const input = evalPrologue(inputAddr, inputLen, heapPtr);',
      '  return dumpJSON(runPlan(ep, input, data));',
      '}',
      'export function eval(ctx: u32): i32 {',
      '  store<u32>(ctx, runPlan(load<i32>(ctx, 8), load<u32>(ctx), load<u32>(ctx, 4)), 12);',
      '  return 0;',
      '}',
    );
    return lines.join('\n');
  }
}
