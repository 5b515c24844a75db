// Progressive enhancement only: every page works without this file.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  // Copy buttons next to secrets shown once.
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const input = document.getElementById(button.getAttribute('data-copy'));
    const status = button.parentElement.querySelector('[data-copy-status]');
    if (!input || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        if (status) status.textContent = 'Copied.';
      } catch {
        input.select();
        if (status) status.textContent = 'Select and copy by hand.';
      }
    });
  }
  // Selecting a secret field selects all of it (easier on a phone).
  for (const input of document.querySelectorAll('input[data-secret]')) input.addEventListener('focus', () => input.select());
  // Ask once more before destructive buttons.
  for (const button of document.querySelectorAll('button.danger')) {
    button.form?.addEventListener('submit', (event) => {
      if (!window.confirm(button.textContent.trim() + '?')) event.preventDefault();
    });
  }
});
