import type { DeletedBy, SiteRole } from '../db/database';
import { hansEmail, hantEmail } from './messages.email';
import { hansErrors, hantErrors } from './messages.errors';
import { hansFilters, hantFilters } from './messages.filters';
import { hansSearch, hantSearch } from './messages.search';
import { hansFeeds, hantFeeds } from './messages.feeds';
import { hansHot, hantHot } from './messages.hot';
import { hansUploads, hantUploads } from './messages.uploads';
import { hansAdmin, hantAdmin } from './messages.admin';
import { hansComposer, hantComposer } from './messages.composer';
import { hansBans, hantBans } from './messages.bans';
import { hansPm, hantPm } from './messages.pm';
import { hansReading, hantReading } from './messages.reading';
import { hansReview, hantReview } from './messages.review';
import { hansGlossary, hantGlossary } from './messages.glossary';
import { hansModeration, hantModeration } from './messages.moderation';
import { hansPeople, hantPeople } from './messages.people';
import { hansNotices, hansNotificationKinds, hantNotices, hantNotificationKinds } from './messages.notifications';

export type { NewMemberNumbers } from './messages.people';

/**
 * The interface's own words, written natively in traditional and simplified Chinese (never
 * converted by machine). Pages in zh-hant, zh-tw and zh-hk use `hant`; zh-hans uses `hans`.
 * Refusals are under `errors` (messages.errors.ts), one entry per error code. Catalogs keyed by a
 * union (roles, deletedBy, logAction) name every member of it: `satisfies` here and in the
 * catalogs spread in (messages.moderation.ts, messages.people.ts), and `Messages` for `hans`,
 * refuse a missing or unknown key at build time.
 */
