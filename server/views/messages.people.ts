import type { PacedAction } from '../errors';

/**
 * The words of the member home (/u/:name), following and ignoring, and /settings, spread into the
 * catalog of messages.ts, written natively in traditional and simplified Chinese (never converted
 * by machine).
 */

/** A new member's thresholds and caps, as /settings tells them (settings.registry.ts). */
export interface NewMemberNumbers {
  posts: number;
  links: number;
  images: number;
}

/** A window's length in the largest whole unit: 1 分鐘, 5 分鐘, 1 小時, 1 天. */
function windowWords(seconds: number, units: { s: string; m: string; h: string; d: string }): string {
  const unit = (['d', 'h', 'm'] as const).find((u) => seconds % { d: 86_400, h: 3600, m: 60 }[u] === 0);
  return unit ? `${seconds / { d: 86_400, h: 3600, m: 60 }[unit]} ${units[unit]}` : `${seconds} ${units.s}`;
}

/** The member home and settings, in traditional Chinese. */
export const hantPeople = {
  ignoredLine: (name: string) => `已忽略 ${name} 的帖子`,
  threadsCount: '主題',
  repliesCount: '跟帖',
  lastSeenOn: '最近來訪',
  accountDeleted: '此帳號已刪除。',
  profile: '個人簡介',
  noProfile: '還沒有寫簡介。',
  follow: '關注',
  unfollow: '取消關注',
  ignore: '忽略此人',
  unignore: '取消忽略',
  sendMessage: '發悄悄話',
  editProfile: '編輯簡介',
  followingThem: (name: string) => `您已關注 ${name}：TA 發表新主題時您會收到通知。`,
  ignoringThem: (name: string) => `您已忽略 ${name}：TA 的帖子只顯示為一行，TA 的悄悄話和通知不會送達。只有您自己知道。`,
  morePosts: '更多…',
  newestPosts: '回到最新',
  settings: '設置',
  profileHint: '顯示在您的博客首頁上。「純文字」照您寫的顯示（網址變成鏈接）；選 Markdown 可以用加粗、斜體、鏈接、列表、引用、代碼和圖片。',
  saveProfile: '保存簡介',
  profileSaved: '簡介已保存。',
  preferences: '通知與隱私',
  notifyMe: '以下情況通知我：',
  moderationAlways: '版務通知（版主編輯或刪除了您的帖子、您被封禁、您的舉報有了結果）總會送達，不能關閉。',
  hideLastSeen: '不在我的博客首頁上顯示最近來訪的日期',
  timeZone: '我的時區（禁言到期的時間按它顯示）',
  siteTimeZone: (zone: string) => `本站的時區（${zone}）`,
  savePreferences: '保存設置',
  preferencesSaved: '設置已保存。',
  ignoredMembers: '已忽略的用戶',
  ignoredHint: '他們的帖子對您只顯示為一行「已忽略…」（點開仍可看），他們的悄悄話和通知不會送達。只有您自己知道您忽略了誰。',
  ignoredCount: (n: number) => `${n} 人`,
  noIgnored: '您沒有忽略任何人。',
  ignoredSince: (time: string) => `忽略於 ${time}`,
  emailSettings: '郵箱',
  yourLimits: '發帖限制',
  limitsHint: (newMember: boolean, hours: number, n: NewMemberNumbers) =>
    newMember
      ? `您是新用戶（註冊滿 ${hours} 小時並發滿 ${n.posts} 帖後自動成為老用戶）：限制比老用戶嚴一些，每帖最多 ${n.links} 個外站鏈接、${n.images} 張圖片，簡介裡不能有鏈接。超過限制時，頁面會告訴您多久以後可以再發。`
      : '超過限制時，頁面會告訴您多久以後可以再發。您的地址的限制由同一地址的所有用戶共用。',
  pacedActions: {
    thread: '發新主題',
    reply: '跟帖',
    edit: '修改帖子',
    report: '舉報',
    message: '發悄悄話',
    upload: '上傳圖片',
  } satisfies Record<PacedAction, string>,
  limitColumns: { member: '您：短時間', memberSustained: '您：長時間', address: '您的地址：短時間', addressSustained: '您的地址：長時間' },
  rate: (points: number, seconds: number) => `${points} 次 / ${windowWords(seconds, { s: '秒', m: '分鐘', h: '小時', d: '天' })}`,
  exportData: '下載我的資料',
  exportHint: '您發表的全部帖子，和您收發且沒有刪除的悄悄話，存成一個 JSON 文件。',
  deleteAccount: '刪除帳號',
  deleteAccountHint: '刪除後不能再登錄，也不能恢復。您的帖子會保留，仍署您的名字；簡介會清空；這個用戶名不能再被註冊。',
  confirmDelete: '我明白，刪除我的帳號',
};

