/** Status lines after a redirect, by key: the query string names one, it never carries text. */
const NOTICES: Record<string, string> = {
  created: 'Agent created.',
  suspended: 'Agent suspended: its tokens are refused until you reactivate it.',
  reactivated: 'Agent reactivated.',
  revoked: 'Agent revoked for good; all its tokens stopped working.',
  token_revoked: 'Token revoked.',
  grant_created: 'Grant added.',
  grant_revoked: 'Grant revoked.',
  password_changed: 'Password changed. Your other sessions were signed out; sign in again.',
  user_disabled: 'User disabled; their sessions ended.',
  user_enabled: 'User enabled.',
  denied: 'Denied: nothing was run.',
  paired: 'Device approved. It receives its token at its next poll.',
  pair_denied: 'Pairing request denied.',
  oauth_revoked: 'OAuth client revoked: its access and refresh tokens stopped working.',
};

export function noticeFor(key: unknown): string | undefined {
  return typeof key === 'string' ? NOTICES[key] : undefined;
}
