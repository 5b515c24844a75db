/**
 * The reverse of the gqlparser-shaped JSON that graphql.parse_query / parse_schema return: turns
 * such an object back into a graphql-js document, so that the graphql.* built-ins accept AST
 * objects wherever OPA accepts them.
 */
import { Kind, type DocumentNode } from 'graphql';
import { fail, isObject, type JsonObject, type JsonValue } from '../value.js';

/* The graphql-js node types are deeply readonly unions; building them field by field is clearer untyped. */
type Node = Record<string, unknown>;

const name = (value: unknown): Node => ({ kind: Kind.NAME, value: typeof value === 'string' ? value : fail('name must be a string') });
const list = (value: JsonValue | undefined): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);
const strings = (value: JsonValue | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function type(t: JsonValue | undefined): Node {
  if (!isObject(t)) return fail('type must be an object');
  const inner: Node = isObject(t.Elem) ? { kind: Kind.LIST_TYPE, type: type(t.Elem) } : { kind: Kind.NAMED_TYPE, name: name(t.NamedType) };
  return t.NonNull === true ? { kind: Kind.NON_NULL_TYPE, type: inner } : inner;
}

function value(v: JsonValue | undefined): Node {
  if (!isObject(v)) return fail('value must be an object');
  const raw = typeof v.Raw === 'string' ? v.Raw : '';
  switch (v.Kind) {
    case 0: return { kind: Kind.VARIABLE, name: name(raw) };
    case 1: return { kind: Kind.INT, value: raw };
    case 2: return { kind: Kind.FLOAT, value: raw };
    case 3: return { kind: Kind.STRING, value: raw, block: false };
    case 4: return { kind: Kind.STRING, value: raw, block: true };
    case 5: return { kind: Kind.BOOLEAN, value: raw === 'true' };
    case 6: return { kind: Kind.NULL };
    case 7: return { kind: Kind.ENUM, value: raw };
    case 8: return { kind: Kind.LIST, values: list(v.Children).map((c) => value(c.Value)) };
    case 9: return { kind: Kind.OBJECT, fields: list(v.Children).map((c) => ({ kind: Kind.OBJECT_FIELD, name: name(c.Name), value: value(c.Value) })) };
    default: return fail('unknown value kind');
  }
}

const args = (a: JsonValue | undefined): Node[] => list(a).map((x) => ({ kind: Kind.ARGUMENT, name: name(x.Name), value: value(x.Value) }));
const directives = (d: JsonValue | undefined): Node[] => list(d).map((x) => ({ kind: Kind.DIRECTIVE, name: name(x.Name), arguments: args(x.Arguments) }));
const description = (d: JsonValue | undefined): Node | undefined => (typeof d === 'string' && d !== '' ? { kind: Kind.STRING, value: d } : undefined);

function selectionSet(s: JsonValue | undefined): Node | undefined {
  const selections = list(s);
  return selections.length === 0 ? undefined : { kind: Kind.SELECTION_SET, selections: selections.map(selection) };
}

function selection(s: JsonObject): Node {
  if ('TypeCondition' in s) {
    const tc = typeof s.TypeCondition === 'string' && s.TypeCondition !== '' ? { kind: Kind.NAMED_TYPE, name: name(s.TypeCondition) } : undefined;
    return { kind: Kind.INLINE_FRAGMENT, typeCondition: tc, directives: directives(s.Directives), selectionSet: selectionSet(s.SelectionSet) };
  }
  if ('Alias' in s) {
    return {
      kind: Kind.FIELD,
      alias: s.Alias !== s.Name ? name(s.Alias) : undefined,
      name: name(s.Name),
      arguments: args(s.Arguments),
      directives: directives(s.Directives),
      selectionSet: selectionSet(s.SelectionSet),
    };
  }
  return { kind: Kind.FRAGMENT_SPREAD, name: name(s.Name), directives: directives(s.Directives) };
}

const variables = (v: JsonValue | undefined): Node[] =>
  list(v).map((x) => ({
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: name(x.Variable) },
    type: type(x.Type),
    defaultValue: x.DefaultValue === undefined ? undefined : value(x.DefaultValue),
    directives: directives(x.Directives),
  }));

