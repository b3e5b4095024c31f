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
// It is registered a moment after the page has loaded, once the browser is idle: installing it
// downloads the whole shell again, which would compete with opening the document.
const SERVICE_WORKER_DELAY_MS = 2_000;
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    setTimeout(() => {
      const register = () =>
        navigator.serviceWorker.register('/sw.js').catch(() => {
          // Offline support is a bonus; the editor works without it.
        });
      if (typeof requestIdleCallback === 'function') requestIdleCallback(register, { timeout: 2_000 });
      else register();
    }, SERVICE_WORKER_DELAY_MS);
  });
}
