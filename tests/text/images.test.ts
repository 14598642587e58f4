import { uploadedImagesIn, withoutImages } from '../../server/text/images';

// Taking uploaded images out of a source (an author removing an image while editing): each format's
// ways of showing one go, everything else stays as written.

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('withoutImages', () => {
  it('takes the upload snippet, a bare image and a link out of markdown, keeping the link text and other images', () => {
    const source = `山頂：\n\n[![山 \\[頂\\]](/uploads/${A}.thumb.webp)](/uploads/${A}.jpg)\n\n![別的](/uploads/${B}.thumb.webp) 和 ![](/uploads/${A}.png)\n\n[原圖](/uploads/${A}.jpg) 在此`;
    expect(withoutImages('markdown', source, [A])).toBe(`山頂：\n\n\n\n![別的](/uploads/${B}.thumb.webp) 和 \n\n原圖 在此`);
  });

  it('takes the linked thumbnail, a bare img and a link out of html', () => {
    const source = `<p>看<a href="/uploads/${A}.jpg"><img src="/uploads/${A}.thumb.webp" alt="x" width="480" height="360" /></a>這</p><img src="/uploads/${B}.png"><img src="/uploads/${A}.png" alt=""><a href="/uploads/${A}.jpg" rel="x">原圖</a>`;
    expect(withoutImages('html', source, [A])).toBe(`<p>看這</p><img src="/uploads/${B}.png">原圖`);
  });

  it('takes the address out of text, absolute or not, and ignores what is not an image id', () => {
    const source = `圖在 https://forum.example/uploads/${A}.jpg 和 /uploads/${A}.thumb.webp，還有 /uploads/${B}.jpg`;
    expect(withoutImages('text', source, [A, 'not-a-hash', '.*'])).toBe(`圖在  和 ，還有 /uploads/${B}.jpg`);
  });
});

describe('uploadedImagesIn', () => {
  it('finds each uploaded image a sanitized body shows once, in order, and nothing from elsewhere', () => {
    const html = `<a href="/uploads/${B}.jpg"><img src="/uploads/${B}.thumb.webp" /></a><img src="https://example.com/uploads/${A}.jpg" /><img src="/uploads/${A}.png" />`;
    expect(uploadedImagesIn(html)).toEqual([B, A]);
  });
});
