/**
 * graphql.* built-ins. graphql-js parses and validates; its AST is converted to the JSON shape of the
 * gqlparser structs that OPA returns (Go field names, Position dropped, null and empty values
 * pruned). gqlparser is more lenient than graphql-js in two documented ways that OPA inherits:
 * extending an undefined type defines it, and a schema needs no Query root type.
 */
import {
  GraphQLError,
  Kind,
  buildASTSchema,
  parse,
  validate,
  validateSchema,
  type ASTNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';
import type { HostImplementation } from '../types.js';
import { asString, fail, isObject, type JsonObject, type JsonValue } from '../value.js';
import { queryDocumentFromAst, schemaDocumentFromAst } from './graphql-from-ast.js';

type Out = { [key: string]: Out | Out[] | string | number | boolean | null | undefined | string[] };

const VALUE_KIND: Record<string, number> = {
  [Kind.VARIABLE]: 0,
  [Kind.INT]: 1,
  [Kind.FLOAT]: 2,
  [Kind.STRING]: 3,
  [Kind.BOOLEAN]: 5,
  [Kind.NULL]: 6,
  [Kind.ENUM]: 7,
  [Kind.LIST]: 8,
  [Kind.OBJECT]: 9,
};

const DEFINITION_KIND: Record<string, string> = {
  [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR',
  [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
  [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT',
  [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE',
  [Kind.UNION_TYPE_DEFINITION]: 'UNION',
  [Kind.UNION_TYPE_EXTENSION]: 'UNION',
  [Kind.ENUM_TYPE_DEFINITION]: 'ENUM',
  [Kind.ENUM_TYPE_EXTENSION]: 'ENUM',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT',
};

function value(node: ValueNode): Out {
  const base: Out = { ExpectedTypeHasDefault: false, Kind: VALUE_KIND[node.kind] ?? 0 };
  switch (node.kind) {
    case Kind.VARIABLE:
      return { ...base, Raw: node.name.value };
    case Kind.STRING:
      return { ...base, Kind: node.block ? 4 : 3, Raw: node.value };
    case Kind.INT:
    case Kind.FLOAT:
    case Kind.ENUM:
      return { ...base, Raw: node.value };
    case Kind.BOOLEAN:
      return { ...base, Raw: String(node.value) };
    case Kind.NULL:
      return { ...base, Raw: 'null' };
    case Kind.LIST:
      return { ...base, Raw: '', Children: node.values.map((v) => ({ Name: '', Value: value(v) })) };
    case Kind.OBJECT:
      return { ...base, Raw: '', Children: node.fields.map((f) => ({ Name: f.name.value, Value: value(f.value) })) };
  }
}

function type(node: TypeNode, nonNull = false): Out {
  if (node.kind === Kind.NON_NULL_TYPE) return type(node.type, true);
  if (node.kind === Kind.LIST_TYPE) return { NamedType: '', Elem: type(node.type), NonNull: nonNull };
  return { NamedType: node.name.value, NonNull: nonNull };
}

function directives(list: readonly DirectiveNode[] | undefined): Out[] {
  return (list ?? []).map((d) => ({ Name: d.name.value, Arguments: args(d.arguments), Location: '' }));
}

function args(list: readonly { name: { value: string }; value: ValueNode }[] | undefined): Out[] {
  return (list ?? []).map((a) => ({ Name: a.name.value, Value: value(a.value) }));
}

function selectionSet(node: { selectionSet?: { selections: readonly ASTNode[] } | undefined }): Out[] {
  return (node.selectionSet?.selections ?? []).map(selection);
}

function selection(node: ASTNode): Out {
  if (node.kind === Kind.FIELD) {
    return {
      Alias: node.alias?.value ?? node.name.value,
      Name: node.name.value,
      Arguments: args(node.arguments),
      Directives: directives(node.directives),
      SelectionSet: selectionSet(node),
    };
  }
  if (node.kind === Kind.FRAGMENT_SPREAD) return { Name: node.name.value, Directives: directives(node.directives) };
  if (node.kind === Kind.INLINE_FRAGMENT) {
    return { TypeCondition: node.typeCondition?.name.value ?? '', Directives: directives(node.directives), SelectionSet: selectionSet(node) };
  }
  return fail(`unexpected selection ${node.kind}`);
}

function variableDefinitions(list: readonly import('graphql').VariableDefinitionNode[] | undefined): Out[] {
  return (list ?? []).map((v) => ({
    Variable: v.variable.name.value,
    Type: type(v.type),
    DefaultValue: v.defaultValue ? value(v.defaultValue) : null,
    Directives: directives(v.directives),
    Used: false,
  }));
}

function inputValue(node: import('graphql').InputValueDefinitionNode): Out {
  return {
    Description: node.description?.value ?? '',
    Name: node.name.value,
    DefaultValue: node.defaultValue ? value(node.defaultValue) : null,
    Type: type(node.type),
    Directives: directives(node.directives),
  };
}

function typeDefinition(node: DefinitionNode): Out {
  const n = node as unknown as Record<string, unknown> & { name: { value: string } };
  const fields = (n.fields as readonly ASTNode[] | undefined) ?? [];
  return {
    Kind: DEFINITION_KIND[node.kind]!,
    Description: (n.description as { value: string } | undefined)?.value ?? '',
    Name: n.name.value,
    Directives: directives(n.directives as readonly DirectiveNode[] | undefined),
    Interfaces: ((n.interfaces as readonly { name: { value: string } }[] | undefined) ?? []).map((i) => i.name.value),
    Fields: fields.map((f) => {
      if (f.kind === Kind.INPUT_VALUE_DEFINITION) return { ...inputValue(f), Arguments: [] };
      if (f.kind !== Kind.FIELD_DEFINITION) return fail('unexpected field');
      return {
        Description: f.description?.value ?? '',
        Name: f.name.value,
        Arguments: (f.arguments ?? []).map(inputValue),
        Type: type(f.type),
        Directives: directives(f.directives),
      };
    }),
    Types: ((n.types as readonly { name: { value: string } }[] | undefined) ?? []).map((t) => t.name.value),
    EnumValues: ((n.values as readonly import('graphql').EnumValueDefinitionNode[] | undefined) ?? []).map((v) => ({
      Description: v.description?.value ?? '',
      Name: v.name.value,
      Directives: directives(v.directives),
    })),
    BuiltIn: false,
  };
}

function schemaDefinition(node: import('graphql').SchemaDefinitionNode | import('graphql').SchemaExtensionNode): Out {
  return {
    Description: node.kind === Kind.SCHEMA_DEFINITION ? (node.description?.value ?? '') : '',
    Directives: directives(node.directives),
    OperationTypes: (node.operationTypes ?? []).map((o) => ({ Operation: o.operation, Type: o.type.name.value })),
  };
}

/** OPA's pruneIrrelevantGraphQLASTNodes: drop nulls and (recursively) empty arrays and objects. */
function prune(v: unknown): JsonValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(prune).filter((x): x is JsonValue => x !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const kept = prune(x);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v as JsonValue;
}

function pruned(v: Out): JsonValue {
  return prune(v) ?? {};
}

function parseDocument(text: string): DocumentNode {
  // gqlparser reads a blank document (whitespace, commas, comments) as one with no definitions.
  if (/^(?:[\s,\uFEFF]|#[^\n\r]*)*$/.test(text)) return { kind: Kind.DOCUMENT, definitions: [] };
  try {
    // gqlparser accepts variables on fragment definitions, which graphql-js calls legacy syntax.
    return parse(text, { noLocation: true, allowLegacyFragmentVariables: true });
  } catch (err) {
    if (err instanceof GraphQLError) fail(`${err.message} in GraphQL string`);
    throw err;
  }
}

function parseQueryDocument(text: string): DocumentNode {
  const doc = parseDocument(text);
  if (doc.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION)) {
    fail('schema definitions are not allowed in a query');
  }
  return doc;
}

function parseSchemaDocument(text: string): DocumentNode {
  const doc = parseDocument(text);
  if (doc.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION)) {
    fail('executable definitions are not allowed in a schema');
  }
  return doc;
}

function queryAst(doc: DocumentNode): JsonValue {
  const operations: Out[] = [];
  const fragments: Out[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      operations.push({
        Operation: d.operation,
        Name: d.name?.value ?? '',
        VariableDefinitions: variableDefinitions(d.variableDefinitions),
        Directives: directives(d.directives),
        SelectionSet: selectionSet(d),
      });
    } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.push({
        Name: d.name.value,
        VariableDefinition: variableDefinitions(d.variableDefinitions),
        TypeCondition: d.typeCondition.name.value,
        Directives: directives(d.directives),
        SelectionSet: selectionSet(d),
      });
    }
  }
  return pruned({ Operations: operations, Fragments: fragments });
}

function schemaAst(doc: DocumentNode): JsonValue {
  const out: Record<string, Out[]> = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
  for (const d of doc.definitions) {
    if (d.kind === Kind.SCHEMA_DEFINITION) out.Schema!.push(schemaDefinition(d));
    else if (d.kind === Kind.SCHEMA_EXTENSION) out.SchemaExtension!.push(schemaDefinition(d));
    else if (d.kind === Kind.DIRECTIVE_DEFINITION) {
      out.Directives!.push({
        Description: d.description?.value ?? '',
        Name: d.name.value,
        Arguments: d.arguments?.map(inputValue) ?? [],
        Locations: d.locations.map((l) => l.value),
        IsRepeatable: d.repeatable,
      });
    } else if (d.kind.endsWith('Extension')) out.Extensions!.push(typeDefinition(d));
    else out.Definitions!.push(typeDefinition(d));
  }
  return pruned(out);
}

const EXTENSION_TO_DEFINITION: Record<string, Kind> = {
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
};

/** gqlparser turns the first extension of an undefined type into its definition. */
function definePendingExtensions(doc: DocumentNode): DocumentNode {
  const defined = new Set(
    doc.definitions.flatMap((d) => ('name' in d && d.name && !d.kind.endsWith('Extension') ? [d.name.value] : [])),
  );
  const definitions = doc.definitions.map((d) => {
    const target = EXTENSION_TO_DEFINITION[d.kind];
    if (target === undefined || !('name' in d) || !d.name || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind: target } as DefinitionNode;
  });
  return { ...doc, definitions };
}

const NO_QUERY_ROOT = /Query root type must be provided/;

/** Validates the schema (minus the Query-root rule gqlparser lacks) and returns it ready for validate(). */
function buildSchema(doc: DocumentNode): import('graphql').GraphQLSchema {
  const completed = definePendingExtensions(doc);
  const errors = validateSchema(buildASTSchema(completed)).filter((e) => !NO_QUERY_ROOT.test(e.message));
  if (errors.length > 0) fail(errors[0]!.message);
  // assumeValid: the schema was just validated; graphql-js would otherwise insist on a Query root again.
  return buildASTSchema(completed, { assumeValid: true });
}

function schemaFromArg(arg: unknown): DocumentNode {
  if (typeof arg === 'string') return parseSchemaDocument(arg);
  if (isObject(arg)) return schemaDocumentFromAst(arg);
  return fail('schema must be a GraphQL string or AST object');
}

function queryFromArg(arg: unknown): DocumentNode {
  if (typeof arg === 'string') return parseQueryDocument(arg);
  if (isObject(arg)) return queryDocumentFromAst(arg);
  return fail('query must be a GraphQL string or AST object');
}

function validateQuery(query: DocumentNode, schemaDoc: DocumentNode): void {
  const schema = buildSchema(schemaDoc);
  for (const d of query.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION && !schema.getRootType(d.operation)) {
      fail(`Schema does not support operation type "${d.operation}" in GraphQL query string`);
    }
  }
  const errors = validate(schema, query);
  if (errors.length > 0) fail(`${errors[0]!.message} in GraphQL query string`);
}

function succeeds(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

export const graphqlBuiltins: Readonly<Record<string, HostImplementation>> = {
  'graphql.parse_query': (q: unknown) => queryAst(parseQueryDocument(asString(q, 'operand 1'))),
  'graphql.parse_schema': (s: unknown) => schemaAst(parseSchemaDocument(asString(s, 'operand 1'))),
  'graphql.schema_is_valid': (s: unknown) => succeeds(() => buildSchema(schemaFromArg(s))),
  'graphql.is_valid': (q: unknown, s: unknown) => succeeds(() => validateQuery(queryFromArg(q), schemaFromArg(s))),
  'graphql.parse': (q: unknown, s: unknown) => {
    const query = queryFromArg(q);
    const schema = schemaFromArg(s);
    validateQuery(query, schema);
    return [queryAst(query), schemaAst(schema)];
  },
  'graphql.parse_and_verify': (q: unknown, s: unknown) => {
    try {
      const query = queryFromArg(q);
      const schema = schemaFromArg(s);
      validateQuery(query, schema);
      return [true, queryAst(query), schemaAst(schema)];
    } catch {
      return [false, {}, {}];
    }
  },
};

