// The zh-CN line `docket` prints above an error's English message when the output language is zh-CN.
// The library's messages stay English (programs and logs read them); a Chinese user of the CLI is
// told in Chinese what went wrong and what to do, keyed by the error's code (and, for a refused
// argument, its field). tests/cli-error-zh.test.ts fails when a code has no text here.
import type { DocketErrorCode } from '../errors.js';

/** The codes of the CLI's own refusals (`CliError`), beside the library's. */
export type CliOwnErrorCode =
  | 'USAGE'
  | 'UNKNOWN_WORKFLOW'
  | 'DB_MISSING'
  | 'DB_CORRUPT'
  | 'DB_UNAVAILABLE'
  | 'DB_BUSY'
  | 'FILE_MISSING'
  | 'INSTANCE_ARCHIVED'
  | 'INSTANCE_PURGED'
  | 'NO_WORKFLOWS'
  | 'WORKFLOWS_MISSING'
  | 'WORKFLOWS_UNLOADABLE'
  | 'CALENDAR_MISMATCH'
  /** Not a refusal: a bug in docket, printed with its stack. */
  | 'INTERNAL';

/** Every code a `CliError` carries: the library's (passed through) and the CLI's own. */
export type CliErrorCode = DocketErrorCode | CliOwnErrorCode;

/** The codes of commander's refusals (argument parsing), as `CommanderError.code` gives them. */
export type CommanderErrorCode =
  | 'commander.unknownOption'
  | 'commander.unknownCommand'
  | 'commander.missingArgument'
  | 'commander.optionMissingArgument'
  | 'commander.missingMandatoryOptionValue'
  | 'commander.conflictingOption'
  | 'commander.excessArguments'
  | 'commander.invalidArgument'
  | 'commander.error';

/**
 * What went wrong and what to do, in Chinese, for every code the CLI can print. A `Record` over the
 * closed unions, so a code added to `DocketErrorCode` without a line here fails `tsc`; the test also
 * reads the union's text in src/errors.ts, so a widened type cannot hide one.
 */
