import type { ErrorParams } from '../errors';
import type { Shown } from './messages.fields';

/**
 * The words of the refusals of an uploaded image (ImageRefused, ImageTooLarge), in traditional and
 * simplified Chinese (never converted by machine): messages.errors.ts uses them.
 */

/** A byte limit in words: "10 MB", "512 KB". */
export const megabytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
/** A pixel count in words: "5000 萬" (ten thousands, as Chinese counts). */
const pixels = (n: number) => (n >= 10_000 ? `${+(n / 10_000).toFixed(0)} 萬` : String(n));
const pixelsHans = (n: number) => (n >= 10_000 ? `${+(n / 10_000).toFixed(0)} 万` : String(n));

/** ImageRefused, by reason (traditional). */
export const hantImageRefused = (p: Shown<ErrorParams['ImageRefused']>) => {
  switch (p.reason) {
    case 'notImage':
      return '這個文件不是圖片：只能上傳 JPEG、PNG、WebP 或 GIF 圖片。';
    case 'type':
      return `不支持 ${p.format.toUpperCase()} 格式：只能上傳 JPEG、PNG、WebP 或 GIF 圖片。`;
    case 'heic':
      return '無法讀取 HEIC 格式的照片：請在手機上改用「兼容性最佳」格式拍攝，或先轉成 JPEG 再上傳。';
    case 'damaged':
      return '圖片已損壞或不完整（可能沒有上傳完），請重新上傳。';
    case 'pixels':
      return `圖片太大：最多 ${pixels(p.max)} 像素，請縮小後再上傳。`;
    case 'blocked':
      return '這張圖片已被管理人員禁止上傳。';
  }
};
/** ImageRefused, by reason (simplified). */
export const hansImageRefused = (p: Shown<ErrorParams['ImageRefused']>) => {
  switch (p.reason) {
    case 'notImage':
      return '这个文件不是图片：只能上传 JPEG、PNG、WebP 或 GIF 图片。';
    case 'type':
      return `不支持 ${p.format.toUpperCase()} 格式：只能上传 JPEG、PNG、WebP 或 GIF 图片。`;
    case 'heic':
      return '无法读取 HEIC 格式的照片：请在手机上改用“兼容性最佳”格式拍摄，或先转成 JPEG 再上传。';
    case 'damaged':
      return '图片已损坏或不完整（可能没有上传完），请重新上传。';
    case 'pixels':
      return `图片太大：最多 ${pixelsHans(p.max)} 像素，请缩小后再上传。`;
    case 'blocked':
      return '这张图片已被管理人员禁止上传。';
  }
};
