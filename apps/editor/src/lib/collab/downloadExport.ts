import { exportUrl, fetchApi, type ExportFormat } from './documentsApi.js';

/** The file name a Content-Disposition header gives (its UTF-8 `filename*` first), or null. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // Fall through to the plain name.
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null;
}

/**
 * Downloads a document's export. Fetched rather than followed as a link, so that the
 * access token of a share link goes with it (a link cannot carry a header).
 */
export async function downloadExport(docId: string, format: ExportFormat): Promise<void> {
  const res = await fetchApi(exportUrl(docId, format), {}, 'The download did not work.');
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = dispositionName(res.headers.get('content-disposition')) ?? `document.${format}`;
  link.click();
  // The browser has taken the file once the click's task has run.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
