import type { NotificationKind, ReportResolution } from '../db/database';

/**
 * The words of notifications, written natively in traditional and simplified Chinese (never
 * converted by machine): the kinds as a member's settings name them (`notificationKinds`, which the
 * settings page shows beside each switch), and the notices' sentences (`notices`). Titles and names
 * come in as they are to be shown: titles already in the reader's variant, names never converted.
 */

/** What each kind of notification is called, where a member chooses what to be told of. */
export const hantNotificationKinds = {
  reply: '有人回覆我的帖子',
  'thread-reply': '我發起的主題有新跟帖',
  mention: '有人在帖子中提到我（@）',
  quote: '有人引用我的帖子',
  'followed-thread': '我關注的用戶發表新主題',
  'post-edited': '版主編輯了我的帖子',
  'post-deleted': '版主刪除了我的帖子',
  banned: '我被封禁',
  'report-handled': '我的舉報已處理',
  'post-approved': '我的帖子通過了審核',
  'post-rejected': '我的帖子沒有通過審核',
} satisfies Record<NotificationKind, string>;

export const hansNotificationKinds: typeof hantNotificationKinds = {
  reply: '有人回复我的帖子',
  'thread-reply': '我发起的主题有新跟帖',
  mention: '有人在帖子中提到我（@）',
  quote: '有人引用我的帖子',
  'followed-thread': '我关注的用户发表新主题',
  'post-edited': '版主编辑了我的帖子',
  'post-deleted': '版主删除了我的帖子',
  banned: '我被封禁',
  'report-handled': '我的举报已处理',
  'post-approved': '我的帖子通过了审核',
  'post-rejected': '我的帖子没有通过审核',
};

/** What a notice's sentence is written from. */
export interface NoticeWords {
  /** Who did it (never converted); the catalog's `system` when no one. */
  actor: string;
  /** Their role where it matters (a moderator's edit), in the reader's words. */
  role: string;
  /** The post's title in the reader's variant (or the catalog's `deletedPost`). */
  title: string;
  /** Free text a moderator wrote (a reason), as written. */
  reason: string;
  /** A ban's end, written the reader's way. */
  until: string;
  /** A ban's board name, or '' for the whole site. */
  board: string;
  resolution: ReportResolution | '';
}

const hantResolutions: Record<ReportResolution, string> = {
  edited: '帖子已被編輯',
  deleted: '帖子已被刪除',
  banned: '作者已被封禁',
  dismissed: '舉報未被採納',
};

export const hantNotices = {
  pageTitle: '通知',
  empty: '還沒有通知。',
  markAllRead: '全部標為已讀',
  older: '更早的通知',
  newest: '最新的通知',
  unread: '未讀',
  system: '系統',
  deletedPost: '（已刪除的帖子）',
  /** A group of follow-ups in one thread: "3 條新跟帖" before the thread's title. */
  group: (n: number) => `${n} 條新跟帖：`,
  mute: '不再提醒本主題的跟帖',
  unmute: '恢復提醒本主題的跟帖',
  muteHint: '主題有新跟帖時不再通知您；直接回覆您和提到您的帖子仍會通知。',
  mentionsUnnotified: (n: number, max: number) => `有 ${n} 位被提到的用戶沒有收到通知：每個帖子最多通知 ${max} 位。`,
  resolutions: hantResolutions,
  text: {
    reply: (w: NoticeWords) => `${w.actor} 回覆了您的帖子：${w.title}`,
    'thread-reply': (w: NoticeWords) => `${w.actor} 在您的主題中跟帖：${w.title}`,
    mention: (w: NoticeWords) => `${w.actor} 在帖子中提到了您：${w.title}`,
    quote: (w: NoticeWords) => `${w.actor} 引用了您的帖子：${w.title}`,
    'followed-thread': (w: NoticeWords) => `${w.actor} 發表了新主題：${w.title}`,
    'post-edited': (w: NoticeWords) => `${w.role} ${w.actor} 編輯了您的帖子：${w.title}`,
    'post-deleted': (w: NoticeWords) => `${w.role} ${w.actor} 刪除了您的帖子：${w.title}${w.reason ? `（理由：${w.reason}）` : ''}`,
    banned: (w: NoticeWords) => `您${w.board ? `在「${w.board}」版` : '在全站'}被封禁，到 ${w.until} 為止。理由：${w.reason}`,
    'report-handled': (w: NoticeWords) => `您舉報的帖子「${w.title}」已處理${w.resolution ? `：${hantResolutions[w.resolution]}` : ''}。`,
    'post-approved': (w: NoticeWords) => `${w.role} ${w.actor} 審核通過了您的帖子：${w.title}`,
    'post-rejected': (w: NoticeWords) => `${w.role} ${w.actor} 沒有通過您的帖子「${w.title}」。理由：${w.reason}`,
  } satisfies Record<NotificationKind, (w: NoticeWords) => string>,
};

export type NoticeMessages = typeof hantNotices;

const hansResolutions: Record<ReportResolution, string> = {
  edited: '帖子已被编辑',
  deleted: '帖子已被删除',
  banned: '作者已被封禁',
  dismissed: '举报未被采纳',
};

export const hansNotices: NoticeMessages = {
  pageTitle: '通知',
  empty: '还没有通知。',
  markAllRead: '全部标为已读',
  older: '更早的通知',
  newest: '最新的通知',
  unread: '未读',
  system: '系统',
  deletedPost: '（已删除的帖子）',
  group: (n: number) => `${n} 条新跟帖：`,
  mute: '不再提醒本主题的跟帖',
  unmute: '恢复提醒本主题的跟帖',
  muteHint: '主题有新跟帖时不再通知您；直接回复您和提到您的帖子仍会通知。',
  mentionsUnnotified: (n: number, max: number) => `有 ${n} 位被提到的用户没有收到通知：每个帖子最多通知 ${max} 位。`,
  resolutions: hansResolutions,
  text: {
    reply: (w) => `${w.actor} 回复了您的帖子：${w.title}`,
    'thread-reply': (w) => `${w.actor} 在您的主题中跟帖：${w.title}`,
    mention: (w) => `${w.actor} 在帖子中提到了您：${w.title}`,
    quote: (w) => `${w.actor} 引用了您的帖子：${w.title}`,
    'followed-thread': (w) => `${w.actor} 发表了新主题：${w.title}`,
    'post-edited': (w) => `${w.role} ${w.actor} 编辑了您的帖子：${w.title}`,
    'post-deleted': (w) => `${w.role} ${w.actor} 删除了您的帖子：${w.title}${w.reason ? `（理由：${w.reason}）` : ''}`,
    banned: (w) => `您${w.board ? `在“${w.board}”版` : '在全站'}被封禁，到 ${w.until} 为止。理由：${w.reason}`,
    'report-handled': (w) => `您举报的帖子“${w.title}”已处理${w.resolution ? `：${hansResolutions[w.resolution]}` : ''}。`,
    'post-approved': (w) => `${w.role} ${w.actor} 审核通过了您的帖子：${w.title}`,
    'post-rejected': (w) => `${w.role} ${w.actor} 没有通过您的帖子“${w.title}”。理由：${w.reason}`,
  },
};
