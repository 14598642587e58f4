import type { ErrorParams, Invalid } from '../errors';

/**
 * ValidationFailed in the reader's script: the field a refusal names, as the forms label it, and
 * what was wrong with it, one entry per kind of Invalid, written natively in traditional and
 * simplified Chinese (messages.errors.ts has every other refusal).
 */

/** Params as the words get them: dates already written the reader's way (views/time.ts). */
export type Shown<P> = { readonly [K in keyof P]: P[K] extends Date ? string : P[K] };

type InvalidOf<K extends Invalid['kind']> = Extract<Invalid, { kind: K }>;

/** What was wrong with a field, one entry per kind of Invalid. */
type InvalidMessages = { readonly [K in Invalid['kind']]: (invalid: InvalidOf<K>) => string };

/** The fields refusals name, as the forms label them; other names are shown as sent. */
const FIELDS = [
  'title',
  'body',
  'reason',
  'username',
  'password',
  'currentPassword',
  'newPassword',
  'days',
  'postId',
  'page',
  'revision',
  'featured',
  'variant',
  'to',
  'slug',
  'name',
  'description',
  'email',
  'login',
  'token',
  'digest',
  'recipient',
  'cursor',
  'limit',
  'bodies',
  'since',
  'box',
  'read',
  'resolution',
  'profile',
  'hideLastSeen',
  'notify',
  'confirm',
  'ids',
  'unnotified',
] as const;
type Field = (typeof FIELDS)[number];
const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name);

function sayInvalid<K extends Invalid['kind']>(messages: InvalidMessages, invalid: InvalidOf<K> & { kind: K }): string {
  return messages[invalid.kind](invalid);
}

/** ValidationFailed in one script: the field's label, then what was wrong with it. */
const validation =
  (labels: Record<Field, string>, messages: InvalidMessages) =>
  ({ field, invalid }: Shown<ErrorParams['ValidationFailed']>): string => {
    const what = sayInvalid(messages, invalid);
    if (!field) return what;
    return `${isField(field) ? labels[field] : field}：${what}`;
  };

const hantFields: Record<Field, string> = {
  title: '標題',
  body: '內容',
  reason: '理由',
  username: '用戶名',
  password: '密碼',
  currentPassword: '當前密碼',
  newPassword: '新密碼',
  days: '天數',
  postId: '帖子編號',
  page: '頁碼',
  revision: '版本',
  featured: '只看精華',
  variant: '繁簡選擇',
  to: '繁簡選擇',
  slug: '版面代號',
  name: '名稱',
  description: '簡介',
  email: '郵箱地址',
  login: '用戶名或郵箱',
  token: '鏈接',
  digest: '每日摘要',
  recipient: '收件人',
  cursor: '翻頁位置',
  limit: '每頁條數',
  bodies: '是否帶內容',
  since: '起點帖子編號',
  box: '收件箱或發件箱',
  read: '已讀標記',
  resolution: '處理方式',
  profile: '個人簡介',
  hideLastSeen: '隱藏最近來訪',
  notify: '通知設置',
  confirm: '確認',
  ids: '通知編號',
  unnotified: '未通知人數',
};

const hansFields: Record<Field, string> = {
  title: '标题',
  body: '内容',
  reason: '理由',
  username: '用户名',
  password: '密码',
  currentPassword: '当前密码',
  newPassword: '新密码',
  days: '天数',
  postId: '帖子编号',
  page: '页码',
  revision: '版本',
  featured: '只看精华',
  variant: '繁简选择',
  to: '繁简选择',
  slug: '版面代号',
  name: '名称',
  description: '简介',
  email: '邮箱地址',
  login: '用户名或邮箱',
  token: '链接',
  digest: '每日摘要',
  recipient: '收件人',
  cursor: '翻页位置',
  limit: '每页条数',
  bodies: '是否带内容',
  since: '起点帖子编号',
  box: '收件箱或发件箱',
  read: '已读标记',
  resolution: '处理方式',
  profile: '个人简介',
  hideLastSeen: '隐藏最近来访',
  notify: '通知设置',
  confirm: '确认',
  ids: '通知编号',
  unnotified: '未通知人数',
};