export const ERROR_TEXT_ZH: Readonly<Record<CliErrorCode | CommanderErrorCode, string>> = Object.freeze({
  // The library's codes (src/errors.ts), in its order.
  WORKFLOW_NOT_FOUND: '找不到该流程（或该版本）：请确认流程 id 与版本已注册（docket workflows 列出可用的流程）。',
  WORKFLOW_VERSION_NOT_REGISTERED: '实例所用的流程版本已不再注册：请加载该版本的流程，或先用 docket migrate 迁移实例。',
  INSTANCE_NOT_FOUND: '数据库中没有这个实例：请检查实例 id（docket list <db> 列出所有实例）。',
  INSTANCE_NOT_ACTIVE: '实例已结束、失败、取消或挂起，不再接受事件：请先查看它的状况（docket show）。',
  UNKNOWN_EVENT: '流程没有声明这个事件：请检查事件名是否拼写正确。',
  EVENT_NOT_ACCEPTED: '实例当前的状态不接受这个事件：请先查看它所处的状态（docket show）。',
  INVALID_PAYLOAD: '事件或发起输入不符合流程的数据格式：请按下面列出的字段更正后重试。',
  FORBIDDEN: '操作人的角色或待办分配不允许此操作：请换有权限的人，或检查角色配置。',
  IDEMPOTENCY_MISMATCH: '同一个幂等键此前用于不同的内容：请换一个新键，或发送与原来相同的内容。',
  CONFLICT: '另一个写入者先修改了该实例：请重新读取后再试。',
  CORRUPT_SNAPSHOT: '存储中的快照或记录无法读取（损坏、来源不明，或来自更新的版本）：请检查数据库，必要时升级 Docket。',
  CALENDAR_YEAR_MISSING: '日历没有这一年的节假日数据：请用 --holidays 提供官方安排，或改用 --on-missing-year statutory。',
  INVALID_HOLIDAY_DATA: '节假日数据格式有误或自相矛盾：请按下面的说明更正该 JSON 文件。',
  INVALID_DEADLINE_RULE: '期限规则有误（月份、日期或时长不对）：请更正流程中的期限定义。',
  NO_APPROVER: '审批人规则没有解析出任何人，且该步骤设定为不能启动：请检查审批人配置或目录。',
  OPERATION_NOT_ALLOWED: '待办当前的情形不允许这个审批操作：请按下面的说明换一种操作。',
  INVALID_ARGUMENT: '参数的值无效：请按下面的说明更正后重试（未做任何改动）。',
  STORE_UNAVAILABLE: '存储不可用（已关闭，或其结构比本版 Docket 新）：请检查数据库连接，必要时升级 Docket。',
  STORE_OUTCOME_UNKNOWN: '写入时存储出错，无法确定是否已写入：请先重新读取实例（版本号与历史可说明），不要盲目重试。',
  MACHINE_ERROR: '流程的状态机在计算转换时抛出异常（守卫、动作或延迟的缺陷）：请修正流程代码。',
  ENGINE_CLOSED: '引擎已关闭：请重新运行命令。',
  EFFECT_TIMEOUT: '副作用处理未在时限内完成（将重试）：请检查该处理程序。',
  MISSING_DEPENDENCY: '缺少可选依赖包：请按下面的提示用 npm install 安装后重试。',
  INVALID_MIGRATION: '流程声明的迁移有误，或没有为 migrate 声明迁移：请按下面的说明更正流程的迁移定义。',
  EXPLORATION_LIMIT: '路径生成访问的转换超过上限（某个状态在每次循环中增长）：请按下面的提示传入相应选项。',
  INVALID_WORKFLOW_GRAPH: '流程图不健全（有到达不了的状态、走不下去的状态或抛错的路径）：请按下面列出的问题修改流程。',
  // The CLI's own codes.
  USAGE: '命令行用法有误：请按下面的说明更正，或运行 docket --help 查看用法（未做任何改动）。',
  UNKNOWN_WORKFLOW: '未知的流程：docket workflows 列出可用的流程；你自己的流程用 --workflows <模块> 加载。',
  DB_MISSING: '找不到数据库：请检查路径（读取命令不会新建数据库）。',
  DB_CORRUPT: '无法把该文件或 schema 当作 Docket 数据库使用（不是 SQLite、已损坏、不是 Docket 的，或版本更新）：请检查路径，必要时升级 Docket；未做任何改动。',
  DB_UNAVAILABLE: '无法连接或读取 PostgreSQL 数据库：请检查连接地址、网络与权限。',
  DB_BUSY: '读取期间数据库一直在变化：请稍后再试。',
  FILE_MISSING: '无法读取该文件：请检查路径与权限。',
  INSTANCE_ARCHIVED: '实例已归档：只能用 docket history 与 docket verify 读取和校验它。',
  INSTANCE_PURGED: '实例已清除，只剩墓碑：docket verify 可校验它。',
  NO_WORKFLOWS: '该模块没有导出任何流程：请导出 defineWorkflow() 返回的值。',
  WORKFLOWS_MISSING: '找不到流程模块：请检查 --workflows 或配置文件中的路径。',
  WORKFLOWS_UNLOADABLE: '无法加载流程模块：请先构建（tsc 或 tsup）并指向 .js 文件，并按下面的英文信息修正错误。',
  CALENDAR_MISMATCH: '有暂定期限是用 CLI 默认日历以外的日历设定的，在这里重新计算会记下错误的时刻（未做任何改动）：请在你的应用中用其引擎运行 engine.reresolveDeadlines({ actor })。',
  INTERNAL: 'docket 内部错误（缺陷）：请附上下面的英文信息报告问题。',
  // Commander's (argument parsing); commander prints its English line itself.
  'commander.unknownOption': '未知的选项：运行 docket <命令> --help 查看该命令的选项。',
  'commander.unknownCommand': '未知的命令：运行 docket --help 查看所有命令。',
  'commander.missingArgument': '缺少必需的参数：运行 docket <命令> --help 查看用法。',
  'commander.optionMissingArgument': '选项缺少它的值：请在选项后给出值。',
  'commander.missingMandatoryOptionValue': '缺少必需的选项：请按下面的说明补上。',
  'commander.conflictingOption': '选项相互冲突：请只保留其中一个。',
  'commander.excessArguments': '参数过多：运行 docket <命令> --help 查看用法。',
  'commander.invalidArgument': '参数的值无效：请按下面的说明更正。',
  'commander.error': '命令行有误：运行 docket --help 查看用法。',
});

