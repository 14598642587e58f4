import type { AppError, ErrorCode, ErrorParams } from '../errors';
import type { FreeText } from '../text/localize';
import { type Shown, hansValidation, hantValidation } from './messages.fields';
import { hansLimits, hansRateLimited, hantLimits, hantRateLimited, waitWords, windowWords } from './messages.errors.limits';
import { hansImageRefused, hantImageRefused, megabytes } from './messages.errors.uploads';
import { dateTime, zonedDateTime } from './time';

/**
 * Every refusal in the reader's script, written natively in traditional and simplified Chinese
 * (never converted by machine), from the params each AppError carries. The types make a missing
 * code, limit, field kind or parameter a build error, not a page in English.
 */

/** One script's words for every error code. */
export type ErrorMessages = { readonly [C in ErrorCode]: (params: Shown<ErrorParams[C]>) => string };

/** Refusals in traditional Chinese (zh-hant, zh-tw, zh-hk, and posts as written). */
export const hantErrors: ErrorMessages = {
  BadRequest: () => '無法處理這個請求。',
  InvalidJson: () => '請求的內容不是有效的 JSON。',
  InvalidUtf8: () => '請求中的文字不是有效的 UTF-8 編碼。',
  PayloadTooLarge: (p) =>
    p.what === 'body'
      ? `內容有 ${p.bytes} 字節，上限是 ${p.limit} 字節：請刪短一些，或分成幾條跟帖。`
      : p.what === 'message'
        ? `悄悄話的內容有 ${p.bytes} 字節，上限是 ${p.limit} 字節：請刪短一些，或分成幾條發。`
        : p.what === 'profile'
          ? `簡介有 ${p.bytes} 字節，上限是 ${p.limit} 字節：請刪短一些。`
          : p.what === 'request'
            ? `這個網址太長了（連同請求頭，上限 ${p.limit}），無法處理：請刪短一些再試（搜尋一次最多 200 個字）。`
            : `提交的內容超過了 ${p.limit} 的上限。`,
  ValidationFailed: hantValidation,
  NotLoggedIn: () => '請先登錄。',
  SessionExpired: () => '登錄已過期，請重新登錄。',
  InvalidCredentials: ({ which }) => (which === 'login' ? '用戶名或密碼錯誤。' : '當前密碼錯誤。'),
  TooManyAttempts: ({ action, tries, seconds }) =>
    action === 'login:name-slow' && tries !== undefined && seconds !== undefined
      ? `這個用戶名登錄失敗的次數太多：從新的地址每 ${windowWords(seconds, { second: '秒', minute: '分鐘', hour: '小時' })}只能試${tries === 1 ? '一次' : ` ${tries} 次`}，請稍後再試。`
      : hantLimits[action],
  RateLimited: hantRateLimited,
  ServerBusy: () => '服務器正忙，請稍後再試。',
  Maintenance: () => '論壇正在恢復備份，暫時只能閱讀，請過幾分鐘再試。',
  SessionNotFound: () => '找不到這個登錄設備。',
  NameTaken: ({ what, name }) => (what === 'member' ? `用戶名 ${name} 已被使用，請換一個。` : `代號為「${name}」的版面已經存在。`),
  NameConfusable: ({ name, lookalike }) => `用戶名 ${name} 與用戶 ${lookalike} 看上去太像，請換一個。`,
  NotAllowed: (p) => {
    switch (p.rule) {
      case 'authorOrModerator':
        return `只有作者或本版版主可以${p.action === 'edit' ? '編輯' : '刪除'}這個帖子。`;
      case 'moderator':
        return '只有本版版主或管理員可以這樣做。';
      case 'admin':
        return '只有管理員可以查看。';
      case 'siteBan':
        return '只有管理員可以全站封禁。';
      case 'banAdmin':
        return '管理員不能被封禁。';
      case 'banModerator':
        return '只有管理員可以封禁版主。';
      case 'banSelf':
        return '不能封禁自己。';
      case 'reportOwnMessage':
        return '只有收到悄悄話的人可以舉報它。';
      case 'ignoreSelf':
        return '不能忽略自己。';
      case 'followSelf':
        return '不能關注自己。';
      case 'adminSelf':
        return '管理員不能對自己的賬號這樣做：請另一位管理員來做。';
    }
  },
  CrossSiteRequest: () => '不接受來自其他網站的請求。',
  NotFound: () => '您要找的頁面不存在，或已被移走。',
  BoardNotFound: ({ slug }) => `沒有「${slug}」這個版面。`,
  BoardArchived: ({ slug }) => `版面「${slug}」已封存，只能閱讀，不能發帖、跟帖或修改。`,
  BoardNotEmpty: ({ slug, threads }) => `版面「${slug}」還有 ${threads} 個主題或待審帖子，只能刪除空的版面；可以把它封存。`,
  PostNotFound: ({ id, notThread }) =>
    notThread ? `帖子 ${id} 是跟帖，不是主題。` : id !== undefined ? `沒有編號為 ${id} 的帖子。` : '找不到這個帖子。',
  MemberNotFound: ({ name }) => `沒有「${name}」這個用戶。`,
  AccountDeleted: () => '「已註銷用戶」不是一位用戶：帳號註銷後，保留下來的帖子都署這個名字。這些帳號已經沒有個人主頁。',
  SearchQueryInvalid: ({ problem, max }) => {
    switch (problem) {
      case 'empty':
        return '請輸入要搜尋的字詞。';
      case 'tooLong':
        return `搜尋的內容最長 ${max} 個字，請刪短一些。`;
      case 'tooManyTerms':
        return `一次最多搜尋 ${max} 個詞，請刪去一些。`;
      case 'noWords':
        return '搜尋的內容裡沒有可以搜尋的文字或數字。';
      case 'onlyExclusions':
        return '只有要排除的詞（-詞）：請至少寫一個要找的詞。';
      case 'operators':
        return '搜尋不用 & | ! : * ( ) < > 這些符號：直接寫要找的詞，用引號 "…" 找整句，用 -詞 排除。';
    }
  },
  IgnoreListFull: ({ max }) => `最多只能忽略 ${max} 人：請先取消忽略一些人。`,
  ThreadLocked: ({ refused }) => (refused === 'reply' ? '本帖已鎖定，不能再跟帖。' : '本帖已鎖定：只有版主可以修改。'),
  TooDeep: ({ max }) => `跟帖最多 ${max} 層，這一帖已在最深一層：請回覆上面的帖子。`,
  DuplicatePost: ({ what, minutes }) =>
    what === 'reply'
      ? `您在 ${minutes} 分鐘內已在這裡發過相同的跟帖，請勿重複發帖。`
      : `您在 ${minutes} 分鐘內已在本版發過相同的主題，請勿重複發帖。`,
  SlowMode: ({ seconds, wait }) =>
    `本帖慢速模式：每位會員每 ${seconds} 秒只能跟帖一次，請在 ${waitWords(wait, { second: '秒', minute: '分鐘', hour: '小時' })}後再試。`,
  PostDeleted: ({ refused }) => (refused === 'reply' ? '那個帖子已被刪除：請回覆別的帖子。' : '這個帖子已被刪除：需要版主先恢復它。'),
  PostNotDeleted: () => '這個帖子沒有被刪除。',
  Banned: ({ scope, until, reason }) => `您${scope === 'board' ? '在本版' : '在全站'}被封禁，到 ${until} 為止。理由：${reason}`,
  AddressBanned: ({ refused, until }) => `此網絡位址已被禁止${refused === 'register' ? '註冊' : '發帖'}，至 ${until} 為止。`,
  EditWindowClosed: ({ minutes }) => `帖子發表後 ${minutes} 分鐘內才能編輯，現在已過時限：請找版主。`,
  NewMemberLimit: (p) =>
    p.what === 'profileLinks'
      ? '新用戶的簡介裡不能有鏈接：請先刪去鏈接。'
      : `新用戶每帖最多 ${p.max} 個${p.what === 'links' ? '外站鏈接' : '圖片'}，這一帖有 ${p.count} 個：請刪去一些。`,
  AlreadyReported: ({ what }) => (what === 'message' ? '您已經舉報過這條悄悄話，管理員會處理。' : '您已經舉報過這個帖子，版主會處理。'),
  ReportNotFound: ({ what }) => (what === 'message' ? '這條悄悄話的舉報已經處理過了。' : '這個帖子沒有待處理的舉報。'),
  RevisionNotFound: () => '這個帖子沒有這個版本。',
  GlossaryEntryNotFound: ({ what }) =>
    what === 'term' ? '詞彙表裡沒有這個詞。' : what === 'state' ? '詞彙表沒有這個歷史版本。' : '這條轉換錯誤報告已經處理過了。',
  GlossaryFileInvalid: ({ line }) => `詞彙表文件第 ${line} 行讀不懂：每行一個詞，寫成「原文 = zh-hans:簡體; zh-tw:臺灣正體」。`,
  HeldPostNotFound: () => '找不到這個等待審核的帖子。',
  HeldPostDecided: ({ decision }) => (decision === 'approved' ? '這個帖子已經審核通過了。' : '這個帖子已經被拒絕了。'),
  RevisionIsCurrent: () => '當前版本不能隱藏：請先編輯帖子替換它，再隱藏舊版本。',
  BanNotFound: () => '沒有這個生效中的封禁。',
  MessageNotFound: () => '找不到這條悄悄話。',
  MessageRefused: () => '無法給這位用戶發送悄悄話。',
  CannotMessage: ({ reason }) => (reason === 'self' ? '不能給自己發悄悄話。' : '這個賬號已經註銷，不能再給它發悄悄話。'),
  NotificationNotFound: () => '找不到這條通知。',
  UnsupportedMediaType: ({ expected }) =>
    expected === 'json'
      ? '請以 JSON 發送（Content-Type: application/json）。'
      : expected === 'multipart'
        ? '請以表單上傳文件（multipart/form-data）。'
        : '請以 UTF-8 編碼發送。',
  DatabaseUnavailable: () => '數據庫正在重啟或無法連接，請稍後再試。',
  ImageRefused: hantImageRefused,
  ImageTooLarge: ({ limit, newMember }) =>
    newMember ? `圖片太大：新用戶每張最多 ${megabytes(limit)}。` : `圖片太大：每張最多 ${megabytes(limit)}。`,
  UploadNotFound: () => '找不到這張圖片。',
  UploadGone: () => '這張圖片已被管理人員刪除。',
  UnknownEvent: ({ name }) => `服務器不接受「${name}」這個事件。`,
  TokenInvalid: ({ purpose }) =>
    purpose === 'reset-password'
      ? '這個重設密碼的鏈接無效、已過期或已用過：請重新申請。'
      : purpose === 'verify-email'
        ? '這個驗證鏈接無效、已過期或已用過：請在郵箱設置裡重新發送。'
        : '這個退訂鏈接無效、已過期或已用過：您可以在郵箱設置裡取消每日摘要。',
  RegistrationRefused: ({ reason }) =>
    reason === 'closed'
      ? '本站暫停註冊新賬號。'
      : reason === 'inviteNeeded'
        ? '本站只接受邀請註冊：請用管理員發出的邀請鏈接打開註冊頁。'
        : '這個邀請鏈接無效：可能已過期、已撤銷或已用完，請向管理員要一個新的。',
  InviteNotFound: () => '找不到這個邀請。',
  SettingFromEnvironment: ({ name, env }) => `設置 ${name} 由環境變量 ${env} 決定，不能在這裡修改：請在服務器上改這個變量，或刪去它。`,
  EmailTaken: () => '這個郵箱地址已由另一個賬號驗證過，一個地址只能用於一個賬號。',
  EmailNotVerified: () => '請先添加並驗證郵箱地址。',
  MailUnavailable: () => '郵件暫時發不出去，請稍後再試。',
  UnknownTimeZone: ({ zone }) => `沒有「${zone}」這個時區：請從列表中選一個，例如 Asia/Shanghai。`,
  Internal: () => '服務器出錯了，已記錄下來。',
};

