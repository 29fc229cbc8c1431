// live-entry.js — the citizen page in an event's mode (/?event=ID, where
// the live room's QR code leads): while staff keep the event's live entry
// open, the page names the event and every entry carries it (the server
// gives it the event's channel); otherwise — no such event, or its live
// entry closed — the page is the normal one.

import { getJSON } from './api.js';
import { t } from './i18n.js';

// The event of ?event= whose live entry is open, or null.
export async function liveEvent() {
  const id = new URLSearchParams(location.search).get('event');
  if (!/^[1-9][0-9]{0,17}$/.test(id || '')) return null;
  try {
    const event = await getJSON(`/api/events/${id}`);
    return event.live ? event : null;
  } catch (e) {
    return null;
  }
}

// Names the event under the page's title (again after a language switch).
export function showEvent(event) {
  let line = document.getElementById('event-banner');
  if (!line) {
    line = document.createElement('p');
    line.id = 'event-banner';
    line.className = 'event-banner';
    document.querySelector('.brand').append(line);
  }
  line.textContent = t('eventBanner', { name: event.name });
}
