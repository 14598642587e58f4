import type { NotificationKind } from '../db/database';

/**
 * The words of email (server/email/): its pages and the emails themselves, natively written in
 * traditional and simplified Chinese. The catalogs (messages.ts) hold them under `email`.
 */

/** What one notification says in a digest: who did it (a name, null for the system) and in which thread. */
type KindWords = (who: { actor: string | null; title: string | null }) => string;

/** Words for pages and emails about email, in one script. */
export interface EmailWords {
  settingsTitle: string;
  settingsHint: string;
  verifiedAddress: string;
  noAddress: string;
  pending: (address: string) => string;
  address: string;
  sendVerification: string;
  changeAddress: string;
  remove: string;
  verificationSent: string;
  verified: string;
  removed: string;
  digestLabel: string;
  digestNeedsAddress: string;
  digestSaved: string;
  save: string;
  backToSettings: string;
  forgotLink: string;
  forgotTitle: string;
  forgotHint: string;
  login: string;
  sendResetLink: string;
  forgotSent: string;
  resetTitle: string;
  resetSubmit: string;
  resetDone: string;
  unsubscribeTitle: string;
  unsubscribeConfirm: string;
  unsubscribeButton: string;
  unsubscribed: string;
  greeting: (name: string) => string;
  /** `site`: the site's name (site.name) in the reader's script. */
  verifySubject: (site: string) => string;
  verifyBody: (name: string, hours: number) => string;
  verifyAction: string;
  notYou: string;
  resetSubject: (site: string) => string;
  resetBody: (name: string, minutes: number) => string;
  resetAction: string;
  resetNotYou: string;
  digestSubject: (site: string, count: number) => string;
  digestBody: (count: number) => string;
  digestMore: (count: number) => string;
  digestOpen: string;
  digestWhy: string;
  unsubscribe: string;
  kinds: Record<NotificationKind, KindWords>;
}

const hantKinds: Record<NotificationKind, KindWords> = {
  reply: ({ actor, title }) => `${actor ?? '有人'} 回覆了您的帖子「${title ?? ''}」`,
  'thread-reply': ({ actor, title }) => `${actor ?? '有人'} 在您的主題「${title ?? ''}」中跟帖`,
  mention: ({ actor, title }) => `${actor ?? '有人'} 在「${title ?? ''}」中提到了您`,
  quote: ({ actor, title }) => `${actor ?? '有人'} 在「${title ?? ''}」中引用了您的帖子`,
  'followed-thread': ({ actor, title }) => `您關注的 ${actor ?? '用戶'} 發表了新主題「${title ?? ''}」`,
  'post-edited': ({ title }) => `版主編輯了您在「${title ?? ''}」中的帖子`,
  'post-deleted': ({ title }) => `版主刪除了您在「${title ?? ''}」中的帖子`,
  banned: () => '您被封禁了，詳情見通知頁面',
  'report-handled': () => '您的舉報已處理',
  'post-approved': ({ title }) => `您的帖子「${title ?? ''}」已通過審核`,
  'post-rejected': () => '您的帖子沒有通過審核，詳情見通知頁面',
};

const hansKinds: Record<NotificationKind, KindWords> = {
  reply: ({ actor, title }) => `${actor ?? '有人'} 回复了您的帖子“${title ?? ''}”`,
  'thread-reply': ({ actor, title }) => `${actor ?? '有人'} 在您的主题“${title ?? ''}”中跟帖`,
  mention: ({ actor, title }) => `${actor ?? '有人'} 在“${title ?? ''}”中提到了您`,
  quote: ({ actor, title }) => `${actor ?? '有人'} 在“${title ?? ''}”中引用了您的帖子`,
  'followed-thread': ({ actor, title }) => `您关注的 ${actor ?? '用户'} 发表了新主题“${title ?? ''}”`,
  'post-edited': ({ title }) => `版主编辑了您在“${title ?? ''}”中的帖子`,
  'post-deleted': ({ title }) => `版主删除了您在“${title ?? ''}”中的帖子`,
  banned: () => '您被封禁了，详情见通知页面',
  'report-handled': () => '您的举报已处理',
  'post-approved': ({ title }) => `您的帖子“${title ?? ''}”已通过审核`,
  'post-rejected': () => '您的帖子没有通过审核，详情见通知页面',
};

