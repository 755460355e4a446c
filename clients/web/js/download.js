// Attachment downloads. The file is fetched with the Authorization header and
// saved from a blob: URL, so the access token never appears in a URL.

import { segment } from "./api.js";

// Long enough for the browser to start saving the file from the blob URL.
const REVOKE_AFTER_MS = 60_000;

export async function downloadAttachment(app, code, attachment) {
  const response = await app.api.request(
    "GET",
    `/operations/${segment(code)}/attachments/${segment(attachment.id)}`,
    { raw: true },
  );
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = attachment.filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
