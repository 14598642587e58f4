/**
 * The words of the composer (views/composer.tsx and the browser module's client/composer.ts):
 * its toolbar, live byte count, draft, image uploads, quoting (引用) and the reply box that opens
 * under a follow-up line. Written natively in traditional and simplified Chinese (never converted
 * by machine). `client` is what the browser module says, handed to it as JSON on the form
 * (client/composer.ts Words lists them).
 */

export const hantComposer = {
  toolbar: '格式工具',
  bold: '粗體',
  quoteBlock: '引文',
  link: '連結',
  image: '圖片',
  list: '列表',
  /** Beside the format select: what each format does with what is typed. */
  formatHint: '純文字：寫甚麼顯示甚麼，以 > 開頭的行是引文。Markdown：**粗體**、[連結](https://…)、- 列表、> 引文、![圖片](…)。',
  /** The link on a post that opens the reply form with a quote of it. */
  quotePost: '引用',
  /** A quote's attribution after the name: "[張三](/t/1) 寫道：". */
  wrote: '寫道：',
  /** The Ctrl+Enter hint beside the send button. */
  sendKeys: 'Ctrl+Enter 發表',
  client: {
    /** Said when a toolbar button or an image moves a text post to markdown. */
    switchedToMarkdown: '已改用 Markdown 格式：粗體、連結、圖片和列表只在 Markdown 中有效。請預覽看看效果。',
    boldText: '粗體文字',
    linkText: '連結文字',
    listItem: '項目',
    /** A pasted image's alt text until the member writes one (it is selected once inserted). */
    imageAlt: '圖片說明',
    uploading: '正在上傳圖片 %s…',
    uploaded: '圖片已上傳並插入：%s',
    uploadFailed: '圖片 %s 沒有上傳：%e',
    notImage: '只能上傳圖片（JPEG、PNG、WebP、GIF）。',
    offline: '連不上伺服器，請稍後再試。',
    previewFailed: '預覽不成：%e',
    draftRestored: '已恢復您上次沒有發出的草稿。',
    discardDraft: '丟棄草稿',
    sending: '正在發表…',
    held: '您的跟帖在等待版主審核，通過後大家才看得到。',
    replyHere: '回覆',
    replyTo: '回覆「%s」',
    cancel: '取消',
    quoteParent: '引用原帖',
  },
};

export const hansComposer: typeof hantComposer = {
  toolbar: '格式工具',
  bold: '粗体',
  quoteBlock: '引文',
  link: '链接',
  image: '图片',
  list: '列表',
  formatHint: '纯文本：写什么显示什么，以 > 开头的行是引文。Markdown：**粗体**、[链接](https://…)、- 列表、> 引文、![图片](…)。',
  quotePost: '引用',
  wrote: '写道：',
  sendKeys: 'Ctrl+Enter 发表',
  client: {
    switchedToMarkdown: '已改用 Markdown 格式：粗体、链接、图片和列表只在 Markdown 中有效。请预览看看效果。',
    boldText: '粗体文字',
    linkText: '链接文字',
    listItem: '项目',
    imageAlt: '图片说明',
    uploading: '正在上传图片 %s…',
    uploaded: '图片已上传并插入：%s',
    uploadFailed: '图片 %s 没有上传：%e',
    notImage: '只能上传图片（JPEG、PNG、WebP、GIF）。',
    offline: '连不上服务器，请稍后再试。',
    previewFailed: '预览失败：%e',
    draftRestored: '已恢复您上次没有发出的草稿。',
    discardDraft: '丢弃草稿',
    sending: '正在发表…',
    held: '您的跟帖在等待版主审核，通过后大家才看得到。',
    replyHere: '回复',
    replyTo: '回复“%s”',
    cancel: '取消',
    quoteParent: '引用原帖',
  },
};
