import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS with a default export; under NodeNext the callable sits on .default.
type AddFormats = typeof addFormatsModule.default;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

/**
 * The ajv instance for tool schemas: JSON Schema 2020-12, strict, every error reported, with formats.
 * strictRequired is the one strict rule relaxed: the contracts say "one of these fields" and "a UUID
 * needs project" with `required` inside anyOf/oneOf/then branches, whose names are declared by the
 * parent object; contract-checks.ts checks those names instead.
 */
export function createToolSchemaAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, verbose: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}