/** Refusals in simplified Chinese (zh-hans). */
export const hansErrors: ErrorMessages = {
  BadRequest: () => '无法处理这个请求。',
  InvalidJson: () => '请求的内容不是有效的 JSON。',
  InvalidUtf8: () => '请求中的文字不是有效的 UTF-8 编码。',
  PayloadTooLarge: (p) =>
    p.what === 'body'
      ? `内容有 ${p.bytes} 字节，上限是 ${p.limit} 字节：请删短一些，或分成几条跟帖。`
      : p.what === 'message'
        ? `悄悄话的内容有 ${p.bytes} 字节，上限是 ${p.limit} 字节：请删短一些，或分成几条发。`
        : p.what === 'profile'
          ? `简介有 ${p.bytes} 字节，上限是 ${p.limit} 字节：请删短一些。`
          : p.what === 'request'
            ? `这个网址太长了（连同请求头，上限 ${p.limit}），无法处理：请删短一些再试（搜索一次最多 200 个字）。`
            : `提交的内容超过了 ${p.limit} 的上限。`,
  ValidationFailed: hansValidation,
  NotLoggedIn: () => '请先登录。',
  SessionExpired: () => '登录已过期，请重新登录。',
  InvalidCredentials: ({ which }) => (which === 'login' ? '用户名或密码错误。' : '当前密码错误。'),
  TooManyAttempts: ({ action, tries, seconds }) =>
    action === 'login:name-slow' && tries !== undefined && seconds !== undefined
      ? `这个用户名登录失败的次数太多：从新的地址每 ${windowWords(seconds, { second: '秒', minute: '分钟', hour: '小时' })}只能试${tries === 1 ? '一次' : ` ${tries} 次`}，请稍后再试。`
      : hansLimits[action],
  RateLimited: hansRateLimited,
  ServerBusy: () => '服务器正忙，请稍后再试。',
  Maintenance: () => '论坛正在恢复备份，暂时只能阅读，请过几分钟再试。',
  SessionNotFound: () => '找不到这个登录设备。',
  NameTaken: ({ what, name }) => (what === 'member' ? `用户名 ${name} 已被使用，请换一个。` : `代号为“${name}”的版面已经存在。`),
  NameConfusable: ({ name, lookalike }) => `用户名 ${name} 与用户 ${lookalike} 看上去太像，请换一个。`,
  NotAllowed: (p) => {
    switch (p.rule) {
      case 'authorOrModerator':
        return `只有作者或本版版主可以${p.action === 'edit' ? '编辑' : '删除'}这个帖子。`;
      case 'moderator':
        return '只有本版版主或管理员可以这样做。';
      case 'admin':
        return '只有管理员可以查看。';
      case 'siteBan':
        return '只有管理员可以全站封禁。';
      case 'banAdmin':
        return '管理员不能被封禁。';
      case 'banModerator':
        return '只有管理员可以封禁版主。';
      case 'banSelf':
        return '不能封禁自己。';
      case 'reportOwnMessage':
        return '只有收到悄悄话的人可以举报它。';
      case 'ignoreSelf':
        return '不能忽略自己。';
      case 'followSelf':
        return '不能关注自己。';
      case 'adminSelf':
        return '管理员不能对自己的账号这样做：请另一位管理员来做。';
    }
  },
  CrossSiteRequest: () => '不接受来自其他网站的请求。',
  NotFound: () => '您要找的页面不存在，或已被移走。',
  BoardNotFound: ({ slug }) => `没有“${slug}”这个版面。`,
  BoardArchived: ({ slug }) => `版面“${slug}”已封存，只能阅读，不能发帖、跟帖或修改。`,
  BoardNotEmpty: ({ slug, threads }) => `版面“${slug}”还有 ${threads} 个主题或待审帖子，只能删除空的版面；可以把它封存。`,
  PostNotFound: ({ id, notThread }) =>
    notThread ? `帖子 ${id} 是跟帖，不是主题。` : id !== undefined ? `没有编号为 ${id} 的帖子。` : '找不到这个帖子。',
  MemberNotFound: ({ name }) => `没有“${name}”这个用户。`,
  AccountDeleted: () => '“已注销用户”不是一位用户：帐号注销后，保留下来的帖子都署这个名字。这些帐号已经没有个人主页。',
  SearchQueryInvalid: ({ problem, max }) => {
    switch (problem) {
      case 'empty':
        return '请输入要搜索的字词。';
      case 'tooLong':
        return `搜索的内容最长 ${max} 个字，请删短一些。`;
      case 'tooManyTerms':
        return `一次最多搜索 ${max} 个词，请删去一些。`;
      case 'noWords':
        return '搜索的内容里没有可以搜索的文字或数字。';
      case 'onlyExclusions':
        return '只有要排除的词（-词）：请至少写一个要找的词。';
      case 'operators':
        return '搜索不用 & | ! : * ( ) < > 这些符号：直接写要找的词，用引号 "…" 找整句，用 -词 排除。';
    }
  },
  IgnoreListFull: ({ max }) => `最多只能忽略 ${max} 人：请先取消忽略一些人。`,
  ThreadLocked: ({ refused }) => (refused === 'reply' ? '本帖已锁定，不能再跟帖。' : '本帖已锁定：只有版主可以修改。'),
  TooDeep: ({ max }) => `跟帖最多 ${max} 层，这一帖已在最深一层：请回复上面的帖子。`,
  DuplicatePost: ({ what, minutes }) =>
    what === 'reply'
      ? `您在 ${minutes} 分钟内已在这里发过相同的跟帖，请勿重复发帖。`
      : `您在 ${minutes} 分钟内已在本版发过相同的主题，请勿重复发帖。`,
  SlowMode: ({ seconds, wait }) =>
    `本帖慢速模式：每位会员每 ${seconds} 秒只能跟帖一次，请在 ${waitWords(wait, { second: '秒', minute: '分钟', hour: '小时' })}后再试。`,
  PostDeleted: ({ refused }) => (refused === 'reply' ? '那个帖子已被删除：请回复别的帖子。' : '这个帖子已被删除：需要版主先恢复它。'),
  PostNotDeleted: () => '这个帖子没有被删除。',
  Banned: ({ scope, until, reason }) => `您${scope === 'board' ? '在本版' : '在全站'}被封禁，到 ${until} 为止。理由：${reason}`,
  AddressBanned: ({ refused, until }) => `此网络位址已被禁止${refused === 'register' ? '注册' : '发帖'}，至 ${until} 为止。`,
  EditWindowClosed: ({ minutes }) => `帖子发表后 ${minutes} 分钟内才能编辑，现在已过时限：请找版主。`,
  NewMemberLimit: (p) =>
    p.what === 'profileLinks'
      ? '新用户的简介里不能有链接：请先删去链接。'
      : `新用户每帖最多 ${p.max} 个${p.what === 'links' ? '外站链接' : '图片'}，这一帖有 ${p.count} 个：请删去一些。`,
  AlreadyReported: ({ what }) => (what === 'message' ? '您已经举报过这条悄悄话，管理员会处理。' : '您已经举报过这个帖子，版主会处理。'),
  ReportNotFound: ({ what }) => (what === 'message' ? '这条悄悄话的举报已经处理过了。' : '这个帖子没有待处理的举报。'),
  RevisionNotFound: () => '这个帖子没有这个版本。',
  GlossaryEntryNotFound: ({ what }) =>
    what === 'term' ? '词汇表里没有这个词。' : what === 'state' ? '词汇表没有这个历史版本。' : '这条转换错误报告已经处理过了。',
  GlossaryFileInvalid: ({ line }) => `词汇表文件第 ${line} 行读不懂：每行一个词，写成“原文 = zh-hans:简体; zh-tw:台湾正体”。`,
  HeldPostNotFound: () => '找不到这个等待审核的帖子。',
  HeldPostDecided: ({ decision }) => (decision === 'approved' ? '这个帖子已经审核通过了。' : '这个帖子已经被拒绝了。'),
  RevisionIsCurrent: () => '当前版本不能隐藏：请先编辑帖子替换它，再隐藏旧版本。',
  BanNotFound: () => '没有这个生效中的封禁。',
  MessageNotFound: () => '找不到这条悄悄话。',
  MessageRefused: () => '无法给这位用户发送悄悄话。',
  CannotMessage: ({ reason }) => (reason === 'self' ? '不能给自己发悄悄话。' : '这个账号已经注销，不能再给它发悄悄话。'),
  NotificationNotFound: () => '找不到这条通知。',
  UnsupportedMediaType: ({ expected }) =>
    expected === 'json'
      ? '请以 JSON 发送（Content-Type: application/json）。'
      : expected === 'multipart'
        ? '请以表单上传文件（multipart/form-data）。'
        : '请以 UTF-8 编码发送。',
  DatabaseUnavailable: () => '数据库正在重启或无法连接，请稍后再试。',
  ImageRefused: hansImageRefused,
  ImageTooLarge: ({ limit, newMember }) =>
    newMember ? `图片太大：新用户每张最多 ${megabytes(limit)}。` : `图片太大：每张最多 ${megabytes(limit)}。`,
  UploadNotFound: () => '找不到这张图片。',
  UploadGone: () => '这张图片已被管理人员删除。',
  UnknownEvent: ({ name }) => `服务器不接受“${name}”这个事件。`,
  TokenInvalid: ({ purpose }) =>
    purpose === 'reset-password'
      ? '这个重设密码的链接无效、已过期或已用过：请重新申请。'
      : purpose === 'verify-email'
        ? '这个验证链接无效、已过期或已用过：请在邮箱设置里重新发送。'
        : '这个退订链接无效、已过期或已用过：您可以在邮箱设置里取消每日摘要。',
  RegistrationRefused: ({ reason }) =>
    reason === 'closed'
      ? '本站暂停注册新账号。'
      : reason === 'inviteNeeded'
        ? '本站只接受邀请注册：请用管理员发出的邀请链接打开注册页。'
        : '这个邀请链接无效：可能已过期、已撤销或已用完，请向管理员要一个新的。',
  InviteNotFound: () => '找不到这个邀请。',
  SettingFromEnvironment: ({ name, env }) => `设置 ${name} 由环境变量 ${env} 决定，不能在这里修改：请在服务器上改这个变量，或删去它。`,
  EmailTaken: () => '这个邮箱地址已由另一个账号验证过，一个地址只能用于一个账号。',
  EmailNotVerified: () => '请先添加并验证邮箱地址。',
  MailUnavailable: () => '邮件暂时发不出去，请稍后再试。',
  UnknownTimeZone: ({ zone }) => `没有“${zone}”这个时区：请从列表中选一个，例如 Asia/Shanghai。`,
  Internal: () => '服务器出错了，已记录下来。',
};