/** What to pass, by the field a refused argument names (`details.field`), for `INVALID_ARGUMENT`. */
const FIELD_TEXT_ZH: Readonly<Record<string, string>> = Object.freeze({
  workflow: '请给出流程 id（docket workflows 列出它们），不要留空或重复给出',
  state: '请给出状态的点分路径（如 review.pending），不要留空或重复给出',
  'where.state': '请给出状态的点分路径（如 review.pending），不要留空或重复给出',
  status: '请给出 active（进行中）、done（已完成）、failed（失败）或 cancelled（已取消）之一',
  limit: '请给出用数字写的正整数（list 为 1 到 1000）',
  from: '请给出正确的起点（年份如 2027，或日期如 2026-10-08），且不晚于终点',
  to: '请给出正确的终点（年份如 2027，或日期如 2026-10-08），且不早于起点',
  year: '请给出 1901 到 2099 之间的年份，用数字写',
  tz: '请给出 IANA 时区名，如 Asia/Shanghai、Europe/Berlin 或 UTC（打印的时间按所给时区，不随机器本地时区变化，所以不接受 local、system）',
  lang: '请给出 zh-CN 或 en',
  format: '请给出 svg、mermaid 或 json',
  'on-missing-year': '请给出 statutory（按法定规则估算，默认）、throw（拒绝）或 weekdays-with-warning（只算周一至周五）',
  schema: '请给出 PostgreSQL 的 schema 名（字母、数字、下划线，至多 63 个字符）；SQLite 数据库没有 schema，请不要给出此选项',
  store: '请给出 memory 或 sqlite:<路径>（路径所在的文件夹须已存在）',
  path: '请给出 auto（每个工作日都有人处理）或 idle（只触发期限）',
  input: '请给出符合该流程发起数据格式的 JSON，如 --input \'{"title":"Q4 plan"}\'',
  'older-than': '请给出天数，如 90d',
  mode: '请给出 archive（归档）或 purge（清除）',
  reason: '请给出不为空的理由，它会记入每个实例的历史',
  'history-key-file': '请给出可读的 JSON 文件：{ "id": "k1", "secret": "…" } 或密钥环 { "current": …, "previous": [ … ] }',
  DOCKET_HISTORY_KEY: '请在该环境变量中给出 JSON：{ "id": "k1", "secret": "…" } 或密钥环 { "current": …, "previous": [ … ] }',
});

/** The option a field is given by on the command line (`where.state` is `--state`); an environment variable (`DOCKET_HISTORY_KEY`) as such. */
function flagOf(field: string): string {
  if (/^[A-Z][A-Z0-9_]*$/.test(field)) return `（环境变量）${field}`;
  return `--${field.replace(/^where\./, '')}`;
}

/**
 * The zh-CN line for an error the CLI prints: what went wrong and what to do, by `code`, and for a
 * refused argument (`INVALID_ARGUMENT` with a `field`) which option and what to pass. A code without
 * a line (a custom store's own) gets a general sentence naming it.
 */
export function errorTextZh(code: string, field?: string): string {
  if (code === 'INVALID_ARGUMENT' && field !== undefined && field !== '') {
    const what = FIELD_TEXT_ZH[field] ?? '请按下面的说明更正';
    return `选项 ${flagOf(field)} 的值无效：${what}；未做任何改动。`;
  }
  const text = Object.hasOwn(ERROR_TEXT_ZH, code) ? ERROR_TEXT_ZH[code as keyof typeof ERROR_TEXT_ZH] : undefined;
  return text ?? `出错了（${code}）：请按下面的英文信息处理。`;
}