export const hant = {
  siteName: '跟帖論壇',
  maintenance: '論壇正在恢復備份，暫時只能閱讀：發帖、回覆、登錄等操作請稍後再試。',
  originalScript: '原文',
  scriptSwitch: '繁簡切換',
  readersNow: '%d 人正在看',
  boards: '論壇版面',
  home: '首頁',
  login: '登錄',
  logout: '退出',
  register: '註冊',
  username: '用戶名',
  password: '密碼',
  loggedInAs: '已登錄：',
  logoutConfirm: '確定退出登錄嗎？',
  account: '帳號設置',
  messagesLink: '悄悄話',
  notificationsLink: '通知',
  /** The header's unread count, read aloud: "3 條未讀". */
  unreadLabel: (count: string) => `${count} 條未讀`,
  sessions: '登錄設備',
  sessionsHint: '以下設備正登錄著您的帳號。不認識的，請讓它退出並修改密碼。',
  thisSession: '本設備',
  signedInAt: '登錄時間',
  lastSeen: '最近活動',
  address: '地址',
  browser: '瀏覽器',
  revokeSession: '讓它退出',
  logoutEverywhere: '退出所有設備',
  signIns: '最近登錄記錄',
  signInsHint: '保留 90 天。',
  changePassword: '修改密碼',
  currentPassword: '當前密碼',
  newPassword: '新密碼',
  passwordChanged: '密碼已修改，其他設備都已退出。',
  noBoards: '還沒有版面。',
  threads: '主題',
  noThreads: '這個版面還沒有帖子。',
  newThread: '發表新帖',
  title: '標題',
  body: '內容（可選）',
  submit: '發表',
  format: '格式',
  formats: { text: '純文字', markdown: 'Markdown', html: 'HTML（保留原樣）' },
  preview: '預覽',
  previewHeading: '預覽（還沒有發表）',
  reply: '發跟帖',
  allReplies: '所有跟帖',
  noReplies: '還沒有跟帖。',
  loginToReply: '請您先登陸,再發跟帖!',
  privateMessage: (name: string) => `給 ${name} 發送悄悄話`,
  memberHome: (name: string) => `${name} 的博客首頁`,
  bytes: (n: number) => `(${n} bytes)`,
  /** A thread's read count (server/reads/), beside its root's byline and on the board index. */
  reads: (n: number) => `(${n} 次閱讀)`,
  backToThread: '回到主題',
  parentPost: '上一帖',
  previousPage: '上一頁',
  nextPage: '下一頁',
  page: (n: number) => `第 ${n} 頁`,
  moreReplies: (n: number) => `還有 ${n} 條跟帖…`,
  replyCount: (n: number) => `${n} 條跟帖`,
  /** A thread on a board index: its follow-ups new to the reader since their last visit ("99+" at the cap). */
  newReplies: (n: string) => `${n} 條新跟帖`,
  /** On a thread's page, the same said in full. */
  newSinceVisit: (n: string) => `自您上次來過，有 ${n} 條新跟帖`,
  locked: hantErrors.ThreadLocked({ refused: 'reply' }),
  tooDeep: (max: number) => hantErrors.TooDeep({ max }),
  memberThreads: '發表的主題',
  memberReplies: '發表的跟帖',
  memberSince: '註冊於',
  notFoundTitle: '找不到頁面',
  notFound: hantErrors.NotFound({}),
  errorTitle: '出錯了',
  deepReply: (depth: number) => `第 ${depth} 層`,
  registerHint: '用戶名 2–24 個字符：中文或英文字母、數字和 _ - .；密碼至少 8 位，不能全是空格或重複字符，也不能是常見密碼。',
  haveAccount: '已有賬號？',
  noAccount: '還沒有賬號？',
  registerByInvite: '註冊（需邀請）',
  /** Who did what the operator did at the CLI (a moderation log line with no account). */
  cliActor: '（命令行）',
  inviteNeeded: '本站憑邀請註冊：請向管理員索取邀請鏈接。',
  roles: { member: '普通用戶', moderator: '版主', admin: '管理員' } satisfies Record<SiteRole, string>,
  editedBanner: (time: string, role: string, name: string) => `本帖於 ${time} 時間, 由${role} ${name} 編輯`,
  deletedBy: { author: '此帖已被作者刪除', moderator: '此帖已被版主刪除', admin: '此帖已被管理員刪除' } satisfies Record<DeletedBy, string>,
  deletedMark: '［已刪除］',
  // Editing and moderating posts (messages.moderation.ts).
  ...hantModeration,
  email: hantEmail,
  /** The 悄悄話 pages (messages.pm.ts). */
  pm: hantPm,
  bans: hantBans,
  // The member home (/u/:name), following and ignoring, and /settings (messages.people.ts).
  ...hantPeople,
  /** Each kind of notification as a member's settings name it (the settings page reuses these). */
  notificationKinds: hantNotificationKinds,
  notices: hantNotices,
  /** A thread's filters and orders (messages.filters.ts). */
  filters: hantFilters,
  /** Search (messages.search.ts). */
  search: hantSearch,
  /** Atom feeds' titles (messages.feeds.ts). */
  feeds: hantFeeds,
  /** Hot threads, 十大 (messages.hot.ts). */
  hot: hantHot,
  /** Uploading images, and the moderators' page of them (messages.uploads.ts). */
  uploads: hantUploads,
  /** The admin console (messages.admin.ts). */
  admin: hantAdmin,
  /** The composer: toolbar, byte count, drafts, image uploads, quoting, reply in place (messages.composer.ts). */
  composer: hantComposer,
  /** Reading a big thread: windows, folding, new since the last visit (messages.reading.ts). */
  reading: hantReading,
  /** The review queue: held posts, the moderators' queue, the board's setting (messages.review.ts). */
  review: hantReview,
  /** Glossaries: the boards' and the site's pages, flagged conversions (messages.glossary.ts). */
  glossary: hantGlossary,
  errors: hantErrors,
};

export type Messages = typeof hant;

