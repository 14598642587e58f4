/**
 * Images in the composer, by button, paste or drop: each is uploaded to POST /api/uploads with
 * its progress on the status line, then inserted as markdown with its alt text selected, to be
 * written over.
 */
import { type Composer, fill, replaceSelection, say, toMarkdown } from './composer.core';

/** Uploads one image (POST /api/uploads) and inserts its markdown where the caret is, its alt text selected. */
function upload(c: Composer, file: File): void {
  if (!file.type.startsWith('image/')) return say(c, c.words.notImage, true);
  const name = file.name || 'image';
  // The file's own name is the first alt text (a pasted one has none worth keeping): selected once inserted, to be written over.
  const stem = name.replace(/\.[^.]*$/, '');
  const alt = /^(image|img|photo|screenshot|\d+)$/i.test(stem) ? c.words.imageAlt : stem;
  const data = new FormData();
  data.append('alt', alt);
  data.append('file', file, name);
  const request = new XMLHttpRequest();
  request.open('POST', '/api/uploads');
  request.setRequestHeader('Accept', 'application/json');
  request.responseType = 'json';
  request.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) say(c, `${fill(c.words.uploading, { s: name })} ${Math.round((e.loaded / e.total) * 100)}%`);
  });
  request.addEventListener('error', () => say(c, fill(c.words.uploadFailed, { s: name, e: c.words.offline }), true));
  request.addEventListener('load', () => {
    const answer = request.response as { snippets?: { markdown: string }; error?: { message?: string; localized?: string } } | null;
    if (request.status !== 201 || !answer?.snippets) {
      const why = answer?.error?.localized ?? answer?.error?.message ?? String(request.status);
      return say(c, fill(c.words.uploadFailed, { s: name, e: why }), true);
    }
    toMarkdown(c);
    const { body } = c;
    const before = body.value.slice(0, body.selectionStart);
    const lead = before === '' || before.endsWith('\n') ? '' : '\n';
    const snippet = answer.snippets.markdown;
    // The alt text sits after "[![" in the snippet: selected, to be written over.
    const altAt = snippet.indexOf('[![') + 3;
    const altEnd = snippet.indexOf('](', altAt);
    replaceSelection(c, `${lead}${snippet}\n`, lead.length + altAt, lead.length + altEnd);
    say(c, fill(c.words.uploaded, { s: name }));
  });
  say(c, fill(c.words.uploading, { s: name }));
  request.send(data);
}

/** The files a paste or drop carries (a drop of anything else is told it is not an image). */
const filesIn = (list: DataTransfer | null): File[] => (list ? Array.from(list.files) : []);

/** The image button's file input, paste and drop into the body: each image is uploaded. */
export function setUpUploads(c: Composer): void {
  const { form, body } = c;
  // The toolbar's image button does what the upload page's link did, in place.
  form.querySelector<HTMLElement>('.upload-link')?.setAttribute('hidden', '');
  const files = form.querySelector<HTMLInputElement>('input.image-file');
  files?.addEventListener('change', () => {
    for (const file of Array.from(files.files ?? [])) upload(c, file);
    files.value = '';
  });
  body.addEventListener('paste', (e) => {
    const images = filesIn(e.clipboardData).filter((f) => f.type.startsWith('image/'));
    if (images.length === 0) return;
    e.preventDefault();
    for (const file of images) upload(c, file);
  });
  body.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  body.addEventListener('drop', (e) => {
    const dropped = filesIn(e.dataTransfer);
    if (dropped.length === 0) return;
    e.preventDefault();
    for (const file of dropped) upload(c, file);
  });
}