/** Turns each Date among an error's params into text the reader's way; everything else as it is. */
function showDates<P extends object>(params: P, show: (date: Date) => string): Shown<P> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) shown[key] = value instanceof Date ? show(value) : value;
  return shown as Shown<P>;
}

function say<C extends ErrorCode>(messages: ErrorMessages, code: C, params: Shown<ErrorParams[C]>): string {
  return messages[code](params);
}

/**
 * What an AppError says in the reader's script: the words of `ctx.t` (the page's catalog), dates
 * in the reader's form and time zone. Pages show this; JSON sends it as `localized`.
 */
export function localizeError(
  ctx: { t: { errors: ErrorMessages }; timeZone: string; variant: string | undefined; shown: FreeText },
  error: AppError,
): string {
  // An error that names a time zone (a ban: the member's own, or null for the site's) shows its
  // dates in that zone, named; the others in the page's.
  const params = error.params;
  const show =
    'timeZone' in params && (typeof params.timeZone === 'string' || params.timeZone === null)
      ? (date: Date) => zonedDateTime(ctx, date, params.timeZone)
      : (date: Date) => dateTime(ctx, date);
  return say(ctx.t.errors, error.code, showDates(withShownText(error, ctx.shown), show));
}

/** An error's params with what somebody wrote in them (a ban's reason) in the reader's script, by its board's glossary. */
function withShownText(error: AppError, shown: FreeText): AppError['params'] {
  if (!isCode(error, 'Banned')) return error.params;
  return { ...error.params, reason: shown(error.params.reason, error.params.board) };
}

const isCode = <C extends ErrorCode>(error: AppError, code: C): error is AppError<C> => error.code === code;