export const hans: Messages = {
  siteName: '跟帖论坛',
  maintenance: '论坛正在恢复备份，暂时只能阅读：发帖、回复、登录等操作请稍后再试。',
  originalScript: '原文',
  scriptSwitch: '繁简切换',
  readersNow: '%d 人正在看',
  boards: '论坛版面',
  home: '首页',
  login: '登录',
  logout: '退出',
  register: '注册',
  username: '用户名',
  password: '密码',
  loggedInAs: '已登录：',
  logoutConfirm: '确定退出登录吗？',
  account: '账号设置',
  messagesLink: '悄悄话',
  notificationsLink: '通知',
  unreadLabel: (count: string) => `${count} 条未读`,
  sessions: '登录设备',
  sessionsHint: '以下设备正登录着您的账号。不认识的，请让它退出并修改密码。',
  thisSession: '本设备',
  signedInAt: '登录时间',
  lastSeen: '最近活动',
  address: '地址',
  browser: '浏览器',
  revokeSession: '让它退出',
  logoutEverywhere: '退出所有设备',
  signIns: '最近登录记录',
  signInsHint: '保留 90 天。',
  changePassword: '修改密码',
  currentPassword: '当前密码',
  newPassword: '新密码',
  passwordChanged: '密码已修改，其他设备都已退出。',
  noBoards: '还没有版面。',
  threads: '主题',
  noThreads: '这个版面还没有帖子。',
  newThread: '发表新帖',
  title: '标题',
  body: '内容（可选）',
  submit: '发表',
  format: '格式',
  formats: { text: '纯文本', markdown: 'Markdown', html: 'HTML（保留原样）' },
  preview: '预览',
  previewHeading: '预览（还没有发表）',
  reply: '发跟帖',
  allReplies: '所有跟帖',
  noReplies: '还没有跟帖。',
  loginToReply: '请您先登陆,再发跟帖!',
  privateMessage: (name: string) => `给 ${name} 发送悄悄话`,
  memberHome: (name: string) => `${name} 的博客首页`,
  bytes: (n: number) => `(${n} bytes)`,
  reads: (n: number) => `(${n} 次阅读)`,
  backToThread: '回到主题',
  parentPost: '上一帖',
  previousPage: '上一页',
  nextPage: '下一页',
  page: (n: number) => `第 ${n} 页`,
  moreReplies: (n: number) => `还有 ${n} 条跟帖…`,
  replyCount: (n: number) => `${n} 条跟帖`,
  newReplies: (n: string) => `${n} 条新跟帖`,
  newSinceVisit: (n: string) => `自您上次来过，有 ${n} 条新跟帖`,
  locked: hansErrors.ThreadLocked({ refused: 'reply' }),
  tooDeep: (max: number) => hansErrors.TooDeep({ max }),
  memberThreads: '发表的主题',
  memberReplies: '发表的跟帖',
  memberSince: '注册于',
  notFoundTitle: '找不到页面',
  notFound: hansErrors.NotFound({}),
  errorTitle: '出错了',
  deepReply: (depth: number) => `第 ${depth} 层`,
  registerHint: '用户名 2–24 个字符：中文或英文字母、数字和 _ - .；密码至少 8 位，不能全是空格或重复字符，也不能是常见密码。',
  haveAccount: '已有账号？',
  noAccount: '还没有账号？',
  registerByInvite: '注册（需邀请）',
  cliActor: '（命令行）',
  inviteNeeded: '本站凭邀请注册：请向管理员索取邀请链接。',
  roles: { member: '普通用户', moderator: '版主', admin: '管理员' },
  editedBanner: (time: string, role: string, name: string) => `本帖于 ${time} 时间, 由${role} ${name} 编辑`,
  deletedBy: { author: '此帖已被作者删除', moderator: '此帖已被版主删除', admin: '此帖已被管理员删除' },
  deletedMark: '［已删除］',
  ...hansModeration,
  email: hansEmail,
  pm: hansPm,
  bans: hansBans,
  ...hansPeople,
  notificationKinds: hansNotificationKinds,
  notices: hansNotices,
  filters: hansFilters,
  search: hansSearch,
  feeds: hansFeeds,
  hot: hansHot,
  uploads: hansUploads,
  admin: hansAdmin,
  composer: hansComposer,
  reading: hansReading,
  review: hansReview,
  glossary: hansGlossary,
  errors: hansErrors,
};