export function queryDocumentFromAst(ast: JsonObject): DocumentNode {
  const operations = list(ast.Operations).map((o) => ({
    kind: Kind.OPERATION_DEFINITION,
    operation: o.Operation ?? 'query',
    name: typeof o.Name === 'string' && o.Name !== '' ? name(o.Name) : undefined,
    variableDefinitions: variables(o.VariableDefinitions),
    directives: directives(o.Directives),
    selectionSet: selectionSet(o.SelectionSet) ?? { kind: Kind.SELECTION_SET, selections: [] },
  }));
  const fragments = list(ast.Fragments).map((f) => ({
    kind: Kind.FRAGMENT_DEFINITION,
    name: name(f.Name),
    variableDefinitions: variables(f.VariableDefinition),
    typeCondition: { kind: Kind.NAMED_TYPE, name: name(f.TypeCondition) },
    directives: directives(f.Directives),
    selectionSet: selectionSet(f.SelectionSet) ?? { kind: Kind.SELECTION_SET, selections: [] },
  }));
  return { kind: Kind.DOCUMENT, definitions: [...operations, ...fragments] } as unknown as DocumentNode;
}

const DEFINITION_KINDS: Record<string, [Kind, Kind]> = {
  SCALAR: [Kind.SCALAR_TYPE_DEFINITION, Kind.SCALAR_TYPE_EXTENSION],
  OBJECT: [Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION],
  INTERFACE: [Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION],
  UNION: [Kind.UNION_TYPE_DEFINITION, Kind.UNION_TYPE_EXTENSION],
  ENUM: [Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_TYPE_EXTENSION],
  INPUT_OBJECT: [Kind.INPUT_OBJECT_TYPE_DEFINITION, Kind.INPUT_OBJECT_TYPE_EXTENSION],
};

function inputValue(x: JsonObject): Node {
  return {
    kind: Kind.INPUT_VALUE_DEFINITION,
    description: description(x.Description),
    name: name(x.Name),
    type: type(x.Type),
    defaultValue: x.DefaultValue === undefined ? undefined : value(x.DefaultValue),
    directives: directives(x.Directives),
  };
}

function definition(d: JsonObject, extension: boolean): Node {
  const kinds = DEFINITION_KINDS[String(d.Kind)] ?? fail(`unknown definition kind ${String(d.Kind)}`);
  const isInput = d.Kind === 'INPUT_OBJECT';
  return {
    kind: kinds[extension ? 1 : 0],
    description: extension ? undefined : description(d.Description),
    name: name(d.Name),
    directives: directives(d.Directives),
    interfaces: strings(d.Interfaces).map((i) => ({ kind: Kind.NAMED_TYPE, name: name(i) })),
    fields: list(d.Fields).map((f) =>
      isInput
        ? inputValue(f)
        : { kind: Kind.FIELD_DEFINITION, description: description(f.Description), name: name(f.Name), arguments: list(f.Arguments).map(inputValue), type: type(f.Type), directives: directives(f.Directives) },
    ),
    types: strings(d.Types).map((t) => ({ kind: Kind.NAMED_TYPE, name: name(t) })),
    values: list(d.EnumValues).map((v) => ({ kind: Kind.ENUM_VALUE_DEFINITION, description: description(v.Description), name: name(v.Name), directives: directives(v.Directives) })),
  };
}

function schemaDefinition(s: JsonObject, extension: boolean): Node {
  return {
    kind: extension ? Kind.SCHEMA_EXTENSION : Kind.SCHEMA_DEFINITION,
    description: extension ? undefined : description(s.Description),
    directives: directives(s.Directives),
    operationTypes: list(s.OperationTypes).map((o) => ({ kind: Kind.OPERATION_TYPE_DEFINITION, operation: o.Operation, type: { kind: Kind.NAMED_TYPE, name: name(o.Type) } })),
  };
}

export function schemaDocumentFromAst(ast: JsonObject): DocumentNode {
  const definitions = [
    ...list(ast.Schema).map((s) => schemaDefinition(s, false)),
    ...list(ast.SchemaExtension).map((s) => schemaDefinition(s, true)),
    ...list(ast.Directives).map((d) => ({
      kind: Kind.DIRECTIVE_DEFINITION,
      description: description(d.Description),
      name: name(d.Name),
      arguments: list(d.Arguments).map(inputValue),
      repeatable: d.IsRepeatable === true,
      locations: strings(d.Locations).map((l) => name(l)),
    })),
    ...list(ast.Definitions).map((d) => definition(d, false)),
    ...list(ast.Extensions).map((d) => definition(d, true)),
  ];
  return { kind: Kind.DOCUMENT, definitions } as unknown as DocumentNode;
}
