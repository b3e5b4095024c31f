/**
 * Imported first by main.ts, so the document's connection starts as soon as the modules it needs
 * have run, before the rest of the editor's modules (ProseMirror, the pages, the panels) are
 * evaluated: the socket's connection then overlaps with that evaluation and the app's mount.
 */
import { openEarly } from './openEarly.js';

openEarly(window.location.pathname);
