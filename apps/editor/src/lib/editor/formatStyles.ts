import { themedFormatCss } from '@tandem/crdt-bridge';

/**
 * Adds the palette's colour, highlight and alignment rules to `doc`'s styles. A constructed
 * sheet rather than a <style> element: the page's Content-Security-Policy allows only our
 * own style files, and the rules come from the palette, so they are not written twice.
 */
export function adoptFormatStyles(doc: Document): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(themedFormatCss(''));
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}