export const hantEmail: EmailWords = {
  settingsTitle: '郵箱設置',
  settingsHint: '郵箱地址只用於找回密碼和每日摘要，不會公開。',
  verifiedAddress: '已驗證的郵箱：',
  noAddress: '還沒有郵箱地址。',
  pending: (address) => `驗證郵件已發到 ${address}：打開郵件裡的鏈接即完成驗證。`,
  address: '郵箱地址',
  sendVerification: '發送驗證郵件',
  changeAddress: '更換郵箱地址',
  remove: '刪除郵箱地址',
  verificationSent: '驗證郵件已發出，請查收（也看看垃圾郵件）。',
  verified: '郵箱地址已驗證。',
  removed: '郵箱地址已刪除。',
  digestLabel: '每天把未讀通知匯總發到我的郵箱（每日摘要）',
  digestNeedsAddress: '驗證郵箱地址後，可以訂閱每日摘要。',
  digestSaved: '已保存。',
  save: '保存',
  backToSettings: '返回設置',
  forgotLink: '忘記密碼？',
  forgotTitle: '找回密碼',
  forgotHint: '輸入用戶名或驗證過的郵箱地址，重設密碼的鏈接會發到該賬號驗證過的郵箱。',
  login: '用戶名或郵箱',
  sendResetLink: '發送重設鏈接',
  forgotSent: '如果有賬號與此相符且驗證過郵箱，重設密碼的鏈接已經發出，1 小時內有效。請查收郵件（也看看垃圾郵件）。',
  resetTitle: '重設密碼',
  resetSubmit: '設置新密碼',
  resetDone: '密碼已重設，所有設備都已退出。請用新密碼登錄。',
  unsubscribeTitle: '退訂每日摘要',
  unsubscribeConfirm: '確定不再接收每日摘要嗎？',
  unsubscribeButton: '退訂',
  unsubscribed: '已退訂每日摘要。您隨時可以在郵箱設置裡重新訂閱。',
  greeting: (name) => `${name}，您好：`,
  verifySubject: (site) => `請驗證您在${site}的郵箱地址`,
  verifyBody: (name, hours) => `請打開下面的鏈接，確認這個郵箱地址屬於賬號 ${name}。鏈接 ${hours} 小時內有效，只能用一次。`,
  verifyAction: '驗證郵箱地址',
  notYou: '如果不是您本人操作，請忽略這封郵件。',
  resetSubject: (site) => `重設您在${site}的密碼`,
  resetBody: (name, minutes) =>
    `有人（希望是您）申請重設賬號 ${name} 的密碼。打開下面的鏈接設置新密碼，鏈接 ${minutes} 分鐘內有效，只能用一次。`,
  resetAction: '設置新密碼',
  resetNotYou: '如果不是您申請的，請忽略這封郵件，您的密碼不會改變。',
  digestSubject: (site, count) => `${site}：您有 ${count} 條未讀通知`,
  digestBody: (count) => `自上一封摘要以來，您有 ${count} 條未讀通知：`,
  digestMore: (count) => `還有 ${count} 條…`,
  digestOpen: '查看全部通知',
  digestWhy: '您收到這封郵件，是因為訂閱了每日摘要。',
  unsubscribe: '退訂',
  kinds: hantKinds,
};

export const hansEmail: EmailWords = {
  settingsTitle: '邮箱设置',
  settingsHint: '邮箱地址只用于找回密码和每日摘要，不会公开。',
  verifiedAddress: '已验证的邮箱：',
  noAddress: '还没有邮箱地址。',
  pending: (address) => `验证邮件已发到 ${address}：打开邮件里的链接即完成验证。`,
  address: '邮箱地址',
  sendVerification: '发送验证邮件',
  changeAddress: '更换邮箱地址',
  remove: '删除邮箱地址',
  verificationSent: '验证邮件已发出，请查收（也看看垃圾邮件）。',
  verified: '邮箱地址已验证。',
  removed: '邮箱地址已删除。',
  digestLabel: '每天把未读通知汇总发到我的邮箱（每日摘要）',
  digestNeedsAddress: '验证邮箱地址后，可以订阅每日摘要。',
  digestSaved: '已保存。',
  save: '保存',
  backToSettings: '返回设置',
  forgotLink: '忘记密码？',
  forgotTitle: '找回密码',
  forgotHint: '输入用户名或验证过的邮箱地址，重设密码的链接会发到该账号验证过的邮箱。',
  login: '用户名或邮箱',
  sendResetLink: '发送重设链接',
  forgotSent: '如果有账号与此相符且验证过邮箱，重设密码的链接已经发出，1 小时内有效。请查收邮件（也看看垃圾邮件）。',
  resetTitle: '重设密码',
  resetSubmit: '设置新密码',
  resetDone: '密码已重设，所有设备都已退出。请用新密码登录。',
  unsubscribeTitle: '退订每日摘要',
  unsubscribeConfirm: '确定不再接收每日摘要吗？',
  unsubscribeButton: '退订',
  unsubscribed: '已退订每日摘要。您随时可以在邮箱设置里重新订阅。',
  greeting: (name) => `${name}，您好：`,
  verifySubject: (site) => `请验证您在${site}的邮箱地址`,
  verifyBody: (name, hours) => `请打开下面的链接，确认这个邮箱地址属于账号 ${name}。链接 ${hours} 小时内有效，只能用一次。`,
  verifyAction: '验证邮箱地址',
  notYou: '如果不是您本人操作，请忽略这封邮件。',
  resetSubject: (site) => `重设您在${site}的密码`,
  resetBody: (name, minutes) =>
    `有人（希望是您）申请重设账号 ${name} 的密码。打开下面的链接设置新密码，链接 ${minutes} 分钟内有效，只能用一次。`,
  resetAction: '设置新密码',
  resetNotYou: '如果不是您申请的，请忽略这封邮件，您的密码不会改变。',
  digestSubject: (site, count) => `${site}：您有 ${count} 条未读通知`,
  digestBody: (count) => `自上一封摘要以来，您有 ${count} 条未读通知：`,
  digestMore: (count) => `还有 ${count} 条…`,
  digestOpen: '查看全部通知',
  digestWhy: '您收到这封邮件，是因为订阅了每日摘要。',
  unsubscribe: '退订',
  kinds: hansKinds,
};