/** The member home and settings, in simplified Chinese. */
export const hansPeople: typeof hantPeople = {
  ignoredLine: (name: string) => `已忽略 ${name} 的帖子`,
  threadsCount: '主题',
  repliesCount: '跟帖',
  lastSeenOn: '最近来访',
  accountDeleted: '此账号已删除。',
  profile: '个人简介',
  noProfile: '还没有写简介。',
  follow: '关注',
  unfollow: '取消关注',
  ignore: '忽略此人',
  unignore: '取消忽略',
  sendMessage: '发悄悄话',
  editProfile: '编辑简介',
  followingThem: (name: string) => `您已关注 ${name}：TA 发表新主题时您会收到通知。`,
  ignoringThem: (name: string) => `您已忽略 ${name}：TA 的帖子只显示为一行，TA 的悄悄话和通知不会送达。只有您自己知道。`,
  morePosts: '更多…',
  newestPosts: '回到最新',
  settings: '设置',
  profileHint: '显示在您的博客首页上。“纯文本”照您写的显示（网址变成链接）；选 Markdown 可以用加粗、斜体、链接、列表、引用、代码和图片。',
  saveProfile: '保存简介',
  profileSaved: '简介已保存。',
  preferences: '通知与隐私',
  notifyMe: '以下情况通知我：',
  moderationAlways: '版务通知（版主编辑或删除了您的帖子、您被封禁、您的举报有了结果）总会送达，不能关闭。',
  hideLastSeen: '不在我的博客首页上显示最近来访的日期',
  timeZone: '我的时区（禁言到期的时间按它显示）',
  siteTimeZone: (zone) => `本站的时区（${zone}）`,
  savePreferences: '保存设置',
  preferencesSaved: '设置已保存。',
  ignoredMembers: '已忽略的用户',
  ignoredHint: '他们的帖子对您只显示为一行“已忽略…”（点开仍可看），他们的悄悄话和通知不会送达。只有您自己知道您忽略了谁。',
  ignoredCount: (n: number) => `${n} 人`,
  noIgnored: '您没有忽略任何人。',
  ignoredSince: (time: string) => `忽略于 ${time}`,
  emailSettings: '邮箱',
  yourLimits: '发帖限制',
  limitsHint: (newMember: boolean, hours: number, n: NewMemberNumbers) =>
    newMember
      ? `您是新用户（注册满 ${hours} 小时并发满 ${n.posts} 帖后自动成为老用户）：限制比老用户严一些，每帖最多 ${n.links} 个外站链接、${n.images} 张图片，简介里不能有链接。超过限制时，页面会告诉您多久以后可以再发。`
      : '超过限制时，页面会告诉您多久以后可以再发。您的地址的限制由同一地址的所有用户共用。',
  pacedActions: { thread: '发新主题', reply: '跟帖', edit: '修改帖子', report: '举报', message: '发悄悄话', upload: '上传图片' },
  limitColumns: { member: '您：短时间', memberSustained: '您：长时间', address: '您的地址：短时间', addressSustained: '您的地址：长时间' },
  rate: (points: number, seconds: number) => `${points} 次 / ${windowWords(seconds, { s: '秒', m: '分钟', h: '小时', d: '天' })}`,
  exportData: '下载我的资料',
  exportHint: '您发表的全部帖子，和您收发且没有删除的悄悄话，存成一个 JSON 文件。',
  deleteAccount: '删除账号',
  deleteAccountHint: '删除后不能再登录，也不能恢复。您的帖子会保留，仍署您的名字；简介会清空；这个用户名不能再被注册。',
  confirmDelete: '我明白，删除我的账号',
};
