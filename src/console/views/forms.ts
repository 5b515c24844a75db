import type { FieldError } from '../../errors/index.js';
import { html, type Html, type HtmlPart } from '../html.js';

/** Field errors by form field name (the last non-numeric token of each JSON pointer). */
export type FieldErrors = Map<string, string[]>;

export function fieldName(pointer: string): string {
  const tokens = pointer.split('/').filter((t) => t !== '' && !/^\d+$/.test(t));
  return tokens[tokens.length - 1] ?? 'form';
}

export function byField(fields: readonly FieldError[] | undefined): FieldErrors {
  const out: FieldErrors = new Map();
  for (const f of fields ?? []) {
    const name = fieldName(f.pointer);
    out.set(name, [...(out.get(name) ?? []), f.message]);
  }
  return out;
}

/** The error text under a field, tied to it with aria-describedby (see `invalidAttrs`). */
export function fieldError(errors: FieldErrors, name: string): Html {
  const messages = errors.get(name);
  return messages ? html`<p class="field-error" id="err-${name}">${messages.join('; ')}</p>` : html``;
}

export function invalidAttrs(errors: FieldErrors, name: string): Html {
  return errors.has(name) ? html` aria-invalid="true" aria-describedby="err-${name}"` : html``;
}

export function csrfField(token: string | undefined): Html {
  return html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;
}

/** A form-level error summary, read out when the page loads (role=alert). */
export function errorSummary(message: string | undefined, errors: FieldErrors): Html {
  if (!message && errors.size === 0) return html``;
  const general = errors.get('form');
  return html`<div class="error-summary" role="alert"><p>${message ?? 'Please correct the fields below.'}</p>${general ? html`<p>${general.join('; ')}</p>` : ''}</div>`;
}

export function textField(name: string, label: string, value: string, errors: FieldErrors, attrs: HtmlPart = ''): Html {
  return html`<div class="field"><label for="f-${name}">${label}</label>
    <input id="f-${name}" name="${name}" value="${value}"${invalidAttrs(errors, name)} ${attrs}>
    ${fieldError(errors, name)}</div>`;
}
