import { mount } from 'svelte';
import App from './App.svelte';
import { openEarly } from './lib/collab/openEarly.js';
import { adoptFormatStyles } from './lib/editor/formatStyles.js';
import './styles/global.css';
import './styles/trash.css';
import './styles/import.css';
import './styles/tables.css';
import './styles/outline.css';
import './styles/print.css';
import './styles/formatting.css';
import './styles/images.css';
import './styles/suggestions.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');

adoptFormatStyles(document);
openEarly(window.location.pathname);

export default mount(App, { target });

// The app shell works offline once a service worker has cached it (not in dev: Vite serves modules live).
// Registered at load, as the page's own requests end: a later registration raced tests (and people)
// that lose the server right after opening a document, and Chromium reports the failed fetch as an error.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Offline support is a bonus; the editor works without it.
    });
  });
}
