/**
 * Go's pkix.Name as x509's parseName and Name.FillFromRDNSequence build it, in encoding/json form:
 * the well-known attributes in their fields, every attribute in Names (in order), ExtraNames nil.
 * Attribute values of a non-string ASN.1 type stop the evaluation (Go releases differ on them).
 */
import { fail, notExact, type JsonObject, type JsonValue } from '../../value.js';
import type { Der } from '../der.js';
import { DerCursor, TAG, parseAsn1String, readOid } from './asn1.js';

const LIST_FIELDS: Record<number, string> = {
  6: 'Country', 7: 'Locality', 8: 'Province', 9: 'StreetAddress', 10: 'Organization', 11: 'OrganizationalUnit', 17: 'PostalCode',
};

/**
 * parseName over the raw Name SEQUENCE, then FillFromRDNSequence. `viaEncodingAsn1`: the name of a
 * certificate request, which Go reads with encoding/asn1; its T61String and BMPString readings
 * differ from x509's, so those stop.
 */
export function pkixNameJson(name: Der, builtin: string, viaEncodingAsn1 = false): JsonObject {
  const invalid = 'x509: invalid RDNSequence';
  if (name.tag !== TAG.SEQUENCE) fail(invalid);
  const out: JsonObject = {
    Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null,
    StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '', Names: null, ExtraNames: null,
  };
  const names: JsonValue[] = [];
  const rdns = new DerCursor(name.content, builtin);
  while (!rdns.empty()) {
    const set = rdns.read(TAG.SET, invalid);
    const atavs = new DerCursor(set.content, builtin);
    while (!atavs.empty()) {
      const atav = new DerCursor(atavs.read(TAG.SEQUENCE, `${invalid}: invalid attribute`).content, builtin);
      const type = readOid(atav.next(`${invalid}: invalid attribute type`), `${invalid}: invalid attribute type`);
      const valueEl = atav.next(`${invalid}: invalid attribute value`);
      if (viaEncodingAsn1 && (valueEl.tag === TAG.T61String || valueEl.tag === TAG.BMPString)) {
        notExact(builtin, 'a request subject attribute in T61String or BMPString');
      }
      let value: string | undefined;
      try {
        value = parseAsn1String(valueEl.tag, valueEl.content);
      } catch (err) {
        fail(`${invalid}: invalid attribute value: ${(err as Error).message}`);
      }
      if (value === undefined) notExact(builtin, `a name attribute value of ASN.1 tag ${valueEl.tag}`);
      names.push({ Type: type, Value: value });
      fillField(out, type, value);
    }
  }
  if (names.length > 0) out.Names = names;
  return out;
}

function fillField(out: JsonObject, type: number[], value: string): void {
  if (type.length !== 4 || type[0] !== 2 || type[1] !== 5 || type[2] !== 4) return;
  const t = type[3]!;
  if (t === 3) out.CommonName = value;
  else if (t === 5) out.SerialNumber = value;
  else if (LIST_FIELDS[t] !== undefined) {
    const field = LIST_FIELDS[t]!;
    out[field] = [...((out[field] as string[] | null) ?? []), value];
  }
}
