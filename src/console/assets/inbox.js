// The approvals inbox updates live from server-sent events; without JavaScript it works by reload.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const inbox = document.getElementById('inbox');
  const status = document.querySelector('[data-live-status]');
  const title = document.querySelector('title');
  if (!inbox || !window.EventSource) return;
  const baseTitle = title.getAttribute('data-base-title');

  const showCount = (n) => {
    title.textContent = (n > 0 ? '(' + n + ') ' : '') + baseTitle;
    for (const badge of document.querySelectorAll('[data-pending-count]')) badge.textContent = n > 0 ? String(n) : '';
  };

  let refreshing = false;
  const refresh = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      const res = await fetch('/console/approvals/list', { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok) return;
      const html = await res.text();
      const holder = document.createElement('div');
      holder.innerHTML = html;
      const fresh = holder.querySelector('#inbox');
      // Keep the user's place: do not swap the list while they are typing or focused inside it.
      if (fresh && !inbox.contains(document.activeElement)) inbox.replaceChildren(...fresh.childNodes);
      else if (fresh) inbox.setAttribute('data-stale', 'true');
    } finally {
      refreshing = false;
    }
  };

  const events = new EventSource('/console/approvals/events');
  events.addEventListener('open', () => {
    if (status) status.textContent = 'Live: new requests appear here.';
  });
  events.addEventListener('pending', (event) => {
    const n = JSON.parse(event.data).pending;
    showCount(n);
    refresh();
  });
  events.addEventListener('error', () => {
    if (status) status.textContent = 'Live updates paused; reconnecting…';
  });
});
