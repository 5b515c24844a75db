/**
 * A light stand-in for Plane's description/comment normalisation (lxml + nh3): text without markup
 * is escaped and wrapped in a paragraph, script and style elements and inline event handlers are
 * removed. Enough that clients cannot rely on byte-for-byte round trips, as with the real server.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

export function normaliseHtml(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') return '<p></p>';
  if (!trimmed.startsWith('<')) return `<p>${escapeText(trimmed)}</p>`;
  return trimmed
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
}