const hantInvalid: InvalidMessages = {
  required: () => '必須填寫。',
  type: ({ expected }) => (expected === 'text' ? '應是文字。' : expected === 'number' ? '應是數字。' : '類型不對。'),
  tooLong: ({ max }) => `最多 ${max} 個字符。`,
  tooShort: ({ min }) => `至少 ${min} 個字符。`,
  length: ({ min, max }) => `應有 ${min} 到 ${max} 個字符。`,
  atLeast: ({ min }) => `不能小於 ${min}。`,
  atMost: ({ max }) => `不能大於 ${max}。`,
  between: ({ min, max }) => `應是 ${min} 到 ${max} 之間的整數。`,
  oneOf: ({ values }) => `應是 ${values.join('、')} 之一。`,
  format: () => '格式不對。',
  rate: ({ example }) => `應寫成「次數/時長」，如 ${example}（時長單位 s、m、h、d，即秒、分、時、天；最長 7d）。`,
  hiddenCharacters: () => '不能含控制字符、零寬字符或文字方向字符。',
  controlCharacters: () => '不能含控制字符（製表符和換行除外）。',
  once: () => '只能給一次，且應是文字。',
  plainText: ({ min, max }) =>
    `${min > 0 ? `應有 ${min} 到 ${max} 個字符` : `最多 ${max} 個字符`}，不能含控制字符、零寬字符或文字方向字符。`,
  slug: () => '應有 1 到 40 個字符：小寫英文字母、數字和 -，以字母或數字開頭。',
  nameCharacters: () => '只能用中文或英文字母、數字和 _ - .，並以字母或數字開頭。',
  invisibleCharacters: () => '不能含看不見的字符（如 ㅤ 這樣的填充字符，或變體選擇符）。',
  weakPassword: ({ min, distinct }) => `除去首尾的空格至少要有 ${min} 個字符，且至少有 ${distinct} 個不同的字符。`,
  commonPassword: () => '這是最常見的密碼之一，請換一個。',
  samePassword: () => '與當前密碼相同。',
  explain: ({ why }) =>
    why === 'delete'
      ? '刪除別人的帖子時必須填寫。'
      : why === 'ban'
        ? '請說明封禁的理由。'
        : why === 'reject'
          ? '請告訴作者帖子為什麼沒有通過審核。'
          : '請告訴版主這個帖子有什麼問題。',
  notTheirPost: () => '應是這位用戶在本版發表的帖子。',
  email: () => '應是一個郵箱地址，如 name@example.org。',
};

const hansInvalid: InvalidMessages = {
  required: () => '必须填写。',
  type: ({ expected }) => (expected === 'text' ? '应是文字。' : expected === 'number' ? '应是数字。' : '类型不对。'),
  tooLong: ({ max }) => `最多 ${max} 个字符。`,
  tooShort: ({ min }) => `至少 ${min} 个字符。`,
  length: ({ min, max }) => `应有 ${min} 到 ${max} 个字符。`,
  atLeast: ({ min }) => `不能小于 ${min}。`,
  atMost: ({ max }) => `不能大于 ${max}。`,
  between: ({ min, max }) => `应是 ${min} 到 ${max} 之间的整数。`,
  oneOf: ({ values }) => `应是 ${values.join('、')} 之一。`,
  format: () => '格式不对。',
  rate: ({ example }) => `应写成“次数/时长”，如 ${example}（时长单位 s、m、h、d，即秒、分、时、天；最长 7d）。`,
  hiddenCharacters: () => '不能含控制字符、零宽字符或文字方向字符。',
  controlCharacters: () => '不能含控制字符（制表符和换行除外）。',
  once: () => '只能给一次，且应是文字。',
  plainText: ({ min, max }) =>
    `${min > 0 ? `应有 ${min} 到 ${max} 个字符` : `最多 ${max} 个字符`}，不能含控制字符、零宽字符或文字方向字符。`,
  slug: () => '应有 1 到 40 个字符：小写英文字母、数字和 -，以字母或数字开头。',
  nameCharacters: () => '只能用中文或英文字母、数字和 _ - .，并以字母或数字开头。',
  invisibleCharacters: () => '不能含看不见的字符（如 ㅤ 这样的填充字符，或变体选择符）。',
  weakPassword: ({ min, distinct }) => `除去首尾的空格至少要有 ${min} 个字符，且至少有 ${distinct} 个不同的字符。`,
  commonPassword: () => '这是最常见的密码之一，请换一个。',
  samePassword: () => '与当前密码相同。',
  explain: ({ why }) =>
    why === 'delete'
      ? '删除别人的帖子时必须填写。'
      : why === 'ban'
        ? '请说明封禁的理由。'
        : why === 'reject'
          ? '请告诉作者帖子为什么没有通过审核。'
          : '请告诉版主这个帖子有什么问题。',
  notTheirPost: () => '应是这位用户在本版发表的帖子。',
  email: () => '应是一个邮箱地址，如 name@example.org。',
};

/** ValidationFailed in traditional Chinese. */
export const hantValidation = validation(hantFields, hantInvalid);
/** ValidationFailed in simplified Chinese. */
export const hansValidation = validation(hansFields, hansInvalid);
