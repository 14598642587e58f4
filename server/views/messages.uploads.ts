/**
 * The words of uploading images (/upload) and of the moderators' page of images
 * (/moderation/images), written natively in traditional and simplified Chinese (never converted by
 * machine).
 */
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

export const hantUploads = {
  title: '上傳圖片',
  /** The form's hint: the types taken and the member's own size limit. */
  hint: (maxBytes: number) =>
    `可上傳 JPEG、PNG、WebP 或 GIF 圖片（動圖保持動態），每張最多 ${size(maxBytes)}。照片的拍攝地點等資料會被刪除，大圖會被縮小。`,
  file: '圖片',
  alt: '圖片說明（可不填，給看不到圖片的讀者）',
  submit: '上傳',
  /** A link beside the reply form: the upload page opens beside it, so the text typed stays. */
  link: '上傳圖片',
  done: '圖片已上傳',
  /** "2560×1920，812 KB". */
  dimensions: (width: number, height: number, bytes: number) => `${width}×${height}，${size(bytes)}`,
  pasteHint: '把下面一段複製到帖子內容裡（帖子裡顯示縮略圖，點擊看原圖）：',
  markdown: 'Markdown 格式',
  html: 'HTML 格式',
  original: '原圖',
  another: '再上傳一張',
  /** The moderators' page. */
  moderation: '圖片管理',
  moderationHint: '刪除的圖片在所有帖子裡都不再顯示；「刪除並禁止」還會讓同一張圖片不能再被上傳。每次操作都記入版務日誌。',
  recent: '最近上傳的圖片',
  byId: '按圖片地址或編號處理',
  address: '圖片地址或編號',
  reason: '理由',
  purge: '刪除圖片',
  block: '刪除並禁止',
  purged: '已刪除',
  blocked: '已禁止',
  none: '還沒有人上傳圖片。',
  uploadedBy: (name: string | null) => (name ? `上傳者：${name}` : '上傳者已刪除帳號'),
  /** The avatar page (/settings/avatar). */
  avatar: '頭像',
  avatarChange: '更換頭像',
  avatarHint: (maxBytes: number) =>
    `上傳一張 JPEG、PNG、WebP 或 GIF 圖片（最多 ${size(maxBytes)}），會被裁成正方形並縮小；動圖只保留第一幀。沒有頭像時顯示名字的第一個字。`,
  avatarDefault: '你現在用的是默認頭像（名字的第一個字）。',
  avatarSubmit: '上傳頭像',
  avatarRemove: '刪除頭像，改用默認頭像',
};

export const hansUploads: typeof hantUploads = {
  title: '上传图片',
  hint: (maxBytes: number) =>
    `可上传 JPEG、PNG、WebP 或 GIF 图片（动图保持动态），每张最多 ${size(maxBytes)}。照片的拍摄地点等资料会被删除，大图会被缩小。`,
  file: '图片',
  alt: '图片说明（可不填，给看不到图片的读者）',
  submit: '上传',
  link: '上传图片',
  done: '图片已上传',
  dimensions: (width: number, height: number, bytes: number) => `${width}×${height}，${size(bytes)}`,
  pasteHint: '把下面一段复制到帖子内容里（帖子里显示缩略图，点击看原图）：',
  markdown: 'Markdown 格式',
  html: 'HTML 格式',
  original: '原图',
  another: '再上传一张',
  moderation: '图片管理',
  moderationHint: '删除的图片在所有帖子里都不再显示；“删除并禁止”还会让同一张图片不能再被上传。每次操作都记入版务日志。',
  recent: '最近上传的图片',
  byId: '按图片地址或编号处理',
  address: '图片地址或编号',
  reason: '理由',
  purge: '删除图片',
  block: '删除并禁止',
  purged: '已删除',
  blocked: '已禁止',
  none: '还没有人上传图片。',
  uploadedBy: (name: string | null) => (name ? `上传者：${name}` : '上传者已删除账号'),
  avatar: '头像',
  avatarChange: '更换头像',
  avatarHint: (maxBytes: number) =>
    `上传一张 JPEG、PNG、WebP 或 GIF 图片（最多 ${size(maxBytes)}），会被裁成正方形并缩小；动图只保留第一帧。没有头像时显示名字的第一个字。`,
  avatarDefault: '你现在用的是默认头像（名字的第一个字）。',
  avatarSubmit: '上传头像',
  avatarRemove: '删除头像，改用默认头像',
};
